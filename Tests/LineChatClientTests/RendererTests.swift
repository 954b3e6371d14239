import LineChatClient
import LineProtocol
import Testing

/// A renderer for "bob" that has seen the server's welcome notice, as after connecting.
private func renderer(me: String? = "bob", hints: Bool = false, style: Style = .plain) -> Renderer {
    var renderer = Renderer(style: style, me: me, hints: hints)
    _ = renderer.render(line: ":linechat NOTICE * :Welcome to LineChat!")
    return renderer
}

private func render(_ line: String, me: String? = "bob") -> [String] {
    var renderer = renderer(me: me)
    return renderer.render(line: line)
}

@Suite struct RendererTests {
    @Test func privateMessageToMeReadsYou() {
        #expect(render(":alice PRIVMSG bob :hi") == ["alice -> you: hi"])
    }

    @Test func privateMessageMatchesMyNickIgnoringCase() {
        #expect(render(":alice PRIVMSG BOB :hi") == ["alice -> you: hi"])
    }

    @Test func privateMessageToMyselfReadsYou() {
        #expect(render(":bob PRIVMSG bob :note to self") == ["bob -> you: note to self"])
    }

    @Test func privateMessageToSomeoneElseNamesThem() {
        #expect(render(":alice PRIVMSG carol :hi") == ["alice -> carol: hi"])
    }

    @Test func broadcastShowsSenderAndText() {
        #expect(render(":alice BROADCAST :hello all") == ["alice: hello all"])
    }

    @Test func broadcastKeepsInnerSpacing() {
        #expect(render(":alice BROADCAST :hi  there") == ["alice: hi  there"])
    }

    @Test func myOwnBroadcastShowsMyNick() {
        #expect(render(":bob BROADCAST :hello") == ["bob: hello"])
    }

    @Test func broadcastFromTheServerIsAnAnnouncement() {
        #expect(render(":linechat BROADCAST :maintenance at five") == ["Announcement from server: maintenance at five"])
    }

    @Test func broadcastFromANameThatCannotBeANickIsAnAnnouncement() {
        var renderer = Renderer()
        #expect(renderer.render(line: ":chat.example.org BROADCAST :hi") == ["Announcement from server: hi"])
    }

    @Test func theServerNameIsLearnedFromNumerics() {
        var renderer = Renderer(me: "bob")
        _ = renderer.render(line: ":hub 001 bob :Welcome to the chat room, bob!")
        #expect(renderer.serverName == "hub")
        #expect(renderer.render(line: ":hub BROADCAST :restart") == ["Announcement from server: restart"])
        #expect(renderer.render(line: ":alice BROADCAST :ok") == ["alice: ok"])
    }

    @Test func joinIsAnEvent() {
        #expect(render(":alice JOIN") == ["* alice has joined the chat room"])
    }

    @Test func quitWithAReasonShowsTheReason() {
        #expect(render(":alice QUIT :Quit: off to lunch") == ["* alice has left the chat room (off to lunch)"])
    }

    @Test func quitWithoutAReasonShowsNone() {
        #expect(render(":alice QUIT :Quit") == ["* alice has left the chat room"])
    }

    @Test func aDroppedConnectionShowsWhy() {
        #expect(
            render(":alice QUIT :Connection reset by peer") == [
                "* alice has left the chat room (Connection reset by peer)"
            ])
    }

    @Test func nickChangeOfSomeoneElse() {
        #expect(render(":alice NICK alicia") == ["* alice is now known as alicia"])
    }

    @Test func myOwnNickChange() {
        #expect(render(":bob NICK robert") == ["* You are now known as robert"])
    }

    @Test func welcomeNoticeIsShownPlainly() {
        var renderer = Renderer()
        #expect(
            renderer.render(line: ":linechat NOTICE * :Welcome to LineChat! Pick a nickname.") == [
                "Welcome to LineChat! Pick a nickname."
            ])
        #expect(renderer.serverName == "linechat")
    }

    @Test func welcomeBurstShowsTheWordsAndHidesTheTechnicalParts() {
        var renderer = renderer()
        let burst = [
            ":linechat 001 bob :Welcome to the chat room, bob!",
            ":linechat 002 bob :Your host is linechat, running LineChat 0.1.0",
            ":linechat 003 bob :This server was created at start-up",
            ":linechat 004 bob linechat LineChat-0.1.0",
            ":linechat 005 bob NICKLEN=30 CASEMAPPING=ascii LINELEN=512 :are supported by this server",
            ":linechat 375 bob :- linechat Message of the day -",
            ":linechat 372 bob :- Welcome to LineChat. Type a command and press Enter:",
            ":linechat 372 bob :-   LIST                     see who is here",
            ":linechat 376 bob :End of /MOTD command.",
        ]
        #expect(
            burst.flatMap { renderer.render(line: $0) } == [
                "Welcome to the chat room, bob!",
                "Your host is linechat, running LineChat 0.1.0",
                "This server was created at start-up",
                "- linechat Message of the day -",
                "Welcome to LineChat. Type a command and press Enter:",
                "  LIST                     see who is here",
            ])
    }

    @Test func theEndOfTheMOTDBringsAHintWhenAskedFor() {
        var renderer = renderer(hints: true)
        #expect(
            renderer.render(line: ":linechat 376 bob :End of /MOTD command.") == [
                "Type a message and press Enter to send it to everyone; /help shows the commands."
            ])
    }

    @Test func listIsCollectedUntilItsEndThenShownAsATable() {
        var renderer = renderer()
        #expect(renderer.render(line: ":linechat 322 bob alice :connected 3m 12s, idle 5s") == [])
        #expect(renderer.render(line: ":linechat 322 bob bob :connected 45s, idle 45s") == [])
        #expect(renderer.render(line: ":linechat 322 bob christopher :connected 2h 5m, idle 1h 0m") == [])
        #expect(
            renderer.render(line: ":linechat 323 bob :End of LIST") == [
                "3 users in the chat room:",
                "  NICK         CONNECTED  IDLE",
                "  alice        3m 12s     5s",
                "  bob (you)    45s        45s",
                "  christopher  2h 5m      1h 0m",
            ])
    }

    @Test func aSecondListStartsAfresh() {
        var renderer = renderer()
        _ = renderer.render(line: ":linechat 322 bob alice :connected 1s, idle 1s")
        _ = renderer.render(line: ":linechat 323 bob :End of LIST")
        _ = renderer.render(line: ":linechat 322 bob bob :connected 2s, idle 2s")
        #expect(
            renderer.render(line: ":linechat 323 bob :End of LIST") == [
                "1 user in the chat room:",
                "  NICK       CONNECTED  IDLE",
                "  bob (you)  2s         2s",
            ])
    }

    @Test func listWithAddressesGetsAFromColumn() {
        var renderer = renderer()
        _ = renderer.render(line: ":linechat 322 bob alice :connected 1s, idle 1s, from 127.0.0.1:5000")
        #expect(
            renderer.render(line: ":linechat 323 bob :End of LIST") == [
                "1 user in the chat room:",
                "  NICK   CONNECTED  IDLE  FROM",
                "  alice  1s         1s    127.0.0.1:5000",
            ])
    }

    @Test func listInfoOfAnotherShapeIsShownWhole() {
        var renderer = renderer()
        _ = renderer.render(line: ":linechat 322 bob alice :here since noon")
        _ = renderer.render(line: ":linechat 322 bob carol :away")
        #expect(
            renderer.render(line: ":linechat 323 bob :End of LIST") == [
                "2 users in the chat room:",
                "  NICK   INFO",
                "  alice  here since noon",
                "  carol  away",
            ])
    }

    @Test func anEmptyListSaysSo() {
        #expect(render(":linechat 323 bob :End of LIST") == ["Nobody is in the chat room."])
    }

    @Test func helpRepliesShowTheirText() {
        var renderer = renderer()
        #expect(
            renderer.render(line: ":linechat 704 bob * :LineChat commands (HELP <command> for one):") == [
                "LineChat commands (HELP <command> for one):"
            ])
        #expect(
            renderer.render(line: ":linechat 705 bob * :LIST        List the users in the chat room.") == [
                "LIST        List the users in the chat room."
            ])
        #expect(renderer.render(line: ":linechat 706 bob * :End of HELP") == [])
    }

    @Test func errorIsADisconnection() {
        #expect(render("ERROR :Server shutting down") == ["Disconnected: Server shutting down"])
    }

    @Test func pongShowsTheToken() {
        #expect(render(":linechat PONG linechat :abc") == ["PONG from linechat: abc"])
    }

    @Test func pingShowsNothing() {
        #expect(render("PING :x") == [])
    }

    @Test func anUnknownCommandIsShownAsSent() {
        #expect(render(":linechat CAP * LS :") == [":linechat CAP * LS :"])
        #expect(render(":alice WALLOPS :hey") == [":alice WALLOPS :hey"])
    }

    @Test func anUnknownErrorNumericSaysError() {
        #expect(
            render(":linechat 482 bob #room :You're not channel operator") == [
                "Error 482: #room You're not channel operator"
            ])
        #expect(render(":linechat 250 bob :Highest connection count: 3") == ["Highest connection count: 3"])
    }

    @Test func anEmptyLineShowsNothing() {
        #expect(render("") == [])
    }

    @Test func controlCharactersFromTheNetworkAreNeutralised() {
        #expect(render(":alice BROADCAST :\u{1B}[2Jgotcha\u{7}") == ["alice: \u{FFFD}[2Jgotcha\u{FFFD}"])
        #expect(render(":alice BROADCAST :tab\tkept") == ["alice: tab\tkept"])
        #expect(render(":alice BROADCAST :c1\u{9B}x") == ["alice: c1\u{FFFD}x"])
    }

    /// One line for every numeric LineChat sends, and what a person sees.
    static let numericCases: [(Numeric, String, [String])] = [
        (.welcome, ":linechat 001 bob :Welcome to the chat room, bob!", ["Welcome to the chat room, bob!"]),
        (.yourHost, ":linechat 002 bob :Your host is linechat", ["Your host is linechat"]),
        (.created, ":linechat 003 bob :This server was created today", ["This server was created today"]),
        (.myInfo, ":linechat 004 bob linechat LineChat-0.1.0", []),
        (.isupport, ":linechat 005 bob NICKLEN=30 :are supported by this server", []),
        (.list, ":linechat 322 bob alice :connected 1s, idle 1s", []),
        (.listEnd, ":linechat 323 bob :End of LIST", ["Nobody is in the chat room."]),
        (.motd, ":linechat 372 bob :- Hello", ["Hello"]),
        (.motdStart, ":linechat 375 bob :- linechat Message of the day -", ["- linechat Message of the day -"]),
        (.motdEnd, ":linechat 376 bob :End of /MOTD command.", []),
        (
            .unknownError, ":linechat 400 bob :Line refused: control character 0x1B (ESC) is not allowed",
            ["The server refused that line: control character 0x1B (ESC) is not allowed"]
        ),
        (.noSuchNick, ":linechat 401 bob carol :No such nick", ["No such user: carol"]),
        (
            .tooManyTargets, ":linechat 407 bob PRIVMSG :Too many recipients (at most 10)",
            ["Too many recipients (at most 10)"]
        ),
        (.invalidCapCommand, ":linechat 410 bob FOO :Invalid CAP command", ["Invalid CAP command: FOO"]),
        (
            .noRecipient, ":linechat 411 bob :No recipient given (PRIVMSG)",
            ["No recipient given: say who the message is for"]
        ),
        (.noTextToSend, ":linechat 412 bob :No text to send", ["No text to send"]),
        (
            .inputTooLong, ":linechat 417 bob :Input line was too long (max 512 bytes)",
            ["That line was too long for the server (max 512 bytes)"]
        ),
        (.unknownCommand, ":linechat 421 bob FOO :Unknown command (type HELP for the list)", ["Unknown command: FOO"]),
        (.noNicknameGiven, ":linechat 431 * :No nickname given", ["No nickname given"]),
        (
            .erroneousNickname, ":linechat 432 * 9lives :Erroneous nickname: it must not start with a digit or -",
            ["Invalid nickname 9lives: it must not start with a digit or -"]
        ),
        (.nicknameInUse, ":linechat 433 * alice :Nickname is already in use", ["Nickname already in use: alice"]),
        (
            .notRegistered, ":linechat 451 * :You have not registered: pick a nickname with NICK <name>",
            ["You have not joined yet: pick a nickname first"]
        ),
        (.needMoreParams, ":linechat 461 bob PING :Not enough parameters", ["Not enough parameters for PING"]),
        (.helpNotFound, ":linechat 524 bob FOO :No help available on this topic", ["No help on FOO"]),
        (.helpStart, ":linechat 704 bob LIST :LIST", ["LIST"]),
        (.helpText, ":linechat 705 bob LIST :List the users in the chat room.", ["List the users in the chat room."]),
        (.helpEnd, ":linechat 706 bob LIST :End of HELP", []),
    ]

    @Test func everyNumericHasACase() {
        #expect(Set(Self.numericCases.map(\.0.rawValue)) == Set(Numeric.allCases.map(\.rawValue)))
    }

    @Test("every numeric in words", arguments: numericCases.indices)
    func numericIsRenderedInWords(_ index: Int) {
        let (numeric, line, expected) = Self.numericCases[index]
        #expect(ServerMessage(parsing: line)?.numeric == numeric)
        #expect(render(line) == expected, "\(numeric)")
    }

    @Test func coloursWrapNicksAndEventsWhenOn() {
        var renderer = renderer(style: .coloured)
        let alice = "\u{1B}[\(NickColour.code(for: "alice"))malice\u{1B}[0m"
        #expect(renderer.render(line: ":alice BROADCAST :hi") == ["\(alice): hi"])
        #expect(renderer.render(line: ":alice JOIN") == ["\u{1B}[2m* \(alice) has joined the chat room\u{1B}[0m"])
        #expect(
            renderer.render(line: ":linechat 401 bob carol :No such nick") == [
                "\u{1B}[31mNo such user: carol\u{1B}[0m"
            ])
    }
}

@Suite struct StyleTests {
    @Test func aNickKeepsItsColourAndCaseDoesNotMatter() {
        // FNV-1a (32-bit) of "alice" is 0x872213E7, which is 9 modulo 10: the last colour; of
        // "bob" 0x86C6A0D4, 4 modulo 10. Worked out by hand, so a hash that changed between runs
        // (a seeded Hasher) or between versions shows here.
        #expect(NickColour.code(for: "alice") == "96")
        #expect(NickColour.code(for: "bob") == "36")
        #expect(NickColour.code(for: "Alice") == NickColour.code(for: "alice"))
        #expect(NickColour.palette.contains(NickColour.code(for: "zed")))
    }

    @Test func nicksSpreadOverThePalette() {
        let nicks = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy", "mallory"]
        #expect(Set(nicks.map(NickColour.code(for:))).count >= 5)
    }

    @Test func redIsKeptForErrors() {
        #expect(!NickColour.palette.contains("31"))
    }

    @Test func coloursOnlyOnATerminalWithoutNO_COLOR() {
        #expect(Style.forOutput(isTerminal: true, noColor: nil) == .coloured)
        #expect(Style.forOutput(isTerminal: true, noColor: "") == .coloured)
        #expect(Style.forOutput(isTerminal: true, noColor: "1") == .plain)
        #expect(Style.forOutput(isTerminal: false, noColor: nil) == .plain)
    }

    @Test func plainStyleAddsNothing() {
        #expect(Style.plain.nick("alice") == "alice")
        #expect(Style.plain.error("x") == "x")
    }
}
