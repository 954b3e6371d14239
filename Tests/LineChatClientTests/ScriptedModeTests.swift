import TestSupport
import Testing

/// The built `linechat` driven through pipes against a real server on an ephemeral port,
/// with a protocol-level test client on the other side.
@Suite("linechat from a script")
struct ScriptedModeTests {
    @Test func broadcastsPrivateMessagesAndListsAndAnotherClientSeesExactlyThat() throws {
        let server = try TestServer.start()
        defer { server.stop() }
        let alice = try server.connect()
        try alice.register("alice")

        let bot = try ScriptedLinechat.run(
            ["--port", "\(server.port)", "--nick", "bot"],
            input: "hello  everyone\n/msg alice psst: a secret\n/list\n")

        try alice.expect(":bot JOIN")
        try alice.expect(":bot BROADCAST :hello  everyone")
        try alice.expect(":bot PRIVMSG alice :psst: a secret")
        try alice.expect(":bot QUIT :Quit")
        try alice.expectSilence()

        #expect(bot.status == 0)
        #expect(bot.stderr.text == "")
        let lines = bot.stdout.lines
        let start = try #require(lines.firstIndex(of: "bot: hello  everyone"), "\(lines)")
        let chat = Array(lines[start...])
        #expect(chat.count == 8, "\(chat)")
        guard chat.count == 8 else { return }
        #expect(chat[0] == "bot: hello  everyone")
        #expect(chat[1] == "you -> alice: psst: a secret")
        #expect(chat[2] == "2 users in the chat room:")
        #expect(chat[3] == "  NICK       CONNECTED  IDLE")
        #expect(chat[4].hasPrefix("  alice      ") && chat[4].contains("s"))
        #expect(chat[5].hasPrefix("  bot (you)  "))
        #expect(chat[6] == "* You have left the chat room")
        #expect(chat[7] == "")
    }

    @Test func showsTheWelcomeAndMOTDPlainly() throws {
        let server = try TestServer.start()
        defer { server.stop() }
        let bot = try ScriptedLinechat.run(["--port", "\(server.port)", "--nick", "bot"], input: "")
        #expect(bot.status == 0)
        let lines = bot.stdout.lines
        #expect(
            lines.first
                == "Welcome to LineChat! Pick a nickname to join the chat room: type NICK <name> and press Enter.")
        #expect(lines.contains("Welcome to the chat room, bot!"))
        #expect(lines.contains("- linechat Message of the day -"))
        #expect(lines.contains("  LIST                     see who is here"))
        #expect(!lines.contains { $0.contains(":linechat") || $0.contains("\u{1B}") }, "\(lines)")
    }

    @Test func rendersWhatOthersSendWhileTheScriptRuns() throws {
        let server = try TestServer.start()
        defer { server.stop() }
        let alice = try server.connect()
        try alice.register("alice")
        let bot = try ScriptedLinechat(["--port", "\(server.port)", "--nick", "bot"])
        try alice.expect(":bot JOIN")

        try alice.send("PRIVMSG bot :hi  bot")
        try alice.send("BROADCAST :hello all")
        try bot.waitForLine("alice -> you: hi  bot")
        try bot.waitForLine("alice: hello all")

        let carol = try server.connect()
        try carol.register("carol")
        try bot.waitForLine("* carol has joined the chat room")
        try carol.send("NICK caroline")
        try bot.waitForLine("* carol is now known as caroline")
        try carol.send("QUIT :off to lunch")
        try bot.waitForLine("* caroline has left the chat room (off to lunch)")

        bot.closeInput()
        try bot.waitForExit()
        #expect(bot.status == 0)
        try alice.expect(":bot QUIT :Quit", skippingOthers: true)
    }

    @Test func rawPrintsProtocolLinesExactlyAsReceived() throws {
        let server = try TestServer.start()
        defer { server.stop() }
        let alice = try server.connect()
        try alice.register("alice")
        let bot = try ScriptedLinechat(["--port", "\(server.port)", "--nick", "bot", "--raw"])
        try alice.expect(":bot JOIN")
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
        #expect(lines.contains("ERROR :Closing link: bot (Quit)"))
        #expect(!lines.contains { $0.hasPrefix("you -> ") }, "no local echo in raw mode")
    }

    @Test func withoutANickTheFirstLineIsTheNickAndARefusalTakesTheNext() throws {
        let server = try TestServer.start()
        defer { server.stop() }
        let alice = try server.connect()
        try alice.register("alice")
        let run = try ScriptedLinechat.run(["--port", "\(server.port)"], input: "alice\nbob\nhi from bob\n")
        try alice.expect(":bob JOIN")
        try alice.expect(":bob BROADCAST :hi from bob")
        #expect(run.status == 0)
        #expect(run.stdout.lines.contains("Nickname already in use: alice"))
        #expect(run.stdout.lines.contains("bob: hi from bob"))
    }

    @Test func aNickInUseFailsAScript() throws {
        let server = try TestServer.start()
        defer { server.stop() }
        let alice = try server.connect()
        try alice.register("alice")
        let run = try ScriptedLinechat.run(["--port", "\(server.port)", "--nick", "ALICE"], input: "hello\n")
        #expect(run.status == 1)
        #expect(run.stdout.lines.contains("Nickname already in use: ALICE"))
        #expect(run.stdout.lines.contains("linechat: the server refused the nickname ALICE"))
        try alice.expectSilence()
    }

    @Test func errorsAreShownInWords() throws {
        let server = try TestServer.start()
        defer { server.stop() }
        let run = try ScriptedLinechat.run(
            ["--port", "\(server.port)", "--nick", "bot"],
            input: "/msg nobody hi\n/nick 9lives\n/raw FROB\n/raw PING\n/msg\n")
        #expect(run.status == 0)
        let lines = run.stdout.lines
        let start = try #require(lines.firstIndex(of: "you -> nobody: hi"), "\(lines)")
        #expect(
            Array(lines[start...]) == [
                "you -> nobody: hi",
                "No such user: nobody",
                "Invalid nickname 9lives: it must not start with a digit or -",
                "Unknown command: FROB",
                "Not enough parameters for PING",
                "Usage: /msg <nick> <message>",
                "* You have left the chat room",
                "",
            ])
    }

    @Test func theServerShuttingDownEndsTheClientWithFailure() throws {
        let server = try TestServer.start()
        let bot = try ScriptedLinechat(["--port", "\(server.port)", "--nick", "bot"])
        try bot.waitForLine("Welcome to the chat room, bot!")
        let watcher = try server.connect()
        try watcher.register("watcher")
        try bot.waitForLine("* watcher has joined the chat room")
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
