import LineProtocol
import Testing

@Suite("ServerLine")
struct ServerLineTests {
    static func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    /// Checks the shape every server line must have: at most 512 bytes, CRLF at the end and
    /// nowhere else, valid UTF-8.
    static func expectWellFormed(_ bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(bytes.count <= ServerLine.maxBytes, "\(bytes.count) bytes", sourceLocation: sourceLocation)
        #expect(bytes.suffix(2) == [13, 10], sourceLocation: sourceLocation)
        #expect(!bytes.dropLast(2).contains(13) && !bytes.dropLast(2).contains(10), sourceLocation: sourceLocation)
        #expect(
            bytes.withUnsafeBytes { LineContent.problem(in: UnsafeRawBufferPointer(rebasing: $0.dropLast(2))) } == nil,
            sourceLocation: sourceLocation)
    }

    @Test("a line that fits is written as is")
    func fits() {
        let bytes = ServerLine.format(
            source: "linechat", command: "001", parameters: ["bob"], trailing: "Welcome, bob!")
        #expect(Self.text(bytes) == ":linechat 001 bob :Welcome, bob!\r\n")
        let exact = ServerLine.format(source: "s", command: "X", trailing: String(repeating: "a", count: 504))
        #expect(exact.count == 512)
        #expect(Self.text(exact).hasSuffix(String(repeating: "a", count: 504) + "\r\n"))
    }

    @Test("an echoed verb is cut so a 421 fits in 512 bytes, and the server's words stay whole")
    func longVerb() {
        let verb = String(repeating: "V", count: 510)
        var buffer: [UInt8] = []
        ServerLine.appendNumeric(
            to: &buffer, server: "linechat", .unknownCommand, target: "alice", parameters: [verb],
            trailing: "Unknown command (type HELP for the list)")
        Self.expectWellFormed(buffer)
        #expect(buffer.count == 512)
        let line = Self.text(buffer)
        #expect(line.hasPrefix(":linechat 421 alice VVVV"))
        #expect(line.hasSuffix("V :Unknown command (type HELP for the list)\r\n"))
    }

    @Test("the cut never splits a UTF-8 character", arguments: ["é", "€", "😀", "aé", "a€", "a😀", "ab😀"])
    func cutsOnCharacterBoundary(unit: String) {
        for count in 300..<330 {  // every topic is over 512 bytes
            let topic = String(repeating: unit, count: count)
            for extra in 0..<4 {
                var buffer: [UInt8] = []
                ServerLine.appendNumeric(
                    to: &buffer, server: "linechat" + String(repeating: "x", count: extra), .helpNotFound,
                    target: "alice", parameters: [topic], trailing: "No help available on this topic")
                Self.expectWellFormed(buffer)
                #expect(buffer.count > 512 - 4, "as little cut as possible")
            }
        }
    }

    @Test("the longest parameter is cut: a relayed text, or a trailing PING token")
    func trailingIsCutWhenLongest() {
        let text = String(repeating: "t", count: 600)
        let relay = ServerLine.format(source: "alice", command: "PRIVMSG", parameters: ["bob"], trailing: text)
        Self.expectWellFormed(relay)
        #expect(relay.count == 512)
        #expect(Self.text(relay).hasPrefix(":alice PRIVMSG bob :ttt"))
        let pong = ServerLine.format(source: "linechat", command: "PONG", parameters: ["linechat"], trailing: text)
        Self.expectWellFormed(pong)
        #expect(Self.text(pong).hasPrefix(":linechat PONG linechat :ttt"))
    }

    @Test("several long parameters are cut, longest first, until the line fits")
    func severalLongParameters() {
        let bytes = ServerLine.format(
            source: "s", command: "X",
            parameters: [String(repeating: "a", count: 300), String(repeating: "b", count: 280)],
            trailing: String(repeating: "c", count: 290))
        Self.expectWellFormed(bytes)
        #expect(bytes.count == 512)
        let parts = Self.text(bytes).dropLast(2).split(separator: " ")
        #expect(parts.count == 5)
        #expect(parts[2].allSatisfy { $0 == "a" } && parts[3].allSatisfy { $0 == "b" } && parts[4].hasPrefix(":c"))
    }

    @Test("a middle parameter keeps its first character")
    func middleParameterNeverEmpty() {
        let bytes = ServerLine.format(
            source: String(repeating: "s", count: 490), command: "X", parameters: ["😀😀😀", "bb"], trailing: "t")
        Self.expectWellFormed(bytes)
        let words = Self.text(bytes).dropLast(2).split(separator: " ", omittingEmptySubsequences: false)
        #expect(words.allSatisfy { !$0.isEmpty })
    }

    @Test("a source and command too long for any line are cut as a last resort")
    func hugeSource() {
        let bytes = ServerLine.format(source: String(repeating: "é", count: 400), command: "NOTICE", trailing: "hi")
        Self.expectWellFormed(bytes)
    }

    @Test("an ERROR line's text is cut to fit")
    func errorLine() {
        var buffer: [UInt8] = []
        ServerLine.appendError(to: &buffer, "Closing link: " + String(repeating: "€", count: 300))
        Self.expectWellFormed(buffer)
        #expect(buffer.count >= 510)
        buffer.removeAll()
        ServerLine.appendError(to: &buffer, "Server is full")
        #expect(Self.text(buffer) == "ERROR :Server is full\r\n")
    }

    @Test("UTF8Prefix cuts at a character boundary")
    func utf8Prefix() {
        #expect(UTF8Prefix.of("héllo", atMost: 2) == "h")
        #expect(UTF8Prefix.of("héllo", atMost: 3) == "hé")
        #expect(UTF8Prefix.of("héllo", atMost: 99) == "héllo")
        #expect(UTF8Prefix.of("😀", atMost: 3) == "")
        #expect(UTF8Prefix.length(of: Array("a😀".utf8), atMost: 4) == 1)
        #expect(UTF8Prefix.length(of: Array("a😀".utf8), atMost: 5) == 5)
        #expect(UTF8Prefix.length(of: Array("abc".utf8), atMost: 0) == 0)
    }
}
