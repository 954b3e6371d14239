import LineChatClient
import LineProtocol
import Testing

/// A renderer for "bob" that has seen the server's welcome notice, as after connecting.
private func renderer(me: String? = "bob", style: Style = .plain) -> Renderer {
    var renderer = Renderer(style: style, me: me)
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
        #expect(render(":alice JOIN #rust") == ["alice joined #rust"])
        #expect(render(":alice!~alice@linechat JOIN :#rust") == ["alice joined #rust"])
        #expect(render(":bob JOIN #rust") == ["You joined #rust"])
    }

    @Test func quitWithAReasonShowsTheReason() {
        #expect(render(":alice QUIT :Quit: off to lunch") == ["alice left the chat (off to lunch)"])
    }

    @Test func quitWithoutAReasonShowsNone() {
        #expect(render(":alice QUIT :Quit") == ["alice left the chat"])
    }

    @Test func aDroppedConnectionShowsWhy() {
        #expect(
            render(":alice QUIT :Connection reset by peer") == [
                "alice left the chat (Connection reset by peer)"
            ])
    }

    @Test func nickChangeOfSomeoneElse() {
        #expect(render(":alice NICK alicia") == ["alice is now known as alicia"])
    }

    @Test func myOwnNickChange() {
        #expect(render(":bob NICK robert") == ["You are now known as robert"])
    }

    @Test func welcomeNoticeIsShownPlainly() {
        var renderer = Renderer()
        #expect(
            renderer.render(line: ":linechat NOTICE * :Welcome to LineChat! Pick a nickname.") == [
                "Welcome to LineChat! Pick a nickname."
            ])
        #expect(renderer.serverName == "linechat")
    }

    /// The client's own commands, shown at the end of the message of the day.
    static let startup = [
        "Type a message and press Enter to talk in the room shown in the prompt.",
        "Commands: /join #room  /switch #room  /part  /rooms  /names  /who  /whois <nick>",
        "  /msg <nick> <text>  /me <action>  /topic [text]  /away [text]  /kick <nick>",
        "  /history [n]  /nick <new>  /quit   (/help explains each)",
    ]

    @Test func welcomeBurstShowsTheWordsAndReplacesTheMOTDsProtocolCommandsWithTheClients() {
        var renderer = renderer()
        let burst = [
            ":linechat 001 bob :Welcome to the chat room, bob!",
            ":linechat 002 bob :Your host is linechat, running LineChat 0.1.0",
            ":linechat 003 bob :This server was created at start-up",
            ":linechat 004 bob linechat LineChat-0.1.0 i imnstklov klov",
            ":linechat 005 bob NICKLEN=30 CASEMAPPING=ascii LINELEN=512 :are supported by this server",
            ":linechat 375 bob :- linechat Message of the day -",
            ":linechat 372 bob :- Welcome to LineChat. Type a command and press Enter:",
            ":linechat 372 bob :-   BROADCAST <text>         talk in #lobby, where everyone starts",
            ":linechat 372 bob :-   LIST                     see who is here; ROOMS lists the rooms",
            ":linechat 376 bob :End of /MOTD command.",
        ]
        #expect(
            burst.flatMap { renderer.render(line: $0) } == [
                "Welcome to the chat room, bob!",
                "Your host is linechat, running LineChat 0.1.0",
                "This server was created at start-up",
            ] + Self.startup)
    }

    @Test func anMOTDsOwnWordsAreKept() {
        var renderer = renderer()
        let lines = [
            ":linechat 375 bob :- linechat Message of the day -",
            ":linechat 372 bob :- Rules: be kind.",
            ":linechat 372 bob :-",
            ":linechat 372 bob :- Commands:",
            ":linechat 372 bob :-   JOIN #<room>   join a room",
            ":linechat 376 bob :End of /MOTD command.",
        ]
        #expect(
            lines.flatMap { renderer.render(line: $0) } == [
                "- linechat Message of the day -", "Rules: be kind.",
            ] + Self.startup)
    }

    @Test func anMOTDCutShortIsShownBeforeWhatCameNext() {
        var renderer = renderer()
        _ = renderer.render(line: ":linechat 372 bob :- Hello")
        #expect(renderer.render(line: ":alice JOIN #lobby") == ["Hello"] + Self.startup + ["alice joined #lobby"])
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
        #expect(render(":linechat 499 bob #room :Something odd") == ["Error 499: #room Something odd"])
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
        (.motd, ":linechat 372 bob :- Hello", []),
        (.motdStart, ":linechat 375 bob :- linechat Message of the day -", []),
        (.motdEnd, ":linechat 376 bob :End of /MOTD command.", startup),
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
            .unavailable,
            ":linechat 440 alice #rust :Cannot do that now: this server has lost its cluster's shared store; try again shortly",
            ["#rust: the server cannot do that now (its cluster store is unreachable); try again shortly"]
        ),
        (
            .notRegistered, ":linechat 451 * :You have not registered: pick a nickname with NICK <name>",
            ["You have not joined yet: pick a nickname first"]
        ),
        (.needMoreParams, ":linechat 461 bob PING :Not enough parameters", ["Not enough parameters for PING"]),
        (.helpNotFound, ":linechat 524 bob FOO :No help available on this topic", ["No help on FOO"]),
        (.helpStart, ":linechat 704 bob LIST :LIST", ["LIST"]),
        (.helpText, ":linechat 705 bob LIST :List the users in the chat room.", ["List the users in the chat room."]),
        (.helpEnd, ":linechat 706 bob LIST :End of HELP", []),
        (.userModeIs, ":linechat 221 bob +i", ["Your user mode: +i"]),
        (.away, ":linechat 301 bob alice :at lunch", ["alice is away: at lunch"]),
        (.userhost, ":linechat 302 bob :alice=+~alice@linechat", ["alice=+~alice@linechat"]),
        (.ison, ":linechat 303 bob :alice carol", ["alice carol"]),
        (.unaway, ":linechat 305 bob :You are no longer marked as being away", ["You are no longer marked as away"]),
        (.nowAway, ":linechat 306 bob :You have been marked as being away", ["You are now marked as away"]),
        (
            .whoisUser, ":linechat 311 bob alice ~alice linechat * :Alice Liddell",
            ["alice is ~alice@linechat (Alice Liddell)"]
        ),
        (.whoisServer, ":linechat 312 bob alice linechat :LineChat", ["alice is connected to linechat (LineChat)"]),
        (.endOfWho, ":linechat 315 bob #rust :End of /WHO list", ["Nobody is in #rust."]),
        (
            .whoisIdle, ":linechat 317 bob alice 192 1764000000 :seconds idle, signon time",
            ["alice has been idle 3m 12s"]
        ),
        (.endOfWhois, ":linechat 318 bob alice :End of /WHOIS list", []),
        (.whoisChannels, ":linechat 319 bob alice :@#lobby #rust", ["alice is in @#lobby #rust"]),
        (.listStart, ":linechat 321 bob Channel :Users  Name", []),
        (.channelModeIs, ":linechat 324 bob #rust +ntk hunter2", ["Modes of #rust: +ntk hunter2"]),
        (.creationTime, ":linechat 329 bob #rust 1764000000", []),
        (.noTopic, ":linechat 331 bob #rust :No topic is set", ["#rust has no topic"]),
        (.topic, ":linechat 332 bob #rust :All about Rust", ["Topic of #rust: All about Rust"]),
        (.topicWhoTime, ":linechat 333 bob #rust alice 1764000000", []),
        (.inviting, ":linechat 341 bob carol #rust", ["You invited carol to #rust"]),
        (.banList, ":linechat 367 bob #rust bad!*@* alice 1796000000", ["Ban on #rust: bad!*@*"]),
        (.endOfBanList, ":linechat 368 bob #rust :End of channel ban list", []),
        (
            .bannedFromChannel, ":linechat 474 bob #rust :Cannot join channel (+b): you are banned",
            ["Cannot join #rust: you are banned from it"]
        ),
        (.whoReply, ":linechat 352 bob #rust ~alice linechat linechat alice H@ :0 Alice", []),
        (.namesReply, ":linechat 353 bob = #rust :@alice bob", []),
        (.endOfNames, ":linechat 366 bob #rust :End of /NAMES list", ["Nobody is in #rust"]),
        (.noSuchChannel, ":linechat 403 bob #nowhere :No such channel", ["No such room: #nowhere"]),
        (
            .cannotSendToChannel,
            ":linechat 404 bob #rust :Cannot send to channel (you are not in it: JOIN #rust first)",
            ["Cannot send to #rust: you are not in it (/join #rust first)"]
        ),
        (
            .tooManyChannels, ":linechat 405 bob #r21 :You have joined too many channels",
            ["Cannot join #r21: you are in too many rooms"]
        ),
        (.userNotInChannel, ":linechat 441 bob carol #rust :They aren't on that channel", ["carol is not in #rust"]),
        (.notOnChannel, ":linechat 442 bob #rust :You're not on that channel", ["You are not in #rust"]),
        (.userOnChannel, ":linechat 443 bob carol #rust :is already on channel", ["carol is already in #rust"]),
        (.alreadyRegistered, ":linechat 462 bob :You may not reregister", ["You are already registered"]),
        (.keySet, ":linechat 467 bob #rust :Channel key already set", ["#rust already has a key"]),
        (
            .channelIsFull, ":linechat 471 bob #rust :Cannot join channel (+l): it is full",
            ["Cannot join #rust: it is full"]
        ),
        (.unknownMode, ":linechat 472 bob x :is unknown mode char to me", ["Unknown mode: x"]),
        (
            .inviteOnlyChannel, ":linechat 473 bob #rust :Cannot join channel (+i): invite only",
            ["Cannot join #rust: it is invite only (an operator can /invite you)"]
        ),
        (
            .badChannelKey, ":linechat 475 bob #rust :Cannot join channel (+k): wrong key",
            ["Cannot join #rust: wrong or missing key (/join #rust <key>)"]
        ),
        (
            .badChannelMask, ":linechat 476 bob #a\u{7}b :Illegal room name",
            ["Invalid room name: #a\u{FFFD}b (# then up to 49 characters, no spaces or commas)"]
        ),
        (
            .channelOperatorNeeded, ":linechat 482 bob #rust :You're not channel operator",
            ["You are not an operator of #rust"]
        ),
        (.userModeUnknownFlag, ":linechat 501 bob :Unknown MODE flag", ["Unknown user mode"]),
        (
            .usersDontMatch, ":linechat 502 bob :Can't change mode for other users",
            ["You cannot change another user's modes"]
        ),
        (
            .invalidModeParameter, ":linechat 696 bob #rust l * :Limit is missing or invalid",
            ["Invalid mode l for #rust: Limit is missing or invalid"]
        ),
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
        #expect(renderer.render(line: ":alice JOIN #lobby") == ["\u{1B}[2m\(alice) joined #lobby\u{1B}[0m"])
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

/// A renderer for "bob", registered, talking in #rust.
private func inRust() -> Renderer {
    var renderer = renderer()
    renderer.currentRoom = "#rust"
    return renderer
}

@Suite struct RendererRoomTests {
    @Test func aMessageInTheCurrentRoomShowsJustTheSender() {
        var renderer = inRust()
        #expect(renderer.render(line: ":alice PRIVMSG #rust :hi  all") == ["alice: hi  all"])
        #expect(renderer.render(line: ":alice PRIVMSG #RUST :case") == ["alice: case"])
    }

    @Test func aMessageInAnotherRoomShowsTheRoom() {
        var renderer = inRust()
        #expect(renderer.render(line: ":alice PRIVMSG #lobby :over here") == ["[#lobby] alice: over here"])
    }

    @Test func theIRCClientSourceFormShowsJustTheNick() {
        var renderer = inRust()
        #expect(renderer.render(line: ":alice!~alice@linechat PRIVMSG #rust :hi") == ["alice: hi"])
        #expect(renderer.render(line: ":alice!~alice@linechat PRIVMSG bob :psst") == ["alice -> you: psst"])
        #expect(renderer.render(line: ":alice!~alice@linechat QUIT :Quit: bye") == ["alice left the chat (bye)"])
    }

    @Test func anActionReadsAsAStarLine() {
        var renderer = inRust()
        #expect(renderer.render(line: ":alice PRIVMSG #rust :\u{1}ACTION waves\u{1}") == ["* alice waves"])
        #expect(renderer.render(line: ":alice PRIVMSG #lobby :\u{1}ACTION waves") == ["[#lobby] * alice waves"])
        #expect(renderer.render(line: ":alice PRIVMSG bob :\u{1}ACTION winks\u{1}") == ["* alice winks (to you)"])
        #expect(renderer.render(line: ":bob PRIVMSG alice :\u{1}ACTION winks\u{1}") == ["you -> alice: * bob winks"])
    }

    @Test func otherCTCPIsNamedNotPrinted() {
        var renderer = inRust()
        #expect(renderer.render(line: ":alice PRIVMSG bob :\u{1}VERSION\u{1}") == ["alice -> you: CTCP VERSION"])
    }

    @Test func myOwnPrivateMessageReadsYouToThem() {
        #expect(render(":bob PRIVMSG alice :hi") == ["you -> alice: hi"])
    }

    @Test func formattingCodesAreStrippedAndNoControlByteReachesTheTerminal() {
        var renderer = inRust()
        let colourful =
            ":alice PRIVMSG #rust :\u{2}bold\u{2} \u{3}4,12red\u{3} \u{1D}it\u{0F} \u{1F}u\u{1F}\u{16}\u{11}\u{1E}x \u{3}99"
        #expect(renderer.render(line: colourful) == ["alice: bold red it ux "])
        #expect(renderer.render(line: ":alice PRIVMSG #rust :\u{3},5 comma kept") == ["alice: ,5 comma kept"])
        #expect(renderer.render(line: ":alice PRIVMSG #rust :\u{4}FF00AA,000000hex") == ["alice: hex"])
        #expect(
            renderer.render(line: ":alice TOPIC #rust :\u{2}Rust\u{1B}[2J") == [
                "alice set the topic of #rust: Rust\u{FFFD}[2J"
            ])
    }

    @Test func roomEventsReadAsSentences() {
        var renderer = inRust()
        let cases: [(String, String)] = [
            (":alice PART #rust", "alice left #rust"),
            (":alice PART #rust :lunch", "alice left #rust (lunch)"),
            (":bob PART #lobby", "You left #lobby"),
            (":alice KICK #rust carol :spam", "alice kicked carol from #rust (spam)"),
            (":alice KICK #rust carol :alice", "alice kicked carol from #rust"),
            (":alice KICK #rust bob :bye", "alice kicked you from #rust (bye)"),
            (":bob KICK #rust carol", "You kicked carol from #rust"),
            (":alice TOPIC #rust :All about Rust", "alice set the topic of #rust: All about Rust"),
            (":alice TOPIC #rust :", "alice cleared the topic of #rust"),
            (":alice MODE #rust +o carol", "alice set mode +o carol on #rust"),
            (":alice MODE #rust +k hunter2", "alice set mode +k hunter2 on #rust"),
            (":bob MODE bob :+i", "Your user mode is now +i"),
            (":alice INVITE bob #secret", "alice invites you to #secret (/join #secret to accept)"),
        ]
        for (line, expected) in cases {
            #expect(renderer.render(line: line) == [expected], "\(line)")
        }
    }

    @Test func namesAreCollectedIntoOneMemberLinePerRoom() {
        var renderer = inRust()
        #expect(renderer.render(line: ":linechat 353 bob = #rust :@alice +carol") == [])
        #expect(renderer.render(line: ":linechat 353 bob = #rust :bob dave") == [])
        #expect(
            renderer.render(line: ":linechat 366 bob #rust :End of /NAMES list") == [
                "Members of #rust (4): @alice +carol bob dave"
            ])
        _ = renderer.render(line: ":linechat 353 bob = #rust :@alice")
        _ = renderer.render(line: ":linechat 353 bob = #lobby :first bob")
        #expect(
            renderer.render(line: ":linechat 366 bob * :End of /NAMES list") == [
                "Members of #rust (1): @alice", "Members of #lobby (2): first bob",
            ])
    }

    @Test func theRoomListIsATable() {
        var renderer = inRust()
        #expect(renderer.render(line: ":linechat 321 bob Channel :Users  Name") == [])
        #expect(renderer.render(line: ":linechat 322 bob #lobby 12 :[+nt] Welcome to LineChat!") == [])
        #expect(renderer.render(line: ":linechat 322 bob #rust 3 :[+ntk] ") == [])
        #expect(
            renderer.render(line: ":linechat 323 bob :End of /LIST") == [
                "2 rooms:",
                "  ROOM          USERS  MODES  TOPIC",
                "  #lobby        12     +nt    Welcome to LineChat!",
                "  #rust (here)  3      +ntk",
            ])
        _ = renderer.render(line: ":linechat 321 bob Channel :Users  Name")
        #expect(renderer.render(line: ":linechat 323 bob :End of /LIST") == ["There are no rooms."])
        // The users' LIST still reads as before.
        _ = renderer.render(line: ":linechat 322 bob alice :connected 1s, idle 1s")
        #expect(renderer.render(line: ":linechat 323 bob :End of LIST").first == "1 user in the chat room:")
    }

    @Test func whoRepliesAreATable() {
        var renderer = inRust()
        _ = renderer.render(line: ":linechat 352 bob #rust ~alice linechat linechat alice H@ :0 Alice Liddell")
        _ = renderer.render(line: ":linechat 352 bob #rust ~bob linechat linechat bob G :0 bob")
        #expect(
            renderer.render(line: ":linechat 315 bob #rust :End of /WHO list") == [
                "Who is in #rust:",
                "  NICK       USER@HOST        STATUS  NAME",
                "  @alice     ~alice@linechat  here    Alice Liddell",
                "  bob (you)  ~bob@linechat    away    bob",
            ])
        #expect(renderer.render(line: ":linechat 315 bob nobody :End of /WHO list") == ["No user matches nobody."])
    }

    @Test func noticesFromUsersAndTheServer() {
        var renderer = inRust()
        #expect(renderer.render(line: ":alice NOTICE bob :psst") == ["-alice- psst"])
        #expect(renderer.render(line: ":alice NOTICE #lobby :hear ye") == ["[#lobby] -alice- hear ye"])
        #expect(
            renderer.render(line: ":linechat NOTICE * :restart at five") == [
                "Announcement from server: restart at five"
            ])
    }

    @Test func theDefaultRoomRefusalSaysToJoinARoom() {
        #expect(
            render(":linechat 403 bob * :This server has no default room: JOIN a room and PRIVMSG #<room> <text>") == [
                "This server has no default room: /join a room to talk"
            ])
    }

    @Test func aModeratedRoomSaysSo() {
        #expect(
            render(":linechat 404 bob #rust :Cannot send to channel (it is moderated)") == [
                "Cannot send to #rust: it is moderated (only operators and voiced users speak)"
            ])
    }
}

@Suite struct IRCTextTests {
    @Test func ctcpIsRecognised() {
        #expect(IRCText.content(of: "hi") == .text("hi"))
        #expect(IRCText.content(of: "\u{1}ACTION waves\u{1}") == .action("waves"))
        #expect(IRCText.content(of: "\u{1}action waves") == .action("waves"))
        #expect(IRCText.content(of: "\u{1}PING 123\u{1}") == .ctcp(command: "PING", rest: "123"))
    }

    @Test func cleanLeavesOrdinaryTextAlone() {
        #expect(IRCText.clean("héllo\tworld 3,5") == "héllo\tworld 3,5")
    }
}
