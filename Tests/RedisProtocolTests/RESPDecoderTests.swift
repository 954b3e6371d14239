import RedisProtocol
import Testing

@Suite("RESPDecoder")
struct RESPDecoderTests {
    static let values: [(String, RESPValue)] = [
        ("+OK\r\n", .simpleString("OK")),
        ("+\r\n", .simpleString("")),
        ("-ERR unknown command 'FOO'\r\n", .error("ERR unknown command 'FOO'")),
        (":0\r\n", .integer(0)),
        (":-42\r\n", .integer(-42)),
        (":+7\r\n", .integer(7)),
        (":9223372036854775807\r\n", .integer(.max)),
        (":-9223372036854775808\r\n", .integer(.min)),
        ("$5\r\nhello\r\n", .bulkString("hello")),
        ("$0\r\n\r\n", .bulkString([])),
        ("$-1\r\n", .bulkString(nil)),
        ("$6\r\na\r\nb\0c\r\n", .bulkString([97, 13, 10, 98, 0, 99])),
        ("*-1\r\n", .array(nil)),
        ("*0\r\n", .array([])),
        ("*2\r\n$3\r\nfoo\r\n:1\r\n", .array([.bulkString("foo"), .integer(1)])),
        ("*2\r\n*1\r\n+a\r\n*0\r\n", .array([.array([.simpleString("a")]), .array([])])),
        ("_\r\n", .null),
        (",3.25\r\n", .double(3.25)),
        (",-1e10\r\n", .double(-1e10)),
        (",10\r\n", .double(10)),
        (",inf\r\n", .double(.infinity)),
        (",-inf\r\n", .double(-.infinity)),
        ("#t\r\n", .boolean(true)),
        ("#f\r\n", .boolean(false)),
        ("(3492890328409238509324850943850943825024385\r\n", .bigNumber("3492890328409238509324850943850943825024385")),
        ("(-12\r\n", .bigNumber("-12")),
        ("=15\r\ntxt:Some string\r\n", .verbatimString(format: "txt", text: Array("Some string".utf8))),
        ("=4\r\nmkd:\r\n", .verbatimString(format: "mkd", text: [])),
        ("!21\r\nSYNTAX invalid syntax\r\n", .error("SYNTAX invalid syntax")),
        (
            "%2\r\n+a\r\n:1\r\n+b\r\n#f\r\n",
            .map([
                .init(key: .simpleString("a"), value: .integer(1)),
                .init(key: .simpleString("b"), value: .boolean(false)),
            ])
        ),
        ("%0\r\n", .map([])),
        ("~2\r\n:1\r\n:2\r\n", .set([.integer(1), .integer(2)])),
        (
            ">3\r\n$7\r\nmessage\r\n$4\r\nroom\r\n$2\r\nhi\r\n",
            .push([.bulkString("message"), .bulkString("room"), .bulkString("hi")])
        ),
        ("|1\r\n+ttl\r\n:3600\r\n$2\r\nok\r\n", .bulkString("ok")),
        ("|0\r\n:5\r\n", .integer(5)),
        ("*2\r\n|1\r\n+a\r\n*1\r\n:1\r\n:7\r\n:8\r\n", .array([.integer(7), .integer(8)])),
        ("|1\r\n|1\r\n+x\r\n+y\r\n+k\r\n_\r\n+v\r\n", .simpleString("v")),
    ]

    @Test("decodes each type", arguments: values)
    func decodesEachType(input: String, expected: RESPValue) {
        #expect(decode(input) == Outcome(values: [expected]))
    }

    @Test("decodes each type fed one byte at a time", arguments: values)
    func decodesEachTypeByteAtATime(input: String, expected: RESPValue) {
        #expect(decode(Array(input.utf8), chunks: [1]) == Outcome(values: [expected]))
    }

    @Test("nan is a double")
    func nan() {
        guard case .double(let value) = decode(",nan\r\n").values.first else {
            Issue.record("no double")
            return
        }
        #expect(value.isNaN)
    }

    @Test("several values in one read come out in order")
    func severalValues() {
        #expect(
            decode("+OK\r\n:1\r\n$-1\r\n*0\r\n")
                == Outcome(values: [.simpleString("OK"), .integer(1), .bulkString(nil), .array([])]))
    }

    @Test("a value not all there yet is nil, then the value once the rest comes")
    func needMore() throws {
        var decoder = RESPDecoder()
        decoder.feed(Array("*2\r\n$3\r\nfo".utf8))
        #expect(try decoder.next() == nil)
        #expect(try decoder.next() == nil)
        decoder.feed(Array("o\r".utf8))
        #expect(try decoder.next() == nil)
        decoder.feed(Array("\n:5\r\n+n".utf8))
        #expect(try decoder.next() == .array([.bulkString("foo"), .integer(5)]))
        #expect(try decoder.next() == nil)
        #expect(decoder.bufferedByteCount == 2)
        decoder.feed(Array("ext\r\n".utf8))
        #expect(try decoder.next() == .simpleString("next"))
        #expect(decoder.bufferedByteCount == 0)
    }

    @Test("a raw buffer can be fed")
    func feedRawBuffer() throws {
        var decoder = RESPDecoder()
        Array(":12\r\n".utf8).withUnsafeBytes { decoder.feed($0) }
        #expect(try decoder.next() == .integer(12))
    }

    @Test("a long stream in small reads, the buffer compacted along the way")
    func longStream() throws {
        var bytes: [UInt8] = []
        for index in 0..<20_000 { bytes += Array("*2\r\n:\(index)\r\n$3\r\nabc\r\n".utf8) }
        let outcome = decode(bytes, chunks: [1000, 7, 4096, 333])
        #expect(outcome.error == nil)
        #expect(outcome.values.count == 20_000)
        #expect(outcome.values.last == .array([.integer(19_999), .bulkString("abc")]))
    }

    @Test("a bulk string at the length limit is decoded; one byte more is refused")
    func bulkLimit() {
        let limits = RESPDecoder.Limits(maxBulkLength: 8)
        #expect(decode("$8\r\n12345678\r\n", limits: limits) == Outcome(values: [.bulkString("12345678")]))
        // Refused as soon as the header is read, before the payload arrives.
        #expect(decode("$9\r\n", limits: limits) == Outcome(error: .bulkTooLong(length: 9, limit: 8)))
        #expect(decode("=9\r\n", limits: limits) == Outcome(error: .bulkTooLong(length: 9, limit: 8)))
        #expect(decode("!9\r\n", limits: limits) == Outcome(error: .bulkTooLong(length: 9, limit: 8)))
        #expect(decode("$67108865\r\n") == Outcome(error: .bulkTooLong(length: 64 << 20 + 1, limit: 64 << 20)))
    }

    @Test("an aggregate at the element limit is decoded; one more is refused")
    func elementLimit() {
        let limits = RESPDecoder.Limits(maxElementCount: 2)
        #expect(decode("*2\r\n:1\r\n:2\r\n", limits: limits).values.count == 1)
        for type in ["*", "~", ">", "%", "|"] {
            #expect(decode("\(type)3\r\n", limits: limits) == Outcome(error: .tooManyElements(count: 3, limit: 2)))
        }
        #expect(decode("*1048577\r\n") == Outcome(error: .tooManyElements(count: 1_048_577, limit: 1 << 20)))
    }

    @Test("aggregates nested to the depth limit are decoded; one deeper is refused")
    func depthLimit() {
        let deepest = String(repeating: "*1\r\n", count: 31) + "*0\r\n"
        var expected = RESPValue.array([])
        for _ in 0..<31 { expected = .array([expected]) }
        #expect(decode(deepest) == Outcome(values: [expected]))
        #expect(decode("*1\r\n" + deepest) == Outcome(error: .nestingTooDeep(limit: 32)))
        #expect(
            decode("%1\r\n~1\r\n>1\r\n|1\r\n*0", limits: .init(maxDepth: 3))
                == Outcome(error: .nestingTooDeep(limit: 3)))
    }

    @Test("a line at the length limit is decoded; a longer one is refused before its end arrives")
    func lineLimit() {
        let limits = RESPDecoder.Limits(maxLineLength: 10)
        #expect(decode("+0123456789\r\n", limits: limits) == Outcome(values: [.simpleString("0123456789")]))
        #expect(decode("+0123456789", limits: limits) == Outcome())
        #expect(decode("+0123456789\r", limits: limits) == Outcome())
        #expect(decode("+0123456789A", limits: limits) == Outcome(error: .lineTooLong(limit: 10)))
        #expect(decode("$00000000001\r\n", limits: limits) == Outcome(error: .lineTooLong(limit: 10)))
        let long = "-" + String(repeating: "x", count: 64 << 10 + 1)
        #expect(decode(long) == Outcome(error: .lineTooLong(limit: 64 << 10)))
    }

    static let errors: [(String, RESPError)] = [
        ("?\r\n", .unknownType(UInt8(ascii: "?"))),
        ("\r\n", .unknownType(13)),
        ("OK\r\n", .unknownType(UInt8(ascii: "O"))),
        (":12a\r\n", .badInteger(type: UInt8(ascii: ":"))),
        (":\r\n", .badInteger(type: UInt8(ascii: ":"))),
        (":-\r\n", .badInteger(type: UInt8(ascii: ":"))),
        (": 1\r\n", .badInteger(type: UInt8(ascii: ":"))),
        (":9223372036854775808\r\n", .badInteger(type: UInt8(ascii: ":"))),
        (":-9223372036854775809\r\n", .badInteger(type: UInt8(ascii: ":"))),
        ("$x\r\n", .badInteger(type: UInt8(ascii: "$"))),
        ("$?\r\n;4\r\nHell\r\n;0\r\n", .badInteger(type: UInt8(ascii: "$"))),
        ("*?\r\n:1\r\n.\r\n", .badInteger(type: UInt8(ascii: "*"))),
        ("*1.5\r\n", .badInteger(type: UInt8(ascii: "*"))),
        ("$-2\r\n", .badLength(type: UInt8(ascii: "$"), length: -2)),
        ("*-5\r\n", .badLength(type: UInt8(ascii: "*"), length: -5)),
        ("%-1\r\n", .badLength(type: UInt8(ascii: "%"), length: -1)),
        ("~-1\r\n", .badLength(type: UInt8(ascii: "~"), length: -1)),
        ("=-1\r\n", .badLength(type: UInt8(ascii: "="), length: -1)),
        ("+OK\n", .missingCRLF(type: UInt8(ascii: "+"))),
        ("+O\rK\r\n", .missingCRLF(type: UInt8(ascii: "+"))),
        ("$3\r\nfooXY", .missingCRLF(type: UInt8(ascii: "$"))),
        ("$3\r\nfoo\n\r", .missingCRLF(type: UInt8(ascii: "$"))),
        ("*1\n", .missingCRLF(type: UInt8(ascii: "*"))),
        ("_x\r\n", .malformed(type: UInt8(ascii: "_"))),
        ("#x\r\n", .malformed(type: UInt8(ascii: "#"))),
        ("#tt\r\n", .malformed(type: UInt8(ascii: "#"))),
        ("#\r\n", .malformed(type: UInt8(ascii: "#"))),
        (",abc\r\n", .malformed(type: UInt8(ascii: ","))),
        (",\r\n", .malformed(type: UInt8(ascii: ","))),
        (",1.2.3\r\n", .malformed(type: UInt8(ascii: ","))),
        (",0x10\r\n", .malformed(type: UInt8(ascii: ","))),
        ("(12a\r\n", .malformed(type: UInt8(ascii: "("))),
        ("(-\r\n", .malformed(type: UInt8(ascii: "("))),
        ("=3\r\ntxt\r\n", .malformed(type: UInt8(ascii: "="))),
        ("=5\r\ntxt-x\r\n", .malformed(type: UInt8(ascii: "="))),
        ("*2\r\n:1\r\n!\r\n", .badInteger(type: UInt8(ascii: "!"))),
    ]

    @Test("refuses what is not RESP with a typed error", arguments: errors)
    func refuses(input: String, expected: RESPError) {
        #expect(decode(input) == Outcome(error: expected))
        #expect(decode(Array(input.utf8), chunks: [1]) == Outcome(error: expected))
    }

    @Test("values before a bad one come out; the error follows")
    func valuesBeforeError() {
        #expect(decode("+a\r\n:1\r\n?") == Outcome(values: [.simpleString("a"), .integer(1)], error: .unknownType(63)))
    }

    @Test("after an error the decoder stays failed, whatever is fed")
    func unusableAfterError() {
        var decoder = RESPDecoder()
        decoder.feed(Array("+ok\r\n:x\r\n".utf8))
        #expect(throws: Never.self) { try decoder.next() }
        #expect(throws: RESPError.badInteger(type: UInt8(ascii: ":"))) { try decoder.next() }
        #expect(decoder.hasFailed)
        decoder.feed(Array("+fine\r\n".utf8))
        #expect(decoder.bufferedByteCount == 0)
        #expect(throws: RESPError.badInteger(type: UInt8(ascii: ":"))) { try decoder.next() }
    }

    @Test("errors describe themselves in words")
    func descriptions() {
        #expect(RESPError.unknownType(UInt8(ascii: "?")).description == "unknown RESP type byte '?'")
        #expect(RESPError.unknownType(0).description == "unknown RESP type byte 0x00")
        #expect(RESPError.badInteger(type: UInt8(ascii: "$")).description == "malformed integer in a bulk string ('$')")
        #expect(
            RESPError.badLength(type: UInt8(ascii: "%"), length: -1).description == "invalid length -1 for a map ('%')")
        #expect(RESPError.bulkTooLong(length: 9, limit: 8).description == "a string of 9 bytes is over the limit of 8")
        #expect(
            RESPError.tooManyElements(count: 3, limit: 2).description
                == "an aggregate of 3 elements is over the limit of 2")
        #expect(RESPError.nestingTooDeep(limit: 32).description == "aggregates nested more than 32 deep")
        #expect(RESPError.lineTooLong(limit: 10).description == "a line longer than 10 bytes")
        #expect(
            RESPError.missingCRLF(type: UInt8(ascii: "+")).description == "missing CRLF after a simple string ('+')")
        #expect(RESPError.malformed(type: UInt8(ascii: "#")).description == "malformed boolean ('#')")
    }
}
