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

    @Test func adjacentPartsAreMerged() {
        let pattern = Pattern(parts: [.literal("a"), .literal("b"), .wildcard, .wildcard, .literal("")])
        #expect(pattern.parts == [.literal("ab"), .wildcard])
        #expect(pattern.description == "ab{*}")
    }
}
