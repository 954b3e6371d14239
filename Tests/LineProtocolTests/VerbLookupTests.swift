@testable import LineProtocol
import Testing

/// `Verb(caseInsensitive:)`, the parser's look-up from bytes, against the string look-up it
/// replaces.
@Suite("Verb look-up")
struct VerbLookupTests {
    static func lookUp(_ text: String) -> Verb? {
        Array(text.utf8).withUnsafeBytes { Verb(caseInsensitive: $0) }
    }

    @Test func everyVerbInAnyCase() {
        for verb in Verb.allCases {
            let name = verb.rawValue
            #expect(Self.lookUp(name) == verb)
            #expect(Self.lookUp(name.lowercased()) == verb)
            let mixed = String(name.enumerated().map { $0.offset % 2 == 0 ? $0.element : Character($0.element.lowercased()) })
            #expect(Self.lookUp(mixed) == verb)
        }
    }

    @Test(arguments: [
        "", "P", "PRIVMS", "PRIVMSGX", "PRIVMSG\u{0}", "XPRIVMSG", "privmsg ", "NİCK", "ṄICK", "CHATHISTORYCHATHISTORY",
        "JOIN\u{FF}", "nicknicknicknickn", "ＮＩＣＫ",
    ])
    func notAVerb(text: String) {
        #expect(Self.lookUp(text) == Verb(rawValue: ASCIICase.uppercased(text)))
    }

    @Test func randomWords() {
        var random = SplitMix(seed: 11)
        let letters = Array("aAcCeEgGhHiIkKlLmMnNoOpPrRsStTuUvVwWyY".utf8)
        for _ in 0..<20_000 {
            let length = Int.random(in: 1...12, using: &random)
            let bytes = (0..<length).map { _ in letters[Int.random(in: 0..<letters.count, using: &random)] }
            let text = String(decoding: bytes, as: UTF8.self)
            #expect(Self.lookUp(text) == Verb(rawValue: ASCIICase.uppercased(text)))
        }
    }
}
