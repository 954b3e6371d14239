import LineProtocol
import Testing

/// What a framer produced, in a form tests can compare.
enum Framed: Equatable {
    case line(String)
    case overlong
}

/// Feeds `input` to a fresh framer in the given chunk sizes (cycled).
func frame(_ input: [UInt8], chunks: [Int] = [Int.max], maxLineBytes: Int = 512) -> [Framed] {
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
    return result
}

@Suite("LineFramer")
struct LineFramerTests {
    static let cases: [(String, [UInt8], [Framed])] = [
        ("LF", Array("NICK a\nLIST\n".utf8), [.line("NICK a"), .line("LIST")]),
        ("CRLF", Array("NICK a\r\nLIST\r\n".utf8), [.line("NICK a"), .line("LIST")]),
        ("mixed", Array("A\r\nB\nC\r\n".utf8), [.line("A"), .line("B"), .line("C")]),
        ("no terminator yet", Array("NICK a".utf8), []),
        ("empty lines", Array("\n\r\n\n".utf8), [.line(""), .line(""), .line("")]),
        ("lone CR stays in the line", Array("A\rB\n".utf8), [.line("A\rB")]),
        ("only the last CR goes", Array("A\r\r\n".utf8), [.line("A\r")]),
        ("telnet option negotiation", [255, 251, 1, 255, 253, 3] + Array("NICK a\r\n".utf8), [.line("NICK a")]),
        ("telnet command mid-line", Array("NI".utf8) + [255, 241] + Array("CK a\n".utf8), [.line("NICK a")]),
        ("telnet subnegotiation", Array("LI".utf8) + [255, 250, 24, 0, 65, 66, 255, 240] + Array("ST\n".utf8), [.line("LIST")]),
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
}
