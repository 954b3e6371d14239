import Conformance
import Testing

@Suite struct PatternTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let pattern: String
        let line: String
        let matches: Bool
        var testDescription: String { "\(pattern) ~ \(line): \(matches)" }
    }

    static let cases: [Case] = [
        Case(pattern: "abc", line: "abc", matches: true),
        Case(pattern: "abc", line: "abcd", matches: false),
        Case(pattern: "abc", line: "ab", matches: false),
        Case(pattern: "", line: "", matches: true),
        Case(pattern: "", line: "x", matches: false),
        Case(pattern: "{*}", line: "", matches: true),
        Case(pattern: "{*}", line: "anything at all", matches: true),
        Case(pattern: "a{*}", line: "a", matches: true),
        Case(pattern: "a{*}", line: "ba", matches: false),
        Case(pattern: "{*}z", line: "xyz", matches: true),
        Case(pattern: "{*}z", line: "zy", matches: false),
        Case(pattern: "a{*}a", line: "a", matches: false),
        Case(pattern: "a{*}a", line: "aa", matches: true),
        Case(pattern: "a{*}b{*}c", line: "abc", matches: true),
        Case(pattern: "a{*}b{*}c", line: "a-b-b-c", matches: true),
        Case(pattern: "a{*}b{*}c", line: "acb", matches: false),
        Case(
            pattern: ":{server} 322 me bob :connected {*}, idle {*}",
            line: ":linechat 322 me bob :connected 3s, idle 1s",
            matches: true),
        Case(
            pattern: ":{server} 322 me bob :connected {*}, idle {*}", line: ":linechat 322 me bob :idle 1s",
            matches: false),
        Case(pattern: "é{*}😀", line: "é and 😀", matches: true),
        Case(pattern: "{{*}", line: "{*}", matches: true),
        Case(pattern: "{{*}", line: "{x}", matches: false),
        Case(pattern: "x{3*ab}y", line: "xabababy", matches: true),
        Case(pattern: "x{3*ab}y", line: "xababy", matches: false),
        // LIST's info: durations only, so an address tacked on (--list-addresses) is refused.
        Case(
            pattern: ":{server} 322 me bob :connected {duration}, idle {duration}",
            line: ":linechat 322 me bob :connected 3m 12s, idle 0s", matches: true),
        Case(
            pattern: ":{server} 322 me bob :connected {duration}, idle {duration}",
            line: ":linechat 322 me bob :connected 3s, idle 1s, from 127.0.0.1:5000", matches: false),
        Case(pattern: "{duration}", line: "45s", matches: true),
        // A Unix time or a count of seconds: digits only, no leading zero, at most 10 digits.
        Case(pattern: ":s 333 me #r s {number}", line: ":s 333 me #r s 1796000000", matches: true),
        Case(pattern: "{number}", line: "0", matches: true),
        Case(pattern: "{number}", line: "042", matches: false),
        Case(pattern: "{number}", line: "12345678901", matches: false),
        Case(pattern: "{number}", line: "-1", matches: false),
        Case(pattern: "{number} x", line: " x", matches: false),
        Case(pattern: "{duration}", line: "2h 5m", matches: true),
        Case(pattern: "{duration}", line: "3d 4h", matches: true),
        Case(pattern: "{duration}", line: "400d 23h", matches: true),
        Case(pattern: "{duration}", line: "60s", matches: false),
        Case(pattern: "{duration}", line: "0m 5s", matches: false),
        Case(pattern: "{duration}", line: "3m", matches: false),
        Case(pattern: "{duration}", line: "3m 60s", matches: false),
        Case(pattern: "{duration}", line: "2h 5s", matches: false),
        Case(pattern: "{duration}", line: "05s", matches: false),
        Case(pattern: "{duration}", line: "s", matches: false),
        Case(pattern: "{duration}", line: "idle", matches: false),
        Case(pattern: "created {date} at {time} UTC", line: "created 2026-11-25 at 16:18:28 UTC", matches: true),
        Case(pattern: "created {date} at {time} UTC", line: "created 2026-11-25 at 4:18:28 PM UTC", matches: false),
        Case(pattern: "{date}", line: "2026-13-01", matches: false),
        Case(pattern: "{date}", line: "26-11-25", matches: false),
        Case(pattern: "{date}", line: "Nov 25 2026", matches: false),
        Case(pattern: "{time}", line: "24:00:00", matches: false),
        Case(pattern: "{time}", line: "16:18", matches: false),
        Case(pattern: "link: {address} (Quit)", line: "link: 127.0.0.1:40000 (Quit)", matches: true),
        Case(pattern: "link: {address} (Quit)", line: "link: [::1]:40000 (Quit)", matches: true),
        Case(pattern: "link: {address} (Quit)", line: "link: [2001:db8::7]:1 (Quit)", matches: true),
        Case(pattern: "link: {address} (Quit)", line: "link: alice (Quit)", matches: false),
        Case(pattern: "link: {address} (Quit)", line: "link: 127.0.0.1 (Quit)", matches: false),
        Case(pattern: "link: {address} (Quit)", line: "link: 127.0.0.256:1 (Quit)", matches: false),
        Case(pattern: "link: {address} (Quit)", line: "link: 127.0.0.1:65536 (Quit)", matches: false),
        Case(pattern: "{*}, from {address}", line: "connected 1s, idle 1s, from 10.0.0.1:2", matches: true),
        Case(pattern: "a{*}{duration}", line: "a 5s 6s", matches: true),
        Case(pattern: "{{duration}", line: "{duration}", matches: true),
    ]

    @Test("a pattern matches exactly the lines it describes", arguments: cases)
    func matching(_ test: Case) throws {
        let transcript = try TranscriptParser().parse("c< \(test.pattern)", path: "t.txt")
        guard case .expect(let pattern) = transcript.steps.last?.action else {
            Issue.record("no expect step in \(transcript.steps)")
            return
        }
        #expect(pattern.matches(test.line) == test.matches)
    }

    @Test func placeholdersParseAndPrintAsWritten() throws {
        let transcript = try TranscriptParser().parse("c< a {duration} {date} {time} {address}{*}", path: "t.txt")
        guard case .expect(let pattern) = transcript.steps.last?.action else {
            Issue.record("no expect step in \(transcript.steps)")
            return
        }
        #expect(
            pattern.parts == [
                .literal("a "), .placeholder(.duration), .literal(" "), .placeholder(.date), .literal(" "),
                .placeholder(.time), .literal(" "), .placeholder(.address), .wildcard,
            ])
        #expect(pattern.description == "a {duration} {date} {time} {address}{*}")
        // In a line to send they are text.
        let send = try TranscriptParser().parse("c> {duration}", path: "t.txt")
        #expect(send.steps.last?.action == .send(Array("{duration}\r\n".utf8)))
    }

    @Test func adjacentPartsAreMerged() {
        let pattern = Pattern(parts: [.literal("a"), .literal("b"), .wildcard, .wildcard, .literal("")])
        #expect(pattern.parts == [.literal("ab"), .wildcard])
        #expect(pattern.description == "ab{*}")
    }
}
