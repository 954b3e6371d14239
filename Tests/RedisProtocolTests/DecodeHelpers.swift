import RedisProtocol

/// How feeding some bytes ended: values, then either "need more" or an error.
struct Outcome: Equatable, CustomStringConvertible {
    var values: [RESPValue] = []
    /// nil when the decoder ended asking for more bytes.
    var error: RESPError?

    var description: String { "\(values) then \(error.map { "\($0)" } ?? "need more")" }

    /// Equal values, a NaN equal to a NaN.
    static func == (a: Outcome, b: Outcome) -> Bool {
        a.error == b.error && a.values.count == b.values.count && zip(a.values, b.values).allSatisfy(same)
    }
}

/// `==`, except that a double NaN is the same as a double NaN (byte soup makes them).
func same(_ a: RESPValue, _ b: RESPValue) -> Bool {
    func all(_ x: [RESPValue], _ y: [RESPValue]) -> Bool { x.count == y.count && zip(x, y).allSatisfy(same) }
    switch (a, b) {
    case (.double(let x), .double(let y)): return x == y || (x.isNaN && y.isNaN)
    case (.array(let x?), .array(let y?)), (.set(let x), .set(let y)), (.push(let x), .push(let y)): return all(x, y)
    case (.map(let x), .map(let y)): return all(x.map(\.key), y.map(\.key)) && all(x.map(\.value), y.map(\.value))
    default: return a == b
    }
}

/// Feeds `bytes` to a fresh decoder in chunks of the sizes `chunks` gives (cycled; whole when
/// empty), taking every value after each chunk.
func decode(_ bytes: [UInt8], chunks: [Int] = [], limits: RESPDecoder.Limits = .init()) -> Outcome {
    var decoder = RESPDecoder(limits: limits)
    var outcome = Outcome()
    var offset = 0
    var chunk = 0
    repeat {
        let size = chunks.isEmpty ? bytes.count : chunks[chunk % chunks.count]
        chunk += 1
        let end = min(bytes.count, offset + size)
        decoder.feed(bytes[offset..<end])
        offset = end
        do {
            while let value = try decoder.next() { outcome.values.append(value) }
        } catch {
            outcome.error = error
            return outcome
        }
    } while offset < bytes.count
    return outcome
}

func decode(_ text: String, limits: RESPDecoder.Limits = .init()) -> Outcome {
    decode(Array(text.utf8), limits: limits)
}

/// Random chunk sizes from 1 to `maximum` bytes.
func randomChunks(_ random: inout SplitMix, maximum: Int = 16) -> [Int] {
    (0..<random.int(1...8)).map { _ in random.int(1...maximum) }
}
