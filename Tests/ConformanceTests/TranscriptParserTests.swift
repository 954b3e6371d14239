import Conformance
import Testing

@Suite struct TranscriptParserTests {
    let parser = TranscriptParser()

    func steps(_ text: String, serverName: String = "linechat") throws -> [Step] {
        try TranscriptParser(serverName: serverName).parse(text, path: "t.txt").steps
    }

    @Test func firstMentionConnectsTheClient() throws {
        let parsed = try steps(
            """
            # a comment
              # an indented comment

            alice> NICK alice
            alice< :{server} 001 alice :{*}
            bob: connect
            bob: closed
            """)
        #expect(
            parsed == [
                Step(line: 4, client: "alice", action: .connect),
                Step(line: 4, client: "alice", action: .send(Array("NICK alice\r\n".utf8))),
                Step(
                    line: 5, client: "alice",
                    action: .expect(Pattern(parts: [.literal(":linechat 001 alice :"), .wildcard]))),
                Step(line: 6, client: "bob", action: .connect),
                Step(line: 7, client: "bob", action: .closed),
            ])
    }

    @Test func everyStepParses() throws {
        let parsed = try steps(
            """
            a: register al{{ice}
            a: skip-until :{server} 376 {*}
            a: nothing-more
            a: nothing-more 50ms
            a: sleep 2s
            sleep 10ms
            a: close
            a: connect
            a: reset
            """, serverName: "chat.example")
        #expect(
            parsed.map(\.action) == [
                .connect, .register("al{ice}"),
                .skipUntil(Pattern(parts: [.literal(":chat.example 376 "), .wildcard])),
                .nothingMore(milliseconds: nil), .nothingMore(milliseconds: 50), .sleep(milliseconds: 2000),
                .sleep(milliseconds: 10), .close, .connect, .reset,
            ])
        #expect(parsed[6].client == "")
    }

    @Test func sendLinesAreLiteralPlusCRLF() throws {
        let parsed = try steps(#"c> PRIVMSG x :back\slash \x41 {server} {{server} {3*ab}"#, serverName: "srv")
        #expect(
            parsed.last?.action == .send(Array(#"PRIVMSG x :back\slash \x41 srv {server} ababab"#.utf8) + [13, 10]))
        #expect(try steps("c>").last?.action == .send([13, 10]))
    }

    struct RawCase: Sendable, CustomTestStringConvertible {
        let source: String
        let bytes: [UInt8]
        var testDescription: String { source }
    }

    static let rawCases: [RawCase] = [
        RawCase(source: #"NICK a\n"#, bytes: Array("NICK a".utf8) + [10]),
        RawCase(source: #"\r\n"#, bytes: [13, 10]),
        RawCase(source: #"\xff\xFB\x01"#, bytes: [0xFF, 0xFB, 0x01]),
        RawCase(source: #"\e[2J"#, bytes: [0x1B] + Array("[2J".utf8)),
        RawCase(source: #"a\0b\tc\\d"#, bytes: [0x61, 0, 0x62, 9, 0x63, 0x5C, 0x64]),
        RawCase(source: "{4*x}{{", bytes: Array("xxxx{".utf8)),
        RawCase(source: "é", bytes: [0xC3, 0xA9]),
    ]

    @Test("raw bytes decode escapes and placeholders", arguments: rawCases)
    func rawBytes(_ test: RawCase) throws {
        #expect(try steps("c>> " + test.source).last?.action == .send(test.bytes))
    }

    struct ErrorCase: Sendable, CustomTestStringConvertible {
        let text: String
        let line: Int
        let message: String
        var testDescription: String { message }
    }

    static let errorCases: [ErrorCase] = [
        ErrorCase(text: "# ok\n\nalice: dance", line: 3, message: "unknown step `dance`"),
        ErrorCase(text: "alice>NICK a", line: 1, message: "put one space after `alice>`"),
        ErrorCase(text: "just words", line: 1, message: "expected `<client>> <line>`"),
        ErrorCase(text: "> NICK a", line: 1, message: "expected `<client>> <line>`"),
        ErrorCase(text: "a>> \\q", line: 1, message: "unknown escape `\\q`"),
        ErrorCase(text: "a>> \\xZZ", line: 1, message: "`\\x` needs two hex digits"),
        ErrorCase(text: "a>> ab\\", line: 1, message: "a `\\` ends the line"),
        ErrorCase(text: "a>>", line: 1, message: "`a>>` needs bytes to send"),
        ErrorCase(text: "a> x\na: close\na> y", line: 3, message: "a's connection is gone (line 2)"),
        ErrorCase(text: "a: closed\na< x", line: 2, message: "write `a: connect` to connect again"),
        ErrorCase(text: "a: connect\na: connect", line: 2, message: "a is already connected"),
        ErrorCase(text: "a: nothing-more soon", line: 1, message: "needs a duration such as 300ms"),
        ErrorCase(text: "sleep", line: 1, message: "`sleep` needs a duration"),
        ErrorCase(text: "a: register", line: 1, message: "`register` needs one nickname"),
        ErrorCase(text: "a: register a b", line: 1, message: "`register` needs one nickname"),
        ErrorCase(text: "a: skip-until", line: 1, message: "`skip-until` needs a pattern"),
        ErrorCase(text: "a: close now", line: 1, message: "`close` takes no argument"),
        ErrorCase(text: "a< {3*}", line: 1, message: "write a repetition as `{<count>*<text>}`"),
        ErrorCase(text: "a< {3*x", line: 1, message: "write a repetition as `{<count>*<text>}`"),
    ]

    @Test("a malformed transcript is refused with its line number", arguments: errorCases)
    func malformed(_ test: ErrorCase) {
        do {
            _ = try parser.parse(test.text, path: "bad.txt")
            Issue.record("parsed without an error")
        } catch {
            #expect(error.file == "bad.txt")
            #expect(error.line == test.line)
            #expect(error.message.contains(test.message), "\(error.message)")
            #expect(error.description.hasPrefix("bad.txt:\(test.line): "))
        }
    }

    @Test func crlfTranscriptsReadLikeLF() throws {
        let parsed = try steps("a> PING x\r\na< :{server} PONG {server} :x\r\n")
        #expect(parsed.last?.action == .expect(Pattern(literal: ":linechat PONG linechat :x")))
    }

    @Test func aMissingFileIsAnError() {
        #expect(throws: TranscriptError.self) { try parser.parse(contentsOf: "/nonexistent/x.txt") }
    }

    @Test func directoriesListTheirTextFilesSorted() throws {
        let files = try TranscriptFiles.find([TranscriptFilesFixture.directory])
        #expect(files.count == TranscriptFilesFixture.names.count)
        #expect(files == files.sorted())
        #expect(throws: TranscriptError.self) { try TranscriptFiles.find(["/nonexistent"]) }
    }

    @Test func clientsAreListedInOrderOfFirstMention() throws {
        let transcript = try parser.parse("b: connect\na> x\nb< y\nsleep 1ms", path: "t.txt")
        #expect(transcript.clients == ["b", "a"])
        #expect(transcript.name == "t.txt")
    }
}
