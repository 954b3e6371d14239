import LineProtocol
import Testing

@Suite struct ServerMessageTests {
    @Test func parsesSourceCommandMiddleAndTrailingParameters() {
        let message = ServerMessage(parsing: ":linechat 322 bob alice :connected 3s, idle 1s")
        #expect(
            message
                == ServerMessage(
                    source: "linechat", command: "322", parameters: ["bob", "alice", "connected 3s, idle 1s"],
                    hasTrailing: true))
        #expect(message?.numeric == .list)
        #expect(message?.isNumeric == true)
    }

    @Test func keepsInnerSpacingOfTheTrailingParameter() {
        let message = ServerMessage(parsing: ":alice BROADCAST :hi  there ")
        #expect(message?.last == "hi  there ")
    }

    @Test func aColonInsideATrailingParameterIsText() {
        #expect(ServerMessage(parsing: ":alice PRIVMSG bob :a: b :c")?.parameters == ["bob", "a: b :c"])
    }

    @Test func anEmptyTrailingParameterIsKept() {
        let message = ServerMessage(parsing: ":linechat CAP * LS :")
        #expect(message?.parameters == ["*", "LS", ""])
        #expect(message?.hasTrailing == true)
    }

    @Test func aLineWithoutSourceHasNone() {
        let message = ServerMessage(parsing: "ERROR :Closing link: bob (Quit)")
        #expect(message?.source == nil)
        #expect(message?.command == "ERROR")
        #expect(message?.last == "Closing link: bob (Quit)")
    }

    @Test func runsOfSpacesSeparateParametersAndCRIsDropped() {
        let message = ServerMessage(parsing: ":old   NICK    new\r")
        #expect(message == ServerMessage(source: "old", command: "NICK", parameters: ["new"]))
    }

    @Test func theCommandIsUpperCased() {
        #expect(ServerMessage(parsing: ":alice join")?.command == "JOIN")
    }

    @Test func noParametersAtAll() {
        #expect(ServerMessage(parsing: ":alice JOIN") == ServerMessage(source: "alice", command: "JOIN"))
    }

    @Test("lines without a command", arguments: ["", "   ", ":linechat", ":linechat   ", "\r"])
    func linesWithoutACommandDoNotParse(_ line: String) {
        #expect(ServerMessage(parsing: line) == nil)
    }

    @Test func sourceNickStopsAtBangOrAt() {
        #expect(ServerMessage(parsing: ":alice!a@host PRIVMSG bob :x")?.sourceNick == "alice")
        #expect(ServerMessage(parsing: ":alice@host JOIN")?.sourceNick == "alice")
        #expect(ServerMessage(parsing: ":alice JOIN")?.sourceNick == "alice")
    }

    @Test func unknownNumericsAreNumericButNotNamed() {
        let message = ServerMessage(parsing: ":linechat 999 bob :what")
        #expect(message?.isNumeric == true)
        #expect(message?.numeric == nil)
        #expect(ServerMessage(parsing: ":x 12A y")?.isNumeric == false)
    }

    @Test func parsesWhatServerLineFormats() {
        let bytes = ServerLine.format(
            source: "linechat", command: "001", parameters: ["bob"], trailing: "Welcome, bob!")
        #expect(
            ServerMessage(bytes: bytes.dropLast())
                == ServerMessage(
                    source: "linechat", command: "001", parameters: ["bob", "Welcome, bob!"], hasTrailing: true))
    }

    @Test func invalidUTF8BecomesReplacementCharacters() {
        let message = ServerMessage(bytes: Array(":a BROADCAST :x".utf8) + [0xFF])
        #expect(message?.last == "x\u{FFFD}")
    }
}
