import TestSupport
import Testing

/// The built `linechat` driven through pipes against a real server on an ephemeral port,
/// with a protocol-level test client on the other side.
extension TestClient {
    /// Registers `nick` and reads through the auto-join to #lobby (its member list's end).
    func registerInLobby(_ nick: String) throws {
        try register(nick)  // reads through #lobby's 366
    }
}

/// The lines from the first one equal to `first` on (empty when there is none).
private func from(_ first: String, in lines: [String]) -> [String] {
    guard let start = lines.firstIndex(of: first) else { return [] }
    return Array(lines[start...])
}

@Suite("linechat from a script")
struct ScriptedModeTests {
    @Test func messagesPrivateMessagesAndListsAndAnotherClientSeesExactlyThat() throws {
        let server = try TestServer.start()
        defer { server.stop() }
        let alice = try server.connect()
        try alice.registerInLobby("alice")

        let bot = try ScriptedLinechat.run(
            ["--port", "\(server.port)", "--nick", "bot"],
            input: "hello  everyone\n/msg alice psst: a secret\n/list\n")

        try alice.expect(":bot JOIN #lobby")
        try alice.expect(":bot PRIVMSG #lobby :hello  everyone")
        try alice.expect(":bot PRIVMSG alice :psst: a secret")
        try alice.expect(":bot QUIT :Quit")
        try alice.expectSilence()

        #expect(bot.status == 0)
        #expect(bot.stderr.text == "")
        let chat = from("bot: hello  everyone", in: bot.stdout.lines)
        #expect(chat.count == 8, "\(bot.stdout.lines)")
        guard chat.count == 8 else { return }
        #expect(chat[1] == "you -> alice: psst: a secret")
        #expect(chat[2] == "2 users in the chat room:")
        #expect(chat[3] == "  NICK       CONNECTED  IDLE")
        #expect(chat[4].hasPrefix("  alice      ") && chat[4].contains("s"))
        #expect(chat[5].hasPrefix("  bot (you)  "))
        #expect(chat[6] == "You have left the chat")
        #expect(chat[7] == "")
    }

    @Test func theStartUpTextTeachesTheClientsCommandsNotTheProtocols() throws {
        let server = try TestServer.start()
        defer { server.stop() }
        let alice = try server.connect()
        try alice.registerInLobby("alice")
        let bot = try ScriptedLinechat.run(["--port", "\(server.port)", "--nick", "bot"], input: "")
        #expect(bot.status == 0)
        let lines = bot.stdout.lines
        #expect(
            lines.first
                == "Welcome to LineChat! Pick a nickname to join the chat room: type NICK <name> and press Enter.")
        let start = from("Welcome to the chat room, bot!", in: lines)
        #expect(start.count > 3, "\(lines)")
        guard start.count > 3 else { return }
        #expect(start[1].hasPrefix("Your host is linechat"))
        #expect(start[2].hasPrefix("This server was created"))
        #expect(
            Array(start[3...]) == [
                "Type a message and press Enter to talk in the room shown in the prompt.",
                "Commands: /join #room  /switch #room  /part  /rooms  /names  /who  /whois <nick>",
                "  /msg <nick> <text>  /me <action>  /topic [text]  /away [text]  /kick <nick>",
                "  /history [n]  /nick <new>  /quit   (/help explains each)",
                "You joined #lobby",
                "Topic of #lobby: Welcome to LineChat! BROADCAST <text> talks here; HELP lists every command.",
                "Members of #lobby (2): alice bot",
                "You have left the chat",
                "",
            ])
        #expect(!lines.contains { $0.contains("BROADCAST <text>  ") || $0.contains("PRIVMSG <nick>") }, "\(lines)")
        #expect(!lines.contains { $0.contains(":linechat") || $0.contains("\u{1B}") }, "\(lines)")
    }

    @Test func roomsFromAScriptAndARefusedLineFailsIt() throws {
        let server = try TestServer.start()
        defer { server.stop() }
        let alice = try server.connect()
        try alice.registerInLobby("alice")
        try alice.send("JOIN #rust")
        try alice.expect(":linechat 366 alice #rust :End of /NAMES list", skippingOthers: true)

        let bot = try ScriptedLinechat.run(
            ["--port", "\(server.port)", "--nick", "bot"],
            input: "/join rust\nin  rust\n/me waves\n/topic Rust talk\n/names\n/part bye\nback in the lobby\n")

        try alice.expect(":bot JOIN #lobby")
        try alice.expect(":bot JOIN #rust")
        try alice.expect(":bot PRIVMSG #rust :in  rust")
        try alice.expect(":bot PRIVMSG #rust :\u{1}ACTION waves\u{1}")
        try alice.expect(":bot PART #rust :bye")
        try alice.expect(":bot PRIVMSG #lobby :back in the lobby")
        try alice.expect(":bot QUIT :Quit")

        #expect(bot.status == 1, "the TOPIC was refused (+t, bot is no operator)")
        #expect(
            from("You joined #rust", in: bot.stdout.lines) == [
                "You joined #rust",
                "Members of #rust (2): @alice bot",
                "bot: in  rust",
                "* bot waves",
                "You are not an operator of #rust",
                "Members of #rust (2): @alice bot",
                "You left #rust (bye)",
                "Now talking in #lobby",
                "bot: back in the lobby",
                "You have left the chat",
                "",
            ])
    }

    @Test func rendersWhatOthersSendWhileTheScriptRuns() throws {
        let server = try TestServer.start()
        defer { server.stop() }
        let alice = try server.connect()
        try alice.registerInLobby("alice")
        let bot = try ScriptedLinechat(["--port", "\(server.port)", "--nick", "bot"])
        try alice.expect(":bot JOIN #lobby")

        try alice.send("PRIVMSG bot :hi  bot")
        try alice.send("BROADCAST :hello all")
        try alice.send("PRIVMSG #lobby :\u{1}ACTION waves\u{1}")
        try alice.send("PRIVMSG #lobby :\u{2}bold\u{2} and \u{3}4red\u{3}")
        try bot.waitForLine("alice -> you: hi  bot")
        try bot.waitForLine("alice: hello all")
        try bot.waitForLine("* alice waves")
        try bot.waitForLine("alice: bold and red")

        // An IRC client: its lines carry nick!user@host sources; the client shows the nick.
        let dave = try server.connect()
        try dave.send("NICK dave")
        try dave.send("USER dave 0 * :Dave")
        try dave.expect(":linechat 366 dave #lobby :End of /NAMES list", skippingOthers: true)
        try bot.waitForLine("dave joined #lobby")
        try dave.send("PRIVMSG #lobby :hi from irssi")
        try bot.waitForLine("dave: hi from irssi")
        try dave.send("TOPIC #lobby :new topic")
        try dave.expect(where: { $0.contains(" 482 dave #lobby ") })
        // The default room belongs to no one: nobody may set its topic (it is +t).
        try alice.send("TOPIC #lobby :Chat here")
        try alice.expect(where: { $0.contains(" 482 alice #lobby ") })

        let carol = try server.connect()
        try carol.registerInLobby("carol")
        try bot.waitForLine("carol joined #lobby")
        try carol.send("NICK caroline")
        try bot.waitForLine("carol is now known as caroline")
        try carol.send("QUIT :off to lunch")
        try bot.waitForLine("caroline left the chat (off to lunch)")

        bot.closeInput()
        try bot.waitForExit()
        #expect(bot.status == 0)
        #expect(!bot.stdout.text.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" }, "no control bytes")
        try alice.expect(":bot QUIT :Quit", skippingOthers: true)
    }

    @Test func withNoDefaultRoomPlainTextSaysToJoinOneAndFails() throws {
        let server = try TestServer.start { $0.defaultRoom = nil }
        defer { server.stop() }
        let run = try ScriptedLinechat.run(
            ["--port", "\(server.port)", "--nick", "bot"], input: "hello?\n/join #rust\nhello!\n")
        #expect(run.status == 1)
        #expect(
            from("You are not in a room: /join #room first (or /msg <nick> <text>)", in: run.stdout.lines) == [
                "You are not in a room: /join #room first (or /msg <nick> <text>)",
                "You joined #rust",
                "Members of #rust (1): @bot",
                "bot: hello!",
                "You have left the chat",
                "",
            ])
    }

    @Test func rawPrintsProtocolLinesExactlyAsReceived() throws {
        let server = try TestServer.start()
        defer { server.stop() }
        let alice = try server.connect()
        try alice.registerInLobby("alice")
        let bot = try ScriptedLinechat(["--port", "\(server.port)", "--nick", "bot", "--raw"])
        try alice.expect(":bot JOIN #lobby")
        try alice.send("PRIVMSG bot :hi  there")
        try bot.waitForLine(":alice PRIVMSG bot :hi  there")
        bot.type("/msg alice back\n")
        try alice.expect(":bot PRIVMSG alice :back")
        bot.closeInput()
        try bot.waitForExit()
        #expect(bot.status == 0)
        let lines = bot.stdout.lines
        #expect(lines.first?.hasPrefix(":linechat NOTICE * :") == true)
        #expect(lines.contains(":linechat 001 bot :Welcome to the chat room, bot!"))
        #expect(lines.contains { $0.hasPrefix(":linechat 005 bot ") })
        #expect(lines.contains(":bot JOIN #lobby"))
        #expect(lines.contains("ERROR :Closing link: bot (Quit)"))
        #expect(!lines.contains { $0.hasPrefix("you -> ") }, "no local echo in raw mode")
        #expect(!lines.contains { $0.contains("linechat-sync-") }, "the client's own PONGs are its business")
    }

    @Test func withoutANickTheFirstLineIsTheNickAndARefusalTakesTheNext() throws {
        let server = try TestServer.start()
        defer { server.stop() }
        let alice = try server.connect()
        try alice.registerInLobby("alice")
        let run = try ScriptedLinechat.run(["--port", "\(server.port)"], input: "alice\nbob\nhi from bob\n")
        try alice.expect(":bob JOIN #lobby")
        try alice.expect(":bob PRIVMSG #lobby :hi from bob")
        #expect(run.status == 0)
        #expect(run.stdout.lines.contains("Nickname already in use: alice"))
        #expect(run.stdout.lines.contains("bob: hi from bob"))
    }

    @Test func aNickInUseFailsAScript() throws {
        let server = try TestServer.start()
        defer { server.stop() }
        let alice = try server.connect()
        try alice.registerInLobby("alice")
        let run = try ScriptedLinechat.run(["--port", "\(server.port)", "--nick", "ALICE"], input: "hello\n")
        #expect(run.status == 1)
        #expect(run.stdout.lines.contains("Nickname already in use: ALICE"))
        #expect(run.stdout.lines.contains("linechat: the server refused the nickname ALICE"))
        try alice.expectSilence()
    }

    @Test func errorsAreShownInWordsWithNoSentLineAndFailTheScript() throws {
        let server = try TestServer.start()
        defer { server.stop() }
        let run = try ScriptedLinechat.run(
            ["--port", "\(server.port)", "--nick", "bot"],
            input: "/msg nobody hi\n/nick 9lives\n/raw FROB\n/raw PING\n/msg\n/join #a b c\n/kick nobody\n")
        #expect(run.status == 1)
        let lines = run.stdout.lines
        #expect(!lines.contains { $0.contains("you -> nobody") }, "\(lines)")
        #expect(
            from("No such user: nobody", in: lines) == [
                "No such user: nobody",
                "Invalid nickname 9lives: it must not start with a digit or -",
                "Unknown command: FROB",
                "Not enough parameters for PING",
                "Usage: /msg <nick> <message>",
                "Usage: /join #room [key]",
                "You are not an operator of #lobby",  // the default room belongs to no one
                "You have left the chat",
                "",
            ])
    }

    @Test func theServerShuttingDownEndsTheClientWithFailure() throws {
        let server = try TestServer.start()
        let bot = try ScriptedLinechat(["--port", "\(server.port)", "--nick", "bot"])
        try bot.waitForLine("Welcome to the chat room, bot!")
        let watcher = try server.connect()
        try watcher.register("watcher")
        try bot.waitForLine("watcher joined #lobby")
        server.stop()
        try bot.waitForExit()
        #expect(bot.status == 1)
        #expect(bot.stdout.lines.contains("Disconnected: Server shutting down"))
    }

    @Test func aRefusedConnectionSaysWhyAndExits1() throws {
        // Port 1 (tcpmux) has no listener on any machine this runs on.
        let port = 1
        let run = try ScriptedLinechat.run(["--host", "localhost", "--port", "\(port)"], input: "")
        #expect(run.status == 1)
        #expect(run.stderr.text == "linechat: could not connect to localhost:\(port): connection refused\n")
        #expect(run.stdout.text == "")
    }

    @Test func aUsageErrorExits64() throws {
        let run = try ScriptedLinechat.run(["--port", "lots"], input: "")
        #expect(run.status == 64)
        #expect(run.stderr.text.hasPrefix("Error: The value 'lots' is invalid for '--port <port>'"))
        #expect(run.stderr.text.contains("Usage: linechat [--host <host>] [--port <port>] [--nick <nick>] [--raw]"))
    }

    @Test func helpExits0() throws {
        let run = try ScriptedLinechat.run(["--help"], input: "")
        #expect(run.status == 0)
        #expect(run.stdout.text.contains("USAGE: linechat"))
        #expect(run.stdout.text.contains("--nick <nick>"))
    }
}
