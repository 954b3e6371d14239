import RedisProtocol
import Testing

/// Random values, random splits, random damage: the decoder must agree with the test's own
/// writer, never take a prefix for a value, and meet any garbage with a value, a wait or a
/// typed error, never a crash or a hang.
@Suite("RESPDecoder properties")
struct RESPPropertyTests {
    @Test("random values round-trip through the writer, whole, in random chunks and a byte at a time")
    func roundTrip() {
        var random = SplitMix(seed: 0x5EED_0001)
        for _ in 0..<1500 {
            var values = RandomValues(random: SplitMix(seed: random.next()))
            let count = random.int(1...3)
            let expected = (0..<count).map { _ in values.value() }
            var writer = RESPWriter(random: random.chance(0.5) ? SplitMix(seed: random.next()) : nil)
            let bytes = expected.flatMap { writer.encode($0) }
            #expect(decode(bytes) == Outcome(values: expected))
            let chunks = randomChunks(&random)
            #expect(decode(bytes, chunks: chunks) == Outcome(values: expected), "chunks \(chunks)")
            #expect(decode(bytes, chunks: [1]) == Outcome(values: expected))
        }
    }

    @Test("every strict prefix of a value's encoding needs more bytes")
    func prefixes() {
        var random = SplitMix(seed: 0x5EED_0002)
        for _ in 0..<300 {
            var values = RandomValues(random: SplitMix(seed: random.next()), maxDepth: 3, maxElements: 4, maxBytes: 12)
            let value = values.value()
            var writer = RESPWriter(random: SplitMix(seed: random.next()))
            let bytes = writer.encode(value)
            for length in 0..<bytes.count {
                let outcome = decode(Array(bytes[..<length]))
                #expect(outcome == Outcome(), "prefix of \(length) of \(bytes.count) bytes of \(value)")
                if outcome != Outcome() { return }
            }
        }
    }

    @Test("damaged encodings give values, a wait or a typed error, the same however they are split")
    func mutations() {
        var random = SplitMix(seed: 0x5EED_0003)
        let interesting = Array("\r\n*$+-:_,#(=!%~>|0123456789".utf8)
        let limits = RESPDecoder.Limits(maxBulkLength: 40, maxElementCount: 6, maxDepth: 5, maxLineLength: 48)
        var tally = Tally()
        for _ in 0..<1500 {
            var values = RandomValues(random: SplitMix(seed: random.next()))
            var writer = RESPWriter(random: SplitMix(seed: random.next()))
            var bytes = writer.encode(values.value()) + writer.encode(values.value())
            for _ in 0..<random.int(1...4) {
                let index = random.int(0...(bytes.count - 1))
                let byte =
                    random.chance(0.7)
                    ? interesting[random.int(0...(interesting.count - 1))] : UInt8(random.int(0...255))
                switch random.int(0...3) {
                case 0: bytes[index] = byte
                case 1: bytes.insert(byte, at: index)
                case 2: if bytes.count > 1 { bytes.remove(at: index) }
                default: bytes[index] ^= UInt8(1 << random.int(0...7))
                }
            }
            let whole = decode(bytes, limits: limits)
            tally.count(whole)
            let chunks = randomChunks(&random, maximum: 8)
            #expect(decode(bytes, chunks: chunks, limits: limits) == whole, "chunks \(chunks) of \(bytes)")
            #expect(decode(bytes, chunks: [1], limits: limits) == whole, "bytes \(bytes)")
        }
        tally.expectVariety(errorKinds: 8)
    }

    @Test("byte soup gives values, a wait or a typed error, the same however it is split")
    func byteSoup() {
        var random = SplitMix(seed: 0x5EED_0004)
        let types = Array("*$+-:_,#(=!%~>|".utf8)
        let words = [
            "\r\n", "\r\n", "\r\n", "\r", "\n", "-1", "-2", "0", "1", "2", "3", "4", "9", "99", "t", "f", "inf", "nan",
            "1.5", "txt:", "abc", "99999999999999999999",
        ].map { Array($0.utf8) }
        let limits = RESPDecoder.Limits(maxBulkLength: 64, maxElementCount: 8, maxDepth: 4, maxLineLength: 32)
        var tally = Tally()
        for _ in 0..<3000 {
            // Pieces of RESP in random order: type bytes, numbers, words, line ends, any byte.
            var bytes: [UInt8] = []
            for _ in 0..<random.int(1...24) {
                switch random.int(0...9) {
                case 0...3: bytes.append(types[random.int(0...(types.count - 1))])
                case 4...8: bytes += words[random.int(0...(words.count - 1))]
                default: bytes.append(UInt8(random.int(0...255)))
                }
            }
            let whole = decode(bytes, limits: limits)
            tally.count(whole)
            #expect(decode(bytes, chunks: randomChunks(&random, maximum: 8), limits: limits) == whole)
            #expect(decode(bytes, chunks: [1], limits: limits) == whole)
        }
        tally.expectVariety(errorKinds: 8)
    }
}

/// What a property test's inputs came to, so that a generator that stopped reaching some
/// outcome (every input an error, say) fails the test instead of passing it idly.
struct Tally {
    var values = 0
    var waits = 0
    var errorKinds: Set<String> = []

    mutating func count(_ outcome: Outcome) {
        values += outcome.values.count
        if let error = outcome.error {
            // Every case has a payload, so the mirror's one child is labelled with the case's name.
            errorKinds.insert(Mirror(reflecting: error).children.first?.label ?? "\(error)")
        } else {
            waits += 1
        }
    }

    func expectVariety(errorKinds minimum: Int, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(values > 0, sourceLocation: sourceLocation)
        #expect(waits > 0, sourceLocation: sourceLocation)
        #expect(
            errorKinds.count >= minimum, "\(errorKinds.sorted()), \(values) values, \(waits) waits",
            sourceLocation: sourceLocation)
    }
}
