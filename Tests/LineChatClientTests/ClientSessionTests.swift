import LineChatClient
import Testing

/// The lines the server sends when `nick` registers.
private func welcome(_ nick: String) -> [String] {
    [
        ":linechat 001 \(nick) :Welcome to the chat room, \(nick)!",
        ":linechat 004 \(nick) linechat LineChat-0.1.0",
        ":linechat 376 \(nick) :End of /MOTD command.",
    ]
}

private func sent(_ actions: [ClientAction]) -> [String] {
    actions.compactMap { if case .send(let line) = $0 { line } else { nil } }
}

private func shown(_ actions: [ClientAction]) -> [String] {
    actions.compactMap { if case .show(let line) = $0 { line } else { nil } }
}

/// A session for `nick` that has registered.
private func registered(_ nick: String = "bob", raw: Bool = false, interactive: Bool = true) -> ClientSession {
    var session = ClientSession(.init(nick: nick, raw: raw, interactive: interactive))
    _ = session.start()
    for line in welcome(nick) { _ = session.receive(line) }
    return session
}

@Suite struct ClientSessionTests {
    /// What `/help` shows, as the user reads it (written out here, not taken from the code).
    static let helpText = [
        "Type a message and press Enter to send it to everyone. Commands:",
        "  /msg <nick> <message>   send a private message",
        "  /list                   list the users in the chat room",
        "  /nick <new nick>        change your nickname",
        "  /clear                  clear the screen",
        "  /raw <protocol line>    send a line of the protocol as it is",
        "  /help                   show this help",
        "  /quit [<reason>]        leave the chat room",
        "  //text                  send text that starts with /",
        "Guided: <private> <announce> <list> <help> <quit> <clear> ask for what they need.",
        "Keys: Left/Right, Ctrl-A/Ctrl-E, Ctrl-U/Ctrl-K/Ctrl-W delete, Up/Down history,",
        "      Ctrl-L clears the screen, Ctrl-C or Ctrl-D (on an empty line) quits.",
    ]

    @Test func withANickItRegistersAtOnce() {
        var session = ClientSession(.init(nick: "bob"))
        #expect(session.start() == [.send("NICK bob")])
        #expect(session.phase == .registering)
        let actions = session.receive(":linechat 001 bob :Welcome to the chat room, bob!")
        #expect(shown(actions) == ["Welcome to the chat room, bob!"])
        #expect(session.phase == .chatting)
        #expect(session.nick == "bob")
        #expect(session.prompt == "bob> ")
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
        #expect(sent(actions) == ["BROADCAST :hello", "QUIT"])
    }

    @Test func linesTypedWhileRegisteringAreSentAfterTheWelcome() {
        var session = ClientSession(.init(nick: "bob"))
        _ = session.start()
        #expect(session.submit("hello") == [])
        #expect(session.submit("/list") == [])
        var actions: [ClientAction] = []
        for line in welcome("bob") {
            #expect(sent(actions) == [], "waits for the end of the welcome burst")
            actions = session.receive(line)
        }
        #expect(sent(actions) == ["BROADCAST :hello", "LIST"])
    }

    @Test func theEndOfAScriptQuitsAfterRegistering() {
        var session = ClientSession(.init(nick: "bob"))
        _ = session.start()
        _ = session.submit("hello")
        #expect(session.endOfInput() == [])
        let actions = welcome("bob").flatMap { session.receive($0) }
        #expect(sent(actions) == ["BROADCAST :hello", "QUIT"])
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
        _ = session.submit("hi")
        _ = session.receive(":linechat 001 bob :Welcome to the chat room, bob!")
        #expect(sent(session.receive(":alice JOIN")) == ["BROADCAST :hi"])
    }

    @Test func aScriptsLocalOutputWaitsForRepliesToEarlierLines() {
        var session = registered(interactive: false)
        #expect(session.submit("/list") == [.send("LIST")])
        // /help prints locally: first a PING, and the line waits for its PONG.
        #expect(session.submit("/help") == [.send("PING :linechat-sync-1")])
        #expect(session.submit("hello") == [])
        #expect(session.endOfInput() == [])
        #expect(shown(session.receive(":linechat 322 bob bob :connected 1s, idle 1s")) == [])
        #expect(shown(session.receive(":linechat 323 bob :End of LIST")).count == 3)
        let actions = session.receive(":linechat PONG linechat :linechat-sync-1")
        #expect(shown(actions) == ClientSessionTests.helpText, "the sync PONG itself is not shown")
        #expect(sent(actions) == ["BROADCAST :hello", "QUIT"])
    }

    @Test func aScriptsPrivateMessageEchoWaitsToo() {
        var session = registered(interactive: false)
        #expect(session.submit("/msg alice one") == [.send("PRIVMSG alice :one"), .show("you -> alice: one")])
        #expect(session.submit("/msg carol two") == [.send("PING :linechat-sync-1")])
        #expect(shown(session.receive(":linechat 401 bob alice :No such nick")) == ["No such user: alice"])
        #expect(
            session.receive(":linechat PONG linechat :linechat-sync-1") == [
                .send("PRIVMSG carol :two"), .show("you -> carol: two"),
            ])
    }

    @Test func anUnrelatedPongIsShown() {
        var session = registered(interactive: false)
        _ = session.submit("/raw PING :mine")
        #expect(shown(session.receive(":linechat PONG linechat :mine")) == ["PONG from linechat: mine"])
    }

    @Test func atATerminalNothingWaitsForSync() {
        var session = registered(interactive: true)
        _ = session.submit("/list")
        #expect(shown(session.submit("/help")) == ClientSessionTests.helpText)
    }

    @Test func plainTextIsABroadcast() {
        var session = registered()
        #expect(session.submit("hello  all") == [.send("BROADCAST :hello  all")])
    }

    @Test func msgSendsAPrivateMessageAndShowsIt() {
        var session = registered()
        #expect(
            session.submit("/msg alice hi  there") == [
                .send("PRIVMSG alice :hi  there"), .show("you -> alice: hi  there"),
            ])
    }

    @Test func rawModeDoesNotEchoPrivateMessages() {
        var session = registered(raw: true)
        #expect(session.submit("/msg alice hi") == [.send("PRIVMSG alice :hi")])
    }

    @Test func slashCommands() {
        var session = registered()
        #expect(session.submit("/list") == [.send("LIST")])
        #expect(session.submit("/nick robert") == [.send("NICK robert")])
        #expect(session.submit("/clear") == [.clearScreen])
        #expect(session.submit("/raw PING :x") == [.send("PING :x")])
        #expect(session.submit("//slash") == [.send("BROADCAST :/slash")])
        #expect(shown(session.submit("/help")) == ClientSessionTests.helpText)
        #expect(session.submit("/frobnicate") == [.show("Unknown command: /frobnicate (/help lists the commands)")])
        #expect(session.submit("/msg alice") == [.show("Usage: /msg <nick> <message>")])
        #expect(session.submit("   ") == [])
    }

    @Test func quitWithAReason() {
        var session = registered()
        #expect(session.submit("/quit see you") == [.send("QUIT :see you")])
        #expect(session.isQuitting)
        #expect(session.prompt == "")
        #expect(session.submit("ignored") == [])
        #expect(shown(session.receive("ERROR :Closing link: bob (Quit: see you)")) == ["* You have left the chat room"])
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
        #expect(sent(session.submit("psst  hi")) == ["PRIVMSG alice :psst  hi"])
        #expect(session.prompt == "bob> ")
    }

    @Test func guidedAnnounceAsksWhat() {
        var session = registered()
        _ = session.submit("<announce>")
        #expect(session.prompt == "What do you want to announce? ")
        #expect(session.submit("hear ye") == [.send("BROADCAST :hear ye")])
    }

    @Test func anEmptyAnswerCancelsAGuidedCommand() {
        var session = registered()
        _ = session.submit("<private>")
        #expect(session.submit("") == [.show("Cancelled.")])
        #expect(session.prompt == "bob> ")
    }

    @Test func theOtherGuidedCommands() {
        var session = registered()
        #expect(session.submit("<list>") == [.send("LIST")])
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
        #expect(shown(session.receive(":bob NICK robert")) == ["* You are now known as robert"])
        #expect(session.nick == "robert")
        #expect(session.prompt == "robert> ")
        #expect(shown(session.receive(":alice PRIVMSG robert :hi")) == ["alice -> you: hi"])
    }

    @Test func rawModeShowsLinesExactly() {
        var session = registered(raw: true)
        #expect(session.receive(":alice BROADCAST :hi") == [.show(":alice BROADCAST :hi")])
        #expect(
            session.receive(":linechat 322 bob alice :connected 1s, idle 1s") == [
                .show(":linechat 322 bob alice :connected 1s, idle 1s")
            ])
    }

    @Test func hintsOnlyForAPersonAtATerminal() {
        var script = ClientSession(.init(nick: "bob"))
        _ = script.start()
        var terminal = ClientSession(.init(nick: "bob", interactive: true))
        _ = terminal.start()
        #expect(shown(welcome("bob").flatMap { script.receive($0) }).count == 1)
        #expect(shown(welcome("bob").flatMap { terminal.receive($0) }).count == 2)
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
            ("hello", InputCommand.broadcast("hello")),
            ("  hello  ", .broadcast("  hello  ")),
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
            ("//etc/passwd", .broadcast("/etc/passwd")),
            ("/nope", .unknown("nope")),
            ("<private>", .guidedPrivate),
            (" <announce> ", .guidedAnnounce),
            ("<list>", .list),
            ("<help>", .help),
            ("<quit>", .quit(reason: nil)),
            ("<clear>", .clear),
            ("<private> hi", .broadcast("<private> hi")),
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
                Usage: linechat [--host <host>] [--port <port>] [--nick <nick>] [--raw]
                  See 'linechat --help' for more information.

                """)
    }
}

@Suite struct ClientSessionSyncTests {
    @Test func aServerThatIgnoresPingDoesNotStallAScriptForever() {
        var session = ClientSession(.init(nick: "bob"))
        _ = session.start()
        for line in welcome("bob") { _ = session.receive(line) }
        _ = session.submit("/list")
        #expect(session.submit("/help") == [.send("PING :linechat-sync-1")])
        #expect(session.isAwaitingSync)
        #expect(shown(session.syncTimedOut()) == ClientSessionTests.helpText)
        #expect(!session.isAwaitingSync)
        #expect(session.syncTimedOut() == [])
    }
}
