import LineProtocol
import Testing

/// What a framer produced, in a form tests can compare.
enum Framed: Equatable {
    case line(String)
    case overlong
}

/// Feeds `input` to a fresh framer in the given chunk sizes (cycled).
func frame(_ input: [UInt8], chunks: [Int] = [Int.max], maxLineBytes: Int = 512) -> [Framed] {
    frameCounting(input, chunks: chunks, maxLineBytes: maxLineBytes).events
}

/// Feeds `input` to a fresh framer in the given chunk sizes (cycled); also returns the framer's
/// `discardedByteCount` at the end.
func frameCounting(
    _ input: [UInt8], chunks: [Int] = [Int.max], maxLineBytes: Int = 512
) -> (events: [Framed], discarded: Int) {
    var framer = LineFramer(maxLineBytes: maxLineBytes)
    var result: [Framed] = []
    var offset = 0
    var chunkIndex = 0
    while offset < input.count {
        let size = min(chunks[chunkIndex % chunks.count], input.count - offset)
        chunkIndex += 1
        var chunk = Array(input[offset..<(offset + size)])
        offset += size
        chunk.withUnsafeMutableBytes { raw in
            framer.feed(raw) { event in
                switch event {
                case .line(let bytes): result.append(.line(String(decoding: bytes, as: UTF8.self)))
                case .overlong: result.append(.overlong)
                }
            }
        }
    }
    return (result, framer.discardedByteCount)
}

@Suite("LineFramer")
struct LineFramerTests {
    static let cases: [(String, [UInt8], [Framed])] = [
        ("LF", Array("NICK a\nLIST\n".utf8), [.line("NICK a"), .line("LIST")]),
        ("CRLF", Array("NICK a\r\nLIST\r\n".utf8), [.line("NICK a"), .line("LIST")]),
        ("mixed", Array("A\r\nB\nC\r\n".utf8), [.line("A"), .line("B"), .line("C")]),
        ("no terminator yet", Array("NICK a".utf8), []),
        ("empty lines", Array("\n\r\n\n".utf8), [.line(""), .line(""), .line("")]),
        ("bare CR", Array("NICK a\rLIST\r".utf8), [.line("NICK a"), .line("LIST")]),
        ("CR NUL", Array("NICK a\r\0LIST\r\0".utf8), [.line("NICK a"), .line("LIST")]),
        ("a lone CR ends a line", Array("A\rB\n".utf8), [.line("A"), .line("B")]),
        ("CR CR LF is a line and an empty line", Array("A\r\r\n".utf8), [.line("A"), .line("")]),
        ("LF CR is two terminators", Array("A\n\rB\n".utf8), [.line("A"), .line(""), .line("B")]),
        ("only one byte after a CR is swallowed", Array("A\r\n\nB\r\0\0".utf8), [.line("A"), .line(""), .line("B")]),
        ("NUL not after a CR stays in the line", Array("A\0B\n\0\n".utf8), [.line("A\0B"), .line("\0")]),
        (
            "all four terminators mixed", Array("A\r\nB\nC\rD\r\0E\n".utf8),
            [.line("A"), .line("B"), .line("C"), .line("D"), .line("E")]
        ),
        (
            "telnet sequence between CR and LF", Array("A\r".utf8) + [255, 241] + Array("\nB\n".utf8),
            [.line("A"), .line("B")]
        ),
        ("telnet option negotiation", [255, 251, 1, 255, 253, 3] + Array("NICK a\r\n".utf8), [.line("NICK a")]),
        ("telnet command mid-line", Array("NI".utf8) + [255, 241] + Array("CK a\n".utf8), [.line("NICK a")]),
        (
            "telnet subnegotiation", Array("LI".utf8) + [255, 250, 24, 0, 65, 66, 255, 240] + Array("ST\n".utf8),
            [.line("LIST")]
        ),
        ("telnet IAC in a subnegotiation", [255, 250, 1, 255, 255, 2, 255, 240] + Array("X\n".utf8), [.line("X")]),
        ("escaped IAC is a data byte", Array("A".utf8) + [255, 255] + Array("B\n".utf8), [.line("A\u{FFFD}B")]),
        ("telnet interrupt", [255, 244] + Array("QUIT\r\n".utf8), [.line("QUIT")]),
    ]

    @Test("frames lines whole", arguments: cases)
    func whole(name: String, input: [UInt8], expected: [Framed]) {
        #expect(frame(input) == expected, "\(name)")
    }

    @Test("frames lines fed one byte at a time", arguments: cases)
    func byteByByte(name: String, input: [UInt8], expected: [Framed]) {
        #expect(frame(input, chunks: [1]) == expected, "\(name)")
    }

    @Test("frames lines fed in uneven chunks", arguments: cases)
    func chunked(name: String, input: [UInt8], expected: [Framed]) {
        for pattern in [[2], [3, 1], [5, 2, 7], [1, 4]] {
            #expect(frame(input, chunks: pattern) == expected, "\(name) in chunks \(pattern)")
        }
    }

    @Test("the maximum counts the terminator")
    func maximumIncludesTerminator() {
        let fits = Array(String(repeating: "x", count: 9).utf8) + [10]  // 10 bytes with LF
        #expect(frame(fits, maxLineBytes: 10) == [.line(String(repeating: "x", count: 9))])
        let fitsCRLF = Array(String(repeating: "x", count: 8).utf8) + [13, 10]
        #expect(frame(fitsCRLF, maxLineBytes: 10) == [.line(String(repeating: "x", count: 8))])
        let tooLong = Array(String(repeating: "x", count: 10).utf8) + [10]
        #expect(frame(tooLong, maxLineBytes: 10) == [.overlong])
    }

    @Test("an overlong line is reported once and discarded up to its LF, whatever the chunking")
    func overlongThenUsable() {
        let input = Array(String(repeating: "y", count: 2000).utf8) + Array("\nLIST\n".utf8)
        for chunks in [[Int.max], [1], [7], [600, 3]] {
            #expect(frame(input, chunks: chunks, maxLineBytes: 512) == [.overlong, .line("LIST")], "chunks \(chunks)")
        }
    }

    @Test("a line with no LF is reported as soon as it is too long, and the framer holds no more than the maximum")
    func hugeLineWithoutLF() {
        var framer = LineFramer(maxLineBytes: 512)
        var events = 0
        var chunk = [UInt8](repeating: 0x61, count: 64 * 1024)
        for _ in 0..<16 {  // 1 MiB, no LF
            chunk.withUnsafeMutableBytes { raw in framer.feed(raw) { _ in events += 1 } }
            #expect(framer.bufferedByteCount <= 512)
        }
        #expect(events == 1)
    }

    @Test("an idle framer keeps no storage")
    func idleFramerHoldsNothing() {
        var framer = LineFramer()
        var input = Array("PARTIAL".utf8)
        input.withUnsafeMutableBytes { raw in framer.feed(raw) { _ in } }
        #expect(framer.bufferedByteCount == 7)
        var rest = Array(" LINE\n".utf8)
        var lines: [String] = []
        rest.withUnsafeMutableBytes { raw in
            framer.feed(raw) { if case .line(let b) = $0 { lines.append(String(decoding: b, as: UTF8.self)) } }
        }
        #expect(lines == ["PARTIAL LINE"])
        #expect(framer.bufferedByteCount == 0)
    }

    @Test("frames lines fed in random chunk splits", arguments: cases)
    func randomChunks(name: String, input: [UInt8], expected: [Framed]) {
        var random = SplitMix(seed: UInt64(input.count) &* 0x5EED)
        for _ in 0..<50 {
            let pattern = (0..<8).map { _ in Int.random(in: 1...6, using: &random) }
            #expect(frame(input, chunks: pattern) == expected, "\(name) in chunks \(pattern)")
        }
    }

    static let terminators: [(String, [UInt8])] = [
        ("LF", [10]), ("CR LF", [13, 10]), ("CR", [13]), ("CR NUL", [13, 0]),
    ]

    @Test("each terminator ends a line, fed whole, byte by byte and in random splits", arguments: terminators)
    func eachTerminator(name: String, terminator: [UInt8]) {
        let input =
            Array("NICK bob".utf8) + terminator + Array("PING x".utf8) + terminator + Array("LIST".utf8)
            + terminator
        let expected: [Framed] = [.line("NICK bob"), .line("PING x"), .line("LIST")]
        #expect(frame(input) == expected, "\(name) whole")
        #expect(frame(input, chunks: [1]) == expected, "\(name) byte by byte")
        var random = SplitMix(seed: 7)
        for _ in 0..<100 {
            let pattern = (0..<5).map { _ in Int.random(in: 1...9, using: &random) }
            #expect(frame(input, chunks: pattern) == expected, "\(name) in chunks \(pattern)")
        }
    }

    @Test(
        "an LF or NUL at the start of the next chunk belongs to the CR that ended the last one",
        arguments: [10, 0] as [UInt8])
    func terminatorSplitAcrossChunks(second: UInt8) {
        var framer = LineFramer()
        var events: [Framed] = []
        func feed(_ bytes: [UInt8]) {
            var chunk = bytes
            chunk.withUnsafeMutableBytes { raw in
                framer.feed(raw) { event in
                    switch event {
                    case .line(let b): events.append(.line(String(decoding: b, as: UTF8.self)))
                    case .overlong: events.append(.overlong)
                    }
                }
            }
        }
        feed(Array("PING a\r".utf8))
        #expect(events == [.line("PING a")], "the line is out at the CR, without waiting for what follows")
        feed([second])
        #expect(events == [.line("PING a")], "no empty line for the second byte of the terminator")
        feed(Array("PING b\r".utf8))
        feed([])
        feed([second] + Array("PING c\n".utf8))
        #expect(events == [.line("PING a"), .line("PING b"), .line("PING c")])
        #expect(framer.bufferedByteCount == 0)
    }

    @Test("the maximum counts the terminator, a CR as two bytes", arguments: terminators)
    func maximumPerTerminator(name: String, terminator: [UInt8]) {
        // A CR-ended line is held to CR LF's length whatever follows the CR, so that the limit
        // does not wait on a byte that may not have arrived.
        let room = terminator.first == 13 ? 8 : 9
        for chunks in [[Int.max], [1], [3]] {
            let fits = Array(String(repeating: "x", count: room).utf8) + terminator + Array("ok\n".utf8)
            #expect(
                frame(fits, chunks: chunks, maxLineBytes: 10) == [
                    .line(String(repeating: "x", count: room)), .line("ok"),
                ],
                "\(name), chunks \(chunks)")
            let tooLong = Array(String(repeating: "x", count: room + 1).utf8) + terminator + Array("ok\n".utf8)
            #expect(
                frame(tooLong, chunks: chunks, maxLineBytes: 10) == [.overlong, .line("ok")],
                "\(name), chunks \(chunks)")
        }
    }

    @Test(
        "an overlong line is refused once and discarded up to its terminator, whatever the terminator",
        arguments: terminators)
    func overlongPerTerminator(name: String, terminator: [UInt8]) {
        let input = Array(String(repeating: "y", count: 2000).utf8) + terminator + Array("LIST".utf8) + terminator
        for chunks in [[Int.max], [1], [7], [600, 3], [2000, 1]] {
            let (events, discarded) = frameCounting(input, chunks: chunks, maxLineBytes: 512)
            #expect(events == [.overlong, .line("LIST")], "\(name), chunks \(chunks)")
            #expect(discarded == 2000, "\(name), chunks \(chunks)")
        }
    }

    @Test("discarded bytes are counted: overlong lines without their terminator, and telnet sequences")
    func discardedBytesAreCounted() {
        let cases: [(String, [UInt8], Int)] = [
            ("plain lines", Array("NICK a\r\nLIST\n\r".utf8), 0),
            ("telnet negotiation", [255, 251, 1, 255, 253, 3] + Array("LIST\r\n".utf8), 6),
            ("telnet command mid-line", Array("LI".utf8) + [255, 241] + Array("ST\n".utf8), 2),
            ("escaped IAC leaves one byte", Array("A".utf8) + [255, 255] + Array("\n".utf8), 1),
            ("subnegotiation", [255, 250, 24, 0, 65, 66, 255, 240] + Array("X\n".utf8), 8),
            ("overlong line", Array(String(repeating: "z", count: 600).utf8) + Array("\r\nOK\n".utf8), 600),
            ("unterminated overlong line", Array(String(repeating: "z", count: 600).utf8), 600),
        ]
        for (name, input, expected) in cases {
            for chunks in [[Int.max], [1], [5, 2]] {
                #expect(frameCounting(input, chunks: chunks).discarded == expected, "\(name), chunks \(chunks)")
            }
        }
    }

    @Test("a line that never ends keeps being counted as it is discarded")
    func endlessLineIsCounted() {
        var framer = LineFramer(maxLineBytes: 512)
        var chunk = [UInt8](repeating: 0x61, count: 64 * 1024)
        for round in 1...4 {
            chunk.withUnsafeMutableBytes { raw in framer.feed(raw) { _ in } }
            #expect(framer.discardedByteCount == round * 64 * 1024)
        }
    }

    @Test("a stray IAC SB no longer swallows the rest of the connection")
    func straySubnegotiationIsAbandoned() {
        // FF FA in Latin-1 text ("ÿú"), then a long line, then a command.
        let input =
            Array("BROADCAST caf".utf8) + [255, 250] + Array(String(repeating: "t", count: 198).utf8)
            + Array("\r\nPING x\r\n".utf8)
        for chunks in [[Int.max], [1], [5, 2], [64]] {
            let (events, discarded) = frameCounting(input, chunks: chunks)
            let kept = String(repeating: "t", count: 198 - Limits.maxTelnetSubnegotiationBytes)
            #expect(events == [.line("BROADCAST caf" + kept), .line("PING x")], "chunks \(chunks)")
            #expect(discarded == 2 + Limits.maxTelnetSubnegotiationBytes, "chunks \(chunks)")
        }
    }
}
