import LineChatClient
import Testing

/// The lines the server sends when `nick` registers, to the end of the MOTD.
private func welcome(_ nick: String) -> [String] {
    [
        ":linechat 001 \(nick) :Welcome to the chat room, \(nick)!",
        ":linechat 004 \(nick) linechat LineChat-0.1.0",
        ":linechat 376 \(nick) :End of /MOTD command.",
    ]
}

/// What follows the welcome: the server joins `nick` to its default room.
private func autoJoin(_ nick: String, room: String = "#lobby") -> [String] {
    [
        ":\(nick) JOIN \(room)",
        ":linechat 332 \(nick) \(room) :Welcome to LineChat!",
        ":linechat 333 \(nick) \(room) linechat 1764000000",
        ":linechat 353 \(nick) = \(room) :@alice \(nick)",
        ":linechat 366 \(nick) \(room) :End of /NAMES list",
    ]
}

/// The server's answer to the client's n-th sync PING.
private func pong(_ n: Int) -> String { ":linechat PONG linechat :linechat-sync-\(n)" }

private func sent(_ actions: [ClientAction]) -> [String] {
    actions.compactMap { if case .send(let line) = $0 { line } else { nil } }
}

private func shown(_ actions: [ClientAction]) -> [String] {
    actions.compactMap { if case .show(let line) = $0 { line } else { nil } }
}

/// A session for `nick` that has registered and been joined to #lobby (its first sync PING,
/// after the welcome, answered).
private func registered(_ nick: String = "bob", raw: Bool = false, interactive: Bool = true) -> ClientSession {
    var session = ClientSession(.init(nick: nick, raw: raw, interactive: interactive))
    _ = session.start()
    for line in welcome(nick) + autoJoin(nick) + [pong(1)] { _ = session.receive(line) }
    return session
}

extension ClientSession {
    /// Types `line`, then receives `replies` and the PONG of sync PING `n`; returns what was
    /// shown from the replies on.
    mutating func answered(_ line: String, sync n: Int, replies: [String] = []) -> [String] {
        let sentLines = sent(submit(line))
        #expect(sentLines.last == "PING :linechat-sync-\(n)", "\(sentLines)")
        return (replies + [pong(n)]).flatMap { shown(receive($0)) }
    }
}

@Suite struct ClientSessionTests {
    /// What `/help` shows, as the user reads it (written out here, not taken from the code).
    static let helpText = [
        "Type a message and press Enter to send it to the current room (shown in the prompt). Commands:",
        "  /join #room [key]        join a room, or switch to one you are in, and talk there",
        "  /switch #room            talk in another room you are in",
        "  /part [#room] [reason]   leave the current room (or the one named)",
        "  /rooms                   list the rooms",
        "  /names [#room]           who is in the current room (or the one named)",
        "  /who [#room|nick]        details of a room's members, or of one user",
        "  /whois <nick>            details of one user",
        "  /msg <nick> <message>    send a private message",
        "  /me <action>             act in the current room: /me waves",
        "  /topic [text]            show or set the current room's topic",
        "  /history [n]             the current room's earlier messages (the last n)",
        "  /away [text]             say you are away (no text: you are back)",
        "  /kick <nick> [reason]    remove someone from the current room (operators)",
        "  /invite <nick> [#room]   invite someone to the current room (or the one named)",
        "  /list                    list the users on the server",
        "  /nick <new nick>         change your nickname",
        "  /clear                   clear the screen",
        "  /raw <protocol line>     send a line of the protocol as it is",
        "  /help                    show this help",
        "  /quit [<reason>]         leave the chat",
        "  //text                   send text that starts with /",
        "Guided: <private> <announce> <list> <help> <quit> <clear> ask for what they need.",
        "Keys: Left/Right, Ctrl-A/Ctrl-E, Ctrl-U/Ctrl-K/Ctrl-W delete, Up/Down history,",
        "      Ctrl-L clears the screen, Ctrl-C or Ctrl-D (on an empty line) quits.",
    ]

    @Test func withANickItRegistersAtOnceAndTheFirstJoinSetsTheCurrentRoom() {
        var session = ClientSession(.init(nick: "bob"))
        #expect(session.start() == [.send("NICK bob")])
        #expect(session.phase == .registering)
        let actions = session.receive(":linechat 001 bob :Welcome to the chat room, bob!")
        #expect(shown(actions) == ["Welcome to the chat room, bob!"])
        #expect(session.phase == .chatting)
        #expect(session.nick == "bob")
        #expect(session.prompt == "bob> ")
        #expect(sent(session.receive(":linechat 376 bob :End of /MOTD command.")) == ["PING :linechat-sync-1"])
        #expect(
            autoJoin("bob").flatMap { shown(session.receive($0)) } == [
                "You joined #lobby",
                "Topic of #lobby: Welcome to LineChat!",
                "Members of #lobby (2): @alice bob",
            ])
        #expect(session.currentRoom == "#lobby")
        #expect(session.rooms == ["#lobby"])
        #expect(session.prompt == "bob@#lobby> ")
    }

    @Test func withoutANickItAsksForOne() {
        var session = ClientSession(.init(interactive: true))
        #expect(session.start() == [])
        #expect(session.phase == .choosingNick)
        #expect(session.prompt == "Nickname: ")
        #expect(session.submit("  bob ") == [.send("NICK bob")])
        #expect(session.phase == .registering)
    }

    @Test func theWelcomeNoticeIsShownWhileChoosing() {
        var session = ClientSession(.init(interactive: true))
        _ = session.start()
        #expect(shown(session.receive(":linechat NOTICE * :Welcome to LineChat!")) == ["Welcome to LineChat!"])
    }

    @Test func typingNICKAtTheNickPromptIsUnderstood() {
        var session = ClientSession(.init(interactive: true))
        _ = session.start()
        #expect(session.submit("NICK bob") == [.send("NICK bob")])
    }

    @Test func anInvalidNickIsRefusedBeforeSendingWithTheReason() {
        var session = ClientSession(.init(interactive: true))
        _ = session.start()
        let actions = session.submit("9lives")
        #expect(actions == [.show("Invalid nickname 9lives: it must not start with a digit or -")])
        #expect(session.phase == .choosingNick)
    }

    @Test func aNickInUseAsksAgainWithTheReason() {
        var session = ClientSession(.init(interactive: true))
        _ = session.start()
        _ = session.submit("alice")
        let actions = session.receive(":linechat 433 * alice :Nickname is already in use")
        #expect(shown(actions) == ["Nickname already in use: alice"])
        #expect(session.phase == .choosingNick)
        #expect(session.prompt == "Choose another nickname: ")
        #expect(session.submit("alice2") == [.send("NICK alice2")])
        _ = session.receive(":linechat 001 alice2 :Welcome to the chat room, alice2!")
        #expect(session.nick == "alice2")
    }

    @Test func anErroneousNickFromTheServerAsksAgain() {
        var session = ClientSession(.init(interactive: true))
        _ = session.start()
        _ = session.submit("linechat")
        let actions = session.receive(":linechat 432 * linechat :Erroneous nickname: reserved for the server")
        #expect(shown(actions) == ["Invalid nickname linechat: reserved for the server"])
        #expect(session.phase == .choosingNick)
    }

    @Test func aRefusedNickOptionAtATerminalAsksAgain() {
        var session = ClientSession(.init(nick: "alice", interactive: true))
        _ = session.start()
        _ = session.receive(":linechat 433 * alice :Nickname is already in use")
        #expect(session.phase == .choosingNick)
    }

    @Test func aRefusedNickOptionInAScriptQuitsWithFailure() {
        var session = ClientSession(.init(nick: "alice"))
        _ = session.start()
        let actions = session.receive(":linechat 433 * alice :Nickname is already in use")
        #expect(
            shown(actions) == [
                "Nickname already in use: alice", "linechat: the server refused the nickname alice",
            ])
        #expect(sent(actions) == ["QUIT"])
        _ = session.connectionClosed()
        #expect(session.exitStatus == 1)
    }

    @Test func aScriptWithoutANickUsesItsFirstLineAndTheNextAfterARefusal() {
        var session = ClientSession(.init())
        _ = session.start()
        #expect(sent(session.submit("alice")) == ["NICK alice"])
        #expect(session.submit("alice2") == [])
        #expect(session.submit("hello") == [])
        #expect(session.endOfInput() == [])
        var actions = session.receive(":linechat 433 * alice :Nickname is already in use")
        #expect(sent(actions) == ["NICK alice2"])
        actions = session.receive(":linechat 001 alice2 :Welcome to the chat room, alice2!")
        #expect(sent(actions) == [])
        actions = session.receive(":linechat 376 alice2 :End of /MOTD command.")
        #expect(sent(actions) == ["PING :linechat-sync-1"])
        for line in autoJoin("alice2") { #expect(sent(session.receive(line)) == []) }
        #expect(sent(session.receive(pong(1))) == ["PRIVMSG #lobby :hello", "PING :linechat-sync-2"])
        actions = session.receive(pong(2))
        #expect(shown(actions) == ["alice2: hello"])
        #expect(sent(actions) == ["QUIT"])
        _ = session.connectionClosed()
        #expect(session.exitStatus == 0, "the refused nickname was not a failed command")
    }

    @Test func linesTypedWhileRegisteringWaitForTheWelcomeAndTheDefaultRoom() {
        var session = ClientSession(.init(nick: "bob"))
        _ = session.start()
        #expect(session.submit("hello") == [])
        #expect(session.submit("/list") == [])
        var actions: [ClientAction] = []
        for line in welcome("bob") + autoJoin("bob") {
            #expect(sent(actions).allSatisfy { $0.hasPrefix("PING") }, "waits for the welcome and the auto-join")
            actions = session.receive(line)
        }
        #expect(sent(session.receive(pong(1))) == ["PRIVMSG #lobby :hello", "PING :linechat-sync-2"])
        #expect(sent(session.receive(pong(2))) == ["LIST", "PING :linechat-sync-3"])
    }

    @Test func theEndOfAScriptQuitsAfterTheLastLineIsAnswered() {
        var session = ClientSession(.init(nick: "bob"))
        _ = session.start()
        _ = session.submit("hello")
        #expect(session.endOfInput() == [])
        let actions = (welcome("bob") + autoJoin("bob") + [pong(1)]).flatMap { session.receive($0) }
        #expect(sent(actions) == ["PING :linechat-sync-1", "PRIVMSG #lobby :hello", "PING :linechat-sync-2"])
        #expect(!session.isQuitting)
        #expect(sent(session.receive(pong(2))) == ["QUIT"])
        #expect(session.isQuitting)
    }

    @Test func aScriptThatEndsWithoutANickFails() {
        var session = ClientSession(.init())
        _ = session.start()
        let actions = session.endOfInput()
        #expect(sent(actions) == ["QUIT"])
        _ = session.connectionClosed()
        #expect(session.exitStatus == 1)
    }

    @Test func theWelcomeBurstEndsAtAnythingElseToo() {
        var session = ClientSession(.init(nick: "bob"))
        _ = session.start()
        _ = session.submit("/list")
        _ = session.receive(":linechat 001 bob :Welcome to the chat room, bob!")
        #expect(sent(session.receive(":alice JOIN #lobby")) == ["PING :linechat-sync-1"])
        #expect(sent(session.receive(pong(1))) == ["LIST", "PING :linechat-sync-2"])
    }

    @Test func plainTextGoesToTheCurrentRoomAndIsShownOnceTheServerTookIt() {
        var session = registered()
        #expect(session.submit("hello  all") == [.send("PRIVMSG #lobby :hello  all"), .send("PING :linechat-sync-2")])
        #expect(session.isAwaitingSync)
        #expect(session.submit("second") == [], "the next line waits for the answer")
        #expect(
            session.receive(pong(2)) == [
                .show("bob: hello  all"), .send("PRIVMSG #lobby :second"), .send("PING :linechat-sync-3"),
            ])
    }

    @Test func aPrivateMessageToAnUnknownNickShowsTheErrorAndNoSentLine() {
        var session = registered()
        #expect(
            session.answered("/msg nobody hi", sync: 2, replies: [":linechat 401 bob nobody :No such nick"]) == [
                "No such user: nobody"
            ])
        #expect(session.answered("/msg alice hi  there", sync: 3) == ["you -> alice: hi  there"])
    }

    @Test func aMessageToMyselfIsShownOnceAsTheServerEchoesIt() {
        var session = registered()
        #expect(session.answered("/msg BOB note", sync: 2, replies: [":bob PRIVMSG bob :note"]) == ["bob -> you: note"])
    }

    @Test func aPrivateMessageToSomeoneAwayShowsTheAwayTextAndTheMessage() {
        var session = registered()
        #expect(
            session.answered("/msg alice hi", sync: 2, replies: [":linechat 301 bob alice :at lunch"]) == [
                "alice is away: at lunch", "you -> alice: hi",
            ])
    }

    @Test func meIsACTCPActionToTheCurrentRoom() {
        var session = registered()
        #expect(
            sent(session.submit("/me waves")) == ["PRIVMSG #lobby :\u{1}ACTION waves\u{1}", "PING :linechat-sync-2"])
        #expect(shown(session.receive(pong(2))) == ["* bob waves"])
    }

    @Test func joiningARoomMakesItCurrentAndMessagesFromTheOtherShowItsName() {
        var session = registered()
        #expect(sent(session.submit("/join rust")) == ["JOIN #rust", "PING :linechat-sync-2"])
        let joined = [
            ":bob JOIN #rust", ":linechat 353 bob = #rust :@bob", ":linechat 366 bob #rust :End of /NAMES list",
        ]
        #expect(
            (joined + [pong(2)]).flatMap { shown(session.receive($0)) } == [
                "You joined #rust", "Members of #rust (1): @bob",
            ])
        #expect(session.prompt == "bob@#rust> ")
        #expect(session.rooms == ["#lobby", "#rust"])
        #expect(shown(session.receive(":alice PRIVMSG #lobby :over here")) == ["[#lobby] alice: over here"])
        #expect(shown(session.receive(":carol PRIVMSG #rust :hi")) == ["carol: hi"])
        #expect(sent(session.submit("fine")) == ["PRIVMSG #rust :fine", "PING :linechat-sync-3"])
    }

    @Test func joinOrSwitchToARoomYouAreInChangesTheCurrentRoomWithoutSending() {
        var session = registered()
        _ = session.answered("/join #rust", sync: 2, replies: [":bob JOIN #rust"])
        #expect(session.submit("/switch #LOBBY") == [.show("Now talking in #lobby")])
        #expect(session.prompt == "bob@#lobby> ")
        #expect(session.submit("/join #rust") == [.show("Now talking in #rust")])
        #expect(session.prompt == "bob@#rust> ")
        #expect(session.submit("/switch #nowhere") == [.show("You are not in #nowhere: /join #nowhere joins it")])
    }

    @Test func partingTheCurrentRoomGoesBackToTheRoomUsedBefore() {
        var session = registered()
        _ = session.answered("/join #rust", sync: 2, replies: [":bob JOIN #rust"])
        _ = session.answered("/join #go", sync: 3, replies: [":bob JOIN #go"])
        _ = session.submit("/switch #rust")
        #expect(sent(session.submit("/part see you")) == ["PART #rust :see you", "PING :linechat-sync-4"])
        #expect(
            shown(session.receive(":bob PART #rust :see you")) == ["You left #rust (see you)", "Now talking in #go"])
        #expect(session.prompt == "bob@#go> ")
        _ = session.receive(pong(4))
        #expect(sent(session.submit("/part #lobby")) == ["PART #lobby", "PING :linechat-sync-5"])
        #expect(shown(session.receive(":bob PART #lobby")) == ["You left #lobby"])
        #expect(session.prompt == "bob@#go> ")
        _ = session.receive(pong(5))
        _ = session.answered("/join #c", sync: 6, replies: [":bob JOIN #c"])
        _ = session.submit("/switch #go")
        _ = session.submit("/switch #c")
        #expect(session.rooms == ["#go", "#c"])
        #expect(
            shown(session.receive(":alice KICK #c bob")) == [
                "alice kicked you from #c", "Now talking in #go",
            ])
    }

    @Test func beingKickedFromTheLastRoomLeavesNoCurrentRoom() {
        var session = registered()
        #expect(
            shown(session.receive(":alice KICK #lobby bob :behave")) == [
                "alice kicked you from #lobby (behave)", "You are in no room now: /join #room to talk",
            ])
        #expect(session.currentRoom == nil)
        #expect(session.prompt == "bob> ")
        #expect(
            session.submit("hello?") == [.show("You are not in a room: /join #room first (or /msg <nick> <text>)")])
        #expect(session.submit("/topic") == [.show("You are not in a room: /join #room first (or /msg <nick> <text>)")])
        #expect(
            session.submit("/history") == [.show("You are not in a room: /join #room first (or /msg <nick> <text>)")])
    }

    @Test func withNoDefaultRoomPlainTextSaysToJoinOne() {
        var session = ClientSession(.init(nick: "bob", interactive: true))
        _ = session.start()
        for line in welcome("bob") + [pong(1)] { _ = session.receive(line) }
        #expect(session.prompt == "bob> ")
        #expect(shown(session.submit("hi")) == ["You are not in a room: /join #room first (or /msg <nick> <text>)"])
    }

    @Test func roomCommandsSendTheirProtocolLines() {
        var session = registered()
        let cases: [(String, String)] = [
            ("/rooms", "ROOMS"),
            ("/names", "NAMES #lobby"),
            ("/names #rust", "NAMES #rust"),
            ("/who", "WHO #lobby"),
            ("/who alice", "WHO alice"),
            ("/whois alice", "WHOIS alice"),
            ("/away gone  fishing", "AWAY :gone  fishing"),
            ("/away", "AWAY"),
            ("/topic", "TOPIC #lobby"),
            ("/topic Rust  and more", "TOPIC #lobby :Rust  and more"),
            ("/history", "HISTORY #lobby"),
            ("/history 50", "HISTORY #lobby 50"),
            ("/kick carol", "KICK #lobby carol"),
            ("/kick carol too loud", "KICK #lobby carol :too loud"),
            ("/invite carol", "INVITE carol #lobby"),
            ("/join #secret hunter2", "JOIN #secret hunter2"),
            ("/list", "LIST"),
            ("/nick robert", "NICK robert"),
            ("/raw PING :x", "PING :x"),
            ("//slash", "PRIVMSG #lobby :/slash"),
        ]
        for (index, (typed, line)) in cases.enumerated() {
            #expect(sent(session.submit(typed)) == [line, "PING :linechat-sync-\(index + 2)"], "\(typed)")
            _ = session.receive(pong(index + 2))
        }
    }

    @Test func localCommandsNeitherSendNorWait() {
        var session = registered()
        #expect(session.submit("/clear") == [.clearScreen])
        #expect(shown(session.submit("/help")) == ClientSessionTests.helpText)
        #expect(session.submit("/frobnicate") == [.show("Unknown command: /frobnicate (/help lists the commands)")])
        #expect(session.submit("/msg alice") == [.show("Usage: /msg <nick> <message>")])
        #expect(session.submit("   ") == [])
        #expect(!session.isAwaitingSync)
    }

    @Test func aScriptWithARefusedLineExitsWithFailure() {
        var session = registered(interactive: false)
        _ = session.answered("/join #secret", sync: 2, replies: [":linechat 475 bob #secret :Cannot join channel (+k)"])
        #expect(session.failedCommands == 1)
        #expect(session.prompt == "bob@#lobby> ", "a refused JOIN leaves the current room alone")
        #expect(sent(session.endOfInput()) == ["QUIT"])
        _ = session.connectionClosed()
        #expect(session.exitStatus == 1)
    }

    @Test func aScriptWithAUsageMistakeExitsWithFailure() {
        var session = registered(interactive: false)
        #expect(shown(session.submit("/whois")) == ["Usage: /whois <nick>"])
        _ = session.endOfInput()
        _ = session.connectionClosed()
        #expect(session.exitStatus == 1)
    }

    @Test func aScriptWhoseLinesAllWorkExitsWith0() {
        var session = registered(interactive: false)
        _ = session.answered("hi", sync: 2)
        _ = session.endOfInput()
        _ = session.connectionClosed()
        #expect(session.exitStatus == 0)
    }

    @Test func anUnrelatedPongIsShown() {
        var session = registered(interactive: false)
        _ = session.submit("/raw PING :mine")
        #expect(shown(session.receive(":linechat PONG linechat :mine")) == ["PONG from linechat: mine"])
    }

    @Test func rawModeShowsNoEchoAndHidesTheSyncPongs() {
        var session = registered(raw: true)
        #expect(sent(session.submit("/msg alice hi")) == ["PRIVMSG alice :hi", "PING :linechat-sync-2"])
        #expect(session.receive(pong(2)) == [])
    }

    @Test func quitWithAReason() {
        var session = registered()
        #expect(session.submit("/quit see you") == [.send("QUIT :see you")])
        #expect(session.isQuitting)
        #expect(session.prompt == "")
        #expect(session.submit("ignored") == [])
        #expect(shown(session.receive("ERROR :Closing link: bob (Quit: see you)")) == ["You have left the chat"])
        _ = session.connectionClosed()
        #expect(session.isFinished)
        #expect(session.exitStatus == 0)
    }

    @Test func quitWithoutAReason() {
        var session = registered()
        #expect(session.submit("/quit") == [.send("QUIT")])
    }

    @Test func quitTimingOutStillEndsWithTheQuitStatus() {
        var session = registered()
        _ = session.quit(reason: nil, status: 143)
        session.quitTimedOut()
        #expect(session.isFinished)
        #expect(session.exitStatus == 143)
    }

    @Test func quittingTwiceSendsOneQuit() {
        var session = registered()
        #expect(session.quit(reason: nil, status: 0) == [.send("QUIT")])
        #expect(session.quit(reason: nil, status: 0) == [])
    }

    @Test func theServerClosingWithoutQuitIsAFailure() {
        var session = registered()
        #expect(shown(session.receive("ERROR :Server shutting down")) == ["Disconnected: Server shutting down"])
        #expect(session.connectionClosed() == [])
        #expect(session.exitStatus == 1)
    }

    @Test func aLostConnectionSaysSo() {
        var session = registered()
        #expect(shown(session.connectionClosed()) == ["Connection to the server was lost."])
        #expect(session.exitStatus == 1)
    }

    @Test func guidedPrivateAsksWhomThenWhat() {
        var session = registered()
        #expect(session.submit("<private>") == [])
        #expect(session.prompt == "Who do you want to send message to? ")
        #expect(session.submit("alice") == [])
        #expect(session.prompt == "Message to alice: ")
        #expect(sent(session.submit("psst  hi")) == ["PRIVMSG alice :psst  hi", "PING :linechat-sync-2"])
        #expect(shown(session.receive(pong(2))) == ["you -> alice: psst  hi"])
        #expect(session.prompt == "bob@#lobby> ")
    }

    @Test func guidedAnnounceAsksWhat() {
        var session = registered()
        _ = session.submit("<announce>")
        #expect(session.prompt == "What do you want to announce? ")
        #expect(sent(session.submit("hear ye")) == ["BROADCAST :hear ye", "PING :linechat-sync-2"])
    }

    @Test func anEmptyAnswerCancelsAGuidedCommand() {
        var session = registered()
        _ = session.submit("<private>")
        #expect(session.submit("") == [.show("Cancelled.")])
        #expect(session.prompt == "bob@#lobby> ")
    }

    @Test func theOtherGuidedCommands() {
        var session = registered()
        #expect(sent(session.submit("<list>")) == ["LIST", "PING :linechat-sync-2"])
        _ = session.receive(pong(2))
        #expect(session.submit("<clear>") == [.clearScreen])
        #expect(shown(session.submit("<help>")) == ClientSessionTests.helpText)
        #expect(session.submit("<quit>") == [.send("QUIT")])
    }

    @Test func pingIsAnsweredQuietly() {
        var session = registered()
        #expect(session.receive("PING :abc") == [.send("PONG :abc")])
    }

    @Test func myRenameUpdatesTheNickAndPrompt() {
        var session = registered()
        #expect(shown(session.receive(":bob NICK robert")) == ["You are now known as robert"])
        #expect(session.nick == "robert")
        #expect(session.prompt == "robert@#lobby> ")
        #expect(shown(session.receive(":alice PRIVMSG robert :hi")) == ["alice -> you: hi"])
    }

    @Test func rawModeShowsLinesExactly() {
        var session = registered(raw: true)
        #expect(session.receive(":alice PRIVMSG #lobby :hi") == [.show(":alice PRIVMSG #lobby :hi")])
        #expect(
            session.receive(":linechat 322 bob alice :connected 1s, idle 1s") == [
                .show(":linechat 322 bob alice :connected 1s, idle 1s")
            ])
    }

    @Test func theClientsCommandsFollowTheMessageOfTheDay() {
        var session = ClientSession(.init(nick: "bob"))
        _ = session.start()
        let lines = [
            ":linechat 001 bob :Welcome to the chat room, bob!",
            ":linechat 375 bob :- linechat Message of the day -",
            ":linechat 372 bob :- Be nice.",
            ":linechat 372 bob :- Type a command and press Enter:",
            ":linechat 372 bob :-   BROADCAST <text>         talk in #lobby, where everyone starts",
            ":linechat 372 bob :-   QUIT [<reason>]          leave the chat",
            ":linechat 376 bob :End of /MOTD command.",
        ]
        #expect(
            lines.flatMap { shown(session.receive($0)) } == [
                "Welcome to the chat room, bob!",
                "- linechat Message of the day -",
                "Be nice.",
                "Type a message and press Enter to talk in the room shown in the prompt.",
                "Commands: /join #room  /switch #room  /part  /rooms  /names  /who  /whois <nick>",
                "  /msg <nick> <text>  /me <action>  /topic [text]  /away [text]  /kick <nick>",
                "  /history [n]  /nick <new>  /quit   (/help explains each)",
            ])
    }

    @Test func historyAsksForTheCurrentRoomsEarlierMessagesAndShowsThemAsHistory() {
        var session = registered()
        let shownLines = session.answered(
            "/history 2", sync: 2,
            replies: [
                ":linechat NOTICE #lobby :--- 2 earlier messages (times UTC) ---",
                ":alice PRIVMSG #lobby :[09:14] hi all",
                ":bob PRIVMSG #lobby :[2026-11-29 23:59] \u{1}ACTION waves\u{1}",
                ":linechat NOTICE #lobby :--- end of earlier messages ---",
            ])
        #expect(
            shownLines == [
                "--- 2 earlier messages in #lobby (times UTC) ---",
                "[09:14] alice: hi all",
                "[2026-11-29 23:59] * bob waves",
                "--- end of earlier messages in #lobby ---",
            ])
        #expect(session.failedCommands == 0)
        #expect(shown(session.receive(":alice PRIVMSG #lobby :back now")) == ["alice: back now"])
    }

    @Test func theReplayAfterJoiningIsShownAsHistoryInTheNewCurrentRoom() {
        var session = registered()
        let shownLines = session.answered(
            "/join #rust", sync: 2,
            replies: [
                ":bob JOIN #rust",
                ":linechat 353 bob = #rust :@alice bob",
                ":linechat 366 bob #rust :End of /NAMES list",
                ":linechat NOTICE #rust :--- 1 earlier message (times UTC) ---",
                ":alice NOTICE #rust :[09:15] the build is green",
                ":linechat NOTICE #rust :--- end of earlier messages ---",
            ])
        #expect(
            shownLines == [
                "You joined #rust",
                "Members of #rust (2): @alice bob",
                "--- 1 earlier message in #rust (times UTC) ---",
                "[09:15] -alice- the build is green",
                "--- end of earlier messages in #rust ---",
            ])
    }

    @Test func historyRefusalsAreShownInWordsAndFailAScript() {
        var session = registered(interactive: false)
        #expect(
            session.answered(
                "/history lots", sync: 2,
                replies: [":linechat 400 bob HISTORY :The count must be a number from 1 to 500"])
                == ["The server refused HISTORY: The count must be a number from 1 to 500"])
        #expect(
            session.answered(
                "/history", sync: 3,
                replies: [":linechat 421 bob HISTORY :This server keeps no history (--no-history)"])
                == ["The server refused HISTORY: This server keeps no history (--no-history)"])
        #expect(
            session.answered(
                "/history", sync: 4,
                replies: [":linechat 442 bob #lobby :You're not on that channel (only members read its history)"])
                == ["You are not in #lobby (only members read its history)"])
        #expect(session.failedCommands == 3)
    }

    @Test func slashCommandsWhileChoosingANick() {
        var session = ClientSession(.init(interactive: true))
        _ = session.start()
        #expect(session.submit("/list") == [.show("Pick a nickname first.")])
        #expect(session.submit("/quit") == [.send("QUIT")])
    }
}

@Suite struct InputCommandTests {
    @Test(
        "typed lines",
        arguments: [
            ("hello", InputCommand.say("hello")),
            ("  hello  ", .say("  hello  ")),
            ("", .nothing),
            ("   ", .nothing),
            ("/msg alice hi", .privateMessage(to: "alice", text: "hi")),
            ("/MSG alice   hi  there", .privateMessage(to: "alice", text: "hi  there")),
            ("/msg", .usage("Usage: /msg <nick> <message>")),
            ("/msg alice   ", .usage("Usage: /msg <nick> <message>")),
            ("/list", .list),
            ("/nick robert", .nick("robert")),
            ("/nick", .usage("Usage: /nick <new nick>")),
            ("/nick a b", .usage("Usage: /nick <new nick>")),
            ("/help", .help),
            ("/quit", .quit(reason: nil)),
            ("/quit   ", .quit(reason: nil)),
            ("/quit gone fishing", .quit(reason: "gone fishing")),
            ("/clear", .clear),
            ("/raw HELP LIST", .raw("HELP LIST")),
            ("/raw", .usage("Usage: /raw <protocol line>")),
            ("//etc/passwd", .say("/etc/passwd")),
            ("/nope", .unknown("nope")),
            ("<private>", .guidedPrivate),
            (" <announce> ", .guidedAnnounce),
            ("<list>", .list),
            ("<help>", .help),
            ("<quit>", .quit(reason: nil)),
            ("<clear>", .clear),
            ("<private> hi", .say("<private> hi")),
            ("/me waves  hello", .action("waves  hello")),
            ("/me", .usage("Usage: /me <action>")),
            ("/join #rust", .join(room: "#rust", key: nil)),
            ("/join rust", .join(room: "#rust", key: nil)),
            ("/join #rust hunter2", .join(room: "#rust", key: "hunter2")),
            ("/join", .usage("Usage: /join #room [key]")),
            ("/join #a b c", .usage("Usage: /join #room [key]")),
            ("/switch #rust", .switchRoom("#rust")),
            ("/switch rust", .switchRoom("#rust")),
            ("/switch", .usage("Usage: /switch #room")),
            ("/part", .part(room: nil, reason: nil)),
            ("/part #rust", .part(room: "#rust", reason: nil)),
            ("/part #rust bye  all", .part(room: "#rust", reason: "bye  all")),
            ("/part bye", .part(room: nil, reason: "bye")),
            ("/rooms", .rooms),
            ("/names", .names(nil)),
            ("/names rust", .names("#rust")),
            ("/who", .who(nil)),
            ("/who alice", .who("alice")),
            ("/who #rust", .who("#rust")),
            ("/whois alice", .whois("alice")),
            ("/whois", .usage("Usage: /whois <nick>")),
            ("/away", .away(nil)),
            ("/away at  lunch ", .away("at  lunch")),
            ("/topic", .topic(nil)),
            ("/topic All about Rust", .topic("All about Rust")),
            ("/history", .history(count: nil)),
            ("/history 50 ", .history(count: "50")),
            ("/HISTORY lots", .history(count: "lots")),
            ("/history 5 6", .usage("Usage: /history [n]")),
            ("/kick carol", .kick(nick: "carol", reason: nil)),
            ("/kick carol be nice", .kick(nick: "carol", reason: "be nice")),
            ("/kick", .usage("Usage: /kick <nick> [reason]")),
            ("/invite carol", .invite(nick: "carol", room: nil)),
            ("/invite carol rust", .invite(nick: "carol", room: "#rust")),
        ])
    func parses(_ line: String, _ command: InputCommand) {
        #expect(InputCommand(parsing: line) == command)
    }
}

@Suite struct ClientOptionsTests {
    @Test func defaults() throws {
        #expect(try ClientOptions.parse([]) == .run(ClientOptions(host: "localhost", port: 33000)))
    }

    @Test func everyOption() throws {
        #expect(
            try ClientOptions.parse(["--host", "chat.example", "--port", "4000", "--nick", "bob", "--raw"])
                == .run(ClientOptions(host: "chat.example", port: 4000, nick: "bob", raw: true)))
        #expect(
            try ClientOptions.parse(["--port=4001", "--nick=amy"]) == .run(ClientOptions(port: 4001, nick: "amy")))
    }

    @Test func help() throws {
        #expect(try ClientOptions.parse(["--help"]) == .help)
        #expect(try ClientOptions.parse(["--port", "1", "-h"]) == .help)
    }

    @Test(
        "usage errors",
        arguments: [
            (["--port"], "Missing value for '--port <port>'"),
            (["--port", "--raw"], "Missing value for '--port <port>'"),
            (["--port", "http"], "The value 'http' is invalid for '--port <port>': use 1 to 65535"),
            (["--port", "70000"], "The value '70000' is invalid for '--port <port>': use 1 to 65535"),
            (
                ["--nick", "9lives"],
                "The value '9lives' is invalid for '--nick <nick>': Erroneous nickname: it must not start with a digit or -"
            ),
            (["--frobnicate"], "Unknown option '--frobnicate'"),
            (["extra"], "Unexpected argument 'extra'"),
            (["--raw=yes"], "'--raw' takes no value"),
            (["--host", ""], "The value for '--host' is empty"),
        ])
    func usageError(_ arguments: [String], _ message: String) {
        #expect(throws: ClientOptions.UsageError(message: message)) { try ClientOptions.parse(arguments) }
    }

    @Test func usageMessageShowsTheUsageLine() {
        let text = ClientOptions.usageMessage(ClientOptions.UsageError(message: "Unknown option '--x'"))
        #expect(
            text == """
                Error: Unknown option '--x'
                Usage: linechat [--host <host>] [--port <port>] [--nick <nick>] [--raw] [--tls [--tls-ca <file> | --insecure]]
                  See 'linechat --help' for more information.

                """)
    }
}

@Suite struct ClientSessionSyncTests {
    @Test func aServerThatIgnoresPingDoesNotStallTheClientForever() {
        var session = registered(interactive: false)
        #expect(sent(session.submit("/msg alice hi")) == ["PRIVMSG alice :hi", "PING :linechat-sync-2"])
        #expect(session.submit("/help") == [])
        #expect(session.isAwaitingSync)
        let actions = session.syncTimedOut()
        #expect(shown(actions) == ["you -> alice: hi"] + ClientSessionTests.helpText)
        #expect(!session.isAwaitingSync)
        #expect(session.syncTimedOut() == [])
        // From now on lines are not followed by a PING, and the echo comes at once.
        #expect(session.submit("hello") == [.send("PRIVMSG #lobby :hello"), .show("bob: hello")])
    }

    @Test func aLineRefusedBeforeTheTimeoutStaysRefused() {
        var session = registered(interactive: false)
        _ = session.submit("/msg nobody hi")
        #expect(shown(session.receive(":linechat 401 bob nobody :No such nick")) == ["No such user: nobody"])
        #expect(shown(session.syncTimedOut()) == [], "no sent line for a refused message")
        #expect(session.failedCommands == 1)
    }
}
