import Platform
import TestSupport
import Testing

/// The built `linechat-server` on a pseudo-terminal: what an operator sees.
@Suite("operator console at a terminal")
struct TerminalConsoleTests {
    @Test func logLinesArePrintedAboveThePromptAndTheHalfTypedCommandIsRedrawn() throws {
        let server = try TerminalServer()
        try server.waitForScreen("the prompt") { $0.cursorLine == ">> " && $0.column == 3 }
        #expect(try Terminal.modes(of: server.terminal.primary).canonical == false, "raw mode while running")

        try server.type("hel")
        try server.waitForScreen("the half-typed command") { $0.cursorLine == ">> hel" }
        let alice = try server.connect()
        try alice.register("alice")
        try server.waitForScreen("the log lines above the intact prompt") { screen in
            screen.row > 0 && screen.lines[screen.row - 1].contains("registered 127.0.0.1:")
                && screen.lines[screen.row - 1].hasSuffix(" alice") && screen.cursorLine == ">> hel"
                && screen.column == 6
        }
        #expect(server.screen.lines.filter { $0.contains(">> hel") }.count == 1, "no stale copy of the prompt")

        try server.type("p\r")
        try server.waitForScreen("the help") { screen in
            screen.lines.contains(">> help") && screen.lines.contains("Server commands:")
                && screen.cursorLine == ">> "
        }

        try server.type("announce\r")
        try server.waitForScreen("the question") { $0.lines.contains("What would you like to announce?") }
        try server.type("Hello from the operator\r")
        try alice.expect(":linechat NOTICE * :Hello from the operator", skippingOthers: true)
        try server.waitForScreen("the confirmation") { $0.lines.contains("Announced to 1 user as a server notice.") }

        try server.type("LIST\r")
        try server.waitForScreen("the list") { screen in
            screen.lines.contains { $0.hasPrefix("alice  127.0.0.1:\(alice.connection.localPort) ") }
        }

        try server.type("quit\r")
        try alice.expect("ERROR :Server shutting down")
        alice.close()
        #expect(try server.waitForExit() == 0)
        let modes = try Terminal.modes(of: server.terminal.primary)
        #expect(modes.canonical && modes.echo && modes.signals, "terminal restored")
        #expect(server.screen.unknownSequences == [])
        #expect(server.screen.lines.contains { $0.contains("the operator typed quit; shutting down") })
    }

    @Test func ctrlDClosesTheConsoleAndTheServerKeepsServing() throws {
        let server = try TerminalServer()
        try server.waitForScreen("the prompt") { $0.cursorLine == ">> " }
        try server.type("\u{4}")
        try server.waitForScreen("the console closing") {
            $0.lines.contains("Console closed; the server keeps running. Stop it with Ctrl-C or SIGTERM.")
        }
        // Logged after the terminal is restored.
        try server.waitForScreen("the log line") { screen in
            screen.lines.contains {
                $0.hasSuffix("operator console input ended; the server keeps running until SIGINT or SIGTERM")
            }
        }
        let modes = try Terminal.modes(of: server.terminal.primary)
        #expect(modes.canonical && modes.echo, "terminal restored while the server keeps running")

        let alice = try server.connect()
        try alice.register("alice")
        try alice.send("PING still-up")
        try alice.expect(":linechat PONG linechat :still-up", skippingOthers: true)
        server.process.terminate()
        try alice.expect("ERROR :Server shutting down")
        alice.close()
        #expect(try server.waitForExit() == 0)
    }

    @Test func ctrlCShutsDownLikeSIGINT() throws {
        let server = try TerminalServer()
        let alice = try server.connect()
        try alice.register("alice")
        try server.waitForScreen("the prompt") { $0.cursorLine == ">> " }
        try server.type("kick ali\u{3}")
        try alice.expect("ERROR :Server shutting down", skippingOthers: true)
        alice.close()
        #expect(try server.waitForExit() == 0)
        #expect(server.screen.lines.contains(">> kick ali^C"))
        let modes = try Terminal.modes(of: server.terminal.primary)
        #expect(modes.canonical && modes.echo && modes.signals, "terminal restored")
    }
}
