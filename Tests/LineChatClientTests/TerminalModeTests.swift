import LineChatClient
import Platform
import TestSupport
import Testing

/// The built `linechat` on a pseudo-terminal against a real server: what a person sees.
@Suite("linechat at a terminal")
struct TerminalModeTests {
    @Test func aMessageArrivingWhileTypingIsPrintedAboveAndTheInputIsRedrawnIntact() throws {
        let server = try TestServer.start()
        defer { server.stop() }
        let alice = try server.connect()
        try alice.registerInLobby("alice")
        let bob = try TerminalLinechat(["--port", "\(server.port)", "--nick", "bob"])
        try alice.expect(":bob JOIN #lobby")
        try bob.waitForScreen("the prompt") { $0.cursorLine == "bob@#lobby> " && $0.column == 12 }
        #expect(try Terminal.modes(of: bob.terminal.primary).canonical == false, "raw mode while running")

        try bob.type("half a li")
        try bob.waitForScreen("the half-typed line") { $0.cursorLine == "bob@#lobby> half a li" }

        try alice.send("BROADCAST :hello from alice")
        try bob.waitForScreen("the broadcast above the intact input") { screen in
            let lines = screen.lines
            return screen.row > 0 && lines[screen.row - 1] == "alice: hello from alice"
                && screen.cursorLine == "bob@#lobby> half a li" && screen.column == 21
        }
        #expect(bob.screen.lines.filter { $0.contains("half a li") }.count == 1, "no stale copy of the input")

        try bob.type("ne\r")
        try alice.expect(":bob PRIVMSG #lobby :half a line", skippingOthers: true)
        try bob.waitForScreen("bob's own message") { $0.lines.contains("bob: half a line") }

        try bob.type("\u{4}")  // Ctrl-D on the empty line
        try alice.expect(":bob QUIT :Quit")
        try bob.waitForExit()
        #expect(bob.status == 0)
        let modes = try Terminal.modes(of: bob.terminal.primary)
        #expect(modes.canonical && modes.echo && modes.signals, "terminal restored")
        #expect(bob.screen.unknownSequences == [])
        // Nicks are coloured at a terminal.
        let alicePainted = "\u{1B}[\(NickColour.code(for: "alice"))malice\u{1B}[0m"
        #expect(String(decoding: bob.output, as: UTF8.self).contains(alicePainted))
    }

    @Test func editingKeysWorkAtTheTerminal() throws {
        let server = try TestServer.start()
        defer { server.stop() }
        let alice = try server.connect()
        try alice.registerInLobby("alice")
        let bob = try TerminalLinechat(["--port", "\(server.port)", "--nick", "bob"])
        try alice.expect(":bob JOIN #lobby")
        try bob.waitForScreen("the prompt") { $0.cursorLine == "bob@#lobby> " }
        // "wrld", left x3, "o" -> "world"; Home, "hello " -> "hello world"; "é" is one step.
        try bob.type("wrld\u{1B}[D\u{1B}[D\u{1B}[Do\u{1}hello \u{5} café\u{1B}[D\u{1B}[D\u{7F}")
        try bob.waitForScreen("the edited line") { $0.cursorLine == "bob@#lobby> hello world cfé" }
        try bob.type("\r")
        try alice.expect(":bob PRIVMSG #lobby :hello world cfé", skippingOthers: true)
        try bob.type("\u{1B}[A")  // Up: the line comes back from history
        try bob.waitForScreen("the recalled line") { $0.cursorLine == "bob@#lobby> hello world cfé" }
        try bob.type("\u{15}gone\u{17}bye\r")  // Ctrl-U, then Ctrl-W removes "gone"
        try alice.expect(":bob PRIVMSG #lobby :bye", skippingOthers: true)
        try bob.type("\u{3}")  // Ctrl-C quits
        try bob.waitForExit()
        #expect(bob.status == 0)
    }

    @Test func withoutANickItAsksAndAsksAgainWithTheReason() throws {
        let server = try TestServer.start()
        defer { server.stop() }
        let alice = try server.connect()
        try alice.registerInLobby("alice")
        let newcomer = try TerminalLinechat(["--port", "\(server.port)"])
        try newcomer.waitForScreen("the nick prompt") { $0.cursorLine == "Nickname: " }
        try newcomer.type("alice\r")
        try newcomer.waitForScreen("the refusal and a new question") { screen in
            screen.lines.contains("Nickname already in use: alice") && screen.cursorLine == "Choose another nickname: "
        }
        try newcomer.type("bob\r")
        try alice.expect(":bob JOIN #lobby")
        try newcomer.waitForScreen("the chat prompt") { $0.cursorLine == "bob@#lobby> " }
        try newcomer.type("/quit bye now\r")
        try alice.expect(":bob QUIT :Quit: bye now")
        try newcomer.waitForExit()
        #expect(newcomer.status == 0)
        #expect(newcomer.screen.lines.contains("You have left the chat"))
    }

    @Test func aListIsAnAlignedTableAndGuidedPrivateAsksWhomAndWhat() throws {
        let server = try TestServer.start()
        defer { server.stop() }
        let alice = try server.connect()
        try alice.registerInLobby("alice")
        let bob = try TerminalLinechat(["--port", "\(server.port)", "--nick", "bob"])
        try alice.expect(":bob JOIN #lobby")
        try bob.waitForScreen("the prompt") { $0.cursorLine == "bob@#lobby> " }
        try bob.type("/list\r")
        try bob.waitForScreen("the table") { screen in
            screen.lines.contains("  NICK       CONNECTED  IDLE")
                && screen.lines.contains { $0.hasPrefix("  bob (you)  ") }
        }
        try bob.type("<private>\r")
        try bob.waitForScreen("whom") { $0.cursorLine == "Who do you want to send message to? " }
        try bob.type("alice\r")
        try bob.waitForScreen("what") { $0.cursorLine == "Message to alice: " }
        try bob.type("psst\r")
        try alice.expect(":bob PRIVMSG alice :psst")
        try bob.waitForScreen("the echo") { $0.lines.contains("you -> alice: psst") && $0.cursorLine == "bob@#lobby> " }
        try bob.type("\u{3}")
        try bob.waitForExit()
    }

    @Test func thePromptShowsTheCurrentRoomAndOtherRoomsAreNamed() throws {
        let server = try TestServer.start()
        defer { server.stop() }
        let alice = try server.connect()
        try alice.registerInLobby("alice")
        let bob = try TerminalLinechat(["--port", "\(server.port)", "--nick", "bob"])
        try alice.expect(":bob JOIN #lobby")
        try bob.waitForScreen("the prompt") { $0.cursorLine == "bob@#lobby> " }
        try bob.type("/join rust\r")
        try bob.waitForScreen("the new room in the prompt") {
            $0.cursorLine == "bob@#rust> " && $0.lines.contains("You joined #rust")
        }
        try alice.send("PRIVMSG #lobby :\u{1}ACTION waves\u{1}")
        try bob.waitForScreen("the lobby's line with its name") { $0.lines.contains("[#lobby] * alice waves") }
        try bob.type("/switch #lobby\r")
        try bob.waitForScreen("back in the lobby") {
            $0.cursorLine == "bob@#lobby> " && $0.lines.contains("Now talking in #lobby")
        }
        try bob.type("/msg nobody hi\r")
        try bob.waitForScreen("the error") { $0.lines.contains("No such user: nobody") }
        #expect(!bob.screen.lines.contains { $0.contains("you -> nobody") })
        try bob.type("\u{3}")
        try bob.waitForExit()
        #expect(bob.screen.unknownSequences == [])
    }

    @Test func terminationBySignalRestoresTheTerminalAndSaysGoodbye() throws {
        let server = try TestServer.start()
        defer { server.stop() }
        let alice = try server.connect()
        try alice.registerInLobby("alice")
        let bob = try TerminalLinechat(["--port", "\(server.port)", "--nick", "bob"])
        try alice.expect(":bob JOIN #lobby")
        try bob.waitForScreen("the prompt") { $0.cursorLine == "bob@#lobby> " }
        try bob.type("unsent")
        try bob.waitForScreen("typing") { $0.cursorLine == "bob@#lobby> unsent" }
        bob.process.terminate()  // SIGTERM
        try alice.expect(":bob QUIT :Quit")
        try bob.waitForExit()
        #expect(bob.status == 128 + Signal.terminate)
        let modes = try Terminal.modes(of: bob.terminal.primary)
        #expect(modes.canonical && modes.echo)
    }

    // A sanitizer's own signal handler turns the deliberate crash into an ordinary exit.
    @Test(.enabled(if: !Sanitizers.active, "the crash is handled by the sanitizer's runtime"))
    func aCrashRestoresTheTerminal() throws {
        let server = try TestServer.start()
        defer { server.stop() }
        let bob = try TerminalLinechat(
            ["--port", "\(server.port)", "--nick", "bob"], environment: ["SWIFT_BACKTRACE": "enable=no"])
        try bob.waitForScreen("the prompt") { $0.cursorLine == "bob@#lobby> " }
        #expect(try Terminal.modes(of: bob.terminal.primary).canonical == false)
        Posix.sendSignal(Signal.segmentationFault, to: bob.process.processIdentifier)
        try bob.waitForExit()
        #expect(bob.process.terminationReason == .uncaughtSignal)
        let modes = try Terminal.modes(of: bob.terminal.primary)
        #expect(modes.canonical && modes.echo && modes.signals)
    }
}
