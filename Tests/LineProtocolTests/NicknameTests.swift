import LineProtocol
import Testing

@Suite("Nickname")
struct NicknameTests {
    @Test("accepts", arguments: ["a", "alice", "Alice_01", "[x]", "{y}", "a-b", "back`tick", "p|pe", "c^t", "\\o|", String(repeating: "n", count: 30)])
    func accepts(name: String) throws {
        #expect(try Nickname(validating: name).name == name)
    }

    @Test("refuses", arguments: [
        ("", Nickname.Problem.empty),
        ("1abc", .invalidFirstCharacter("1")),
        ("-abc", .invalidFirstCharacter("-")),
        ("a b", .invalidCharacter(" ")),
        ("a.b", .invalidCharacter(".")),
        ("a,b", .invalidCharacter(",")),
        ("*", .invalidCharacter("*")),
        ("héllo", .invalidCharacter("é")),
        ("a:b", .invalidCharacter(":")),
        (String(repeating: "n", count: 31), .tooLong),
    ])
    func refuses(name: String, problem: Nickname.Problem) {
        #expect(throws: problem) { try Nickname(validating: name) }
    }

    @Test("compares ignoring ASCII case only")
    func caseInsensitive() throws {
        #expect(try Nickname(validating: "Alice") == Nickname(validating: "aLICE"))
        #expect(try Nickname(validating: "Alice").key == "alice")
        #expect(try Nickname(validating: "[a]") != Nickname(validating: "{a}"))  // ascii casemapping: brackets differ
        #expect(Nickname.fold("ABC[]") == "abc[]")
    }
}
