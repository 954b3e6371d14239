import Foundation
import Platform
import TestSupport
import Testing

/// Splits a table or stats line into its cells (cells are separated by two or more spaces).
private func cells(_ line: String) -> [String] {
    line.components(separatedBy: "  ").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
}

extension ServerProcess {
    /// Runs `stats` and returns its figures by name.
    func stats() throws -> [String: String] {
        try command("stats")
        let lines = try readOutput(until: "the stats") { $0.hasPrefix("Resident memory") }
        var figures: [String: String] = [:]
        for line in lines {
            let parts = cells(line)
            if parts.count == 2 { figures[parts[0]] = parts[1] }
        }
        return figures
    }

    /// Runs `list` and returns its rows (header and summary left out) as cells.
    func list() throws -> [[String]] {
        try command("list")
        let lines = try readOutput(until: "the end of the list") {
            $0.hasSuffix(" registered.") || $0 == "No connections."
        }
        return lines.drop { !$0.hasPrefix("NICK ") }.dropFirst().dropLast().map(cells)
    }
}

/// The built `linechat-server` with its console on a pipe, against real TCP clients.
@Suite("operator console over a pipe")
struct ConsoleProcessTests {
    @Test func listShowsEveryConnectionWithItsAddress() throws {
        let server = try ServerProcess()
        let users = try server.registeredClients("alice", "bob")
        let (alice, bob) = (users[0], users[1])
        let newcomer = try server.connect()
        try newcomer.expect(where: { $0.hasPrefix(":linechat NOTICE * :") })

        let rows = try server.list()
        #expect(rows.count == 3)
        #expect(rows.map(\.first) == ["alice", "bob", "-"])
        #expect(
            rows.map { $0.dropFirst().first } == [alice, bob, newcomer].map { "127.0.0.1:\($0.connection.localPort)" })
        let aliceRow = try #require(rows.first)
        #expect(aliceRow.count == 8, "nick, address, connected, idle, lines and bytes in and out")
        #expect(aliceRow[4] == "1", "alice sent one line (NICK)")
        #expect(aliceRow[5].hasSuffix(" B"))
        for client in [alice, bob, newcomer] { client.close() }  // no linger at shutdown
        #expect(server.terminate() == 0)
    }

    @Test func announceReachesEveryRegisteredUser() throws {
        let server = try ServerProcess()
        let users = try server.registeredClients("alice", "bob")
        let (alice, bob) = (users[0], users[1])

        try server.command("ANNOUNCE The server restarts at  noon")
        try alice.expect(":linechat BROADCAST :The server restarts at  noon")
        try bob.expect(":linechat BROADCAST :The server restarts at  noon")
        try server.readOutput(until: "the confirmation") { $0 == "Announced to 2 users." }

        // Without text, the console asks for it first.
        try server.command("announce")
        try server.readOutput(until: "the question") { $0 == "What would you like to announce?" }
        try server.command("Back in five minutes")
        try alice.expect(":linechat BROADCAST :Back in five minutes")
        try bob.expect(":linechat BROADCAST :Back in five minutes")
        for client in [alice, bob] { client.close() }
        #expect(server.terminate() == 0)
    }

    @Test func kickDisconnectsOneUserAndTellsTheOthers() throws {
        let server = try ServerProcess()
        let users = try server.registeredClients("alice", "bob", "carol")
        let (alice, bob, carol) = (users[0], users[1], users[2])

        let bobPort = bob.connection.localPort
        try server.command("kick BOB flooding the room")
        try bob.expect("ERROR :Kicked by operator: flooding the room")
        #expect(bob.waitForClose())
        bob.close()  // the server waits for our end before letting go of the socket
        try alice.expect(":bob QUIT :Kicked by operator: flooding the room")
        try carol.expect(":bob QUIT :Kicked by operator: flooding the room")
        try server.readOutput(until: "the confirmation") { $0 == "Kicked BOB: flooding the room" }
        try server.expectLog(containing: "kicked 127.0.0.1:\(bobPort) bob (flooding the room)")

        try server.command("kick bob")
        try server.readOutput(until: "the refusal") { $0 == "No such nick: bob. Type 'list' to see who is connected." }
        #expect(try server.list().map(\.first) == ["alice", "carol"])
        for client in [alice, carol] { client.close() }
        #expect(server.terminate() == 0)
    }

    @Test func statsCountsWhatWasSent() throws {
        let server = try ServerProcess()
        let users = try server.registeredClients("alice", "bob")
        let (alice, bob) = (users[0], users[1])
        for text in ["one", "two", "three"] { try alice.send("PRIVMSG bob :\(text)") }
        for text in ["one", "two", "three"] { try bob.expect(":alice PRIVMSG bob :\(text)") }

        // The loops publish their counters at the end of each wakeup: by the time both have
        // answered `list`, the lines above are counted. Ask again if a loop was mid-wakeup.
        _ = try server.list()
        var figures = try server.stats()
        let deadline = Date().addingTimeInterval(5)
        while figures["Lines received"] != "5" && Date() < deadline { figures = try server.stats() }
        #expect(figures["Lines received"] == "5", "two NICKs and three PRIVMSGs")
        #expect(figures["Connections"] == "2 now, 2 at peak, 0 refused")
        #expect(figures["Registered users"] == "2")
        #expect(Int(figures["Messages relayed"] ?? "") ?? 0 >= 3)
        #expect(Int(figures["Deliveries"] ?? "") ?? 0 >= 3)
        #expect(figures["SendQ disconnects"] == "0")
        #expect(figures["Log lines dropped"] == "0")
        #expect(figures["Uptime"]?.hasSuffix("s") == true)
        #expect(figures["Resident memory"]?.hasSuffix("MiB") == true)
        for client in [alice, bob] { client.close() }
        #expect(server.terminate() == 0)
    }

    @Test func unknownCommandsAreRefusedAndNamesAreCaseInsensitive() throws {
        let server = try ServerProcess()
        try server.command("frobnicate now")
        try server.readOutput(until: "the refusal") {
            $0 == "Not a valid server command. Type 'help' to see the list of server commands."
        }
        try server.command("HeLp")
        let help = try server.readOutput(until: "the help") { $0.hasPrefix("  quit ") }
        #expect(help.contains("Server commands:"))
        #expect(server.terminate() == 0)
    }

    @Test func quitShutsDownGracefullyWithStatusZero() throws {
        let server = try ServerProcess()
        let alice = try server.connect()
        try alice.register("alice")
        let newcomer = try server.connect()
        try newcomer.expect(where: { $0.hasPrefix(":linechat NOTICE * :") })

        try server.command("quit")
        try alice.expect("ERROR :Server shutting down")
        try newcomer.expect("ERROR :Server shutting down")
        for client in [alice, newcomer] { client.close() }
        try server.readOutput(until: "the goodbye") { $0 == "Shutting down." }
        try server.expectLog(containing: "the operator typed quit; shutting down")
        #expect(server.waitForExit() == 0)
    }

    @Test func theEndOfInputStopsTheConsoleAndTheServerKeepsServing() throws {
        let server = try ServerProcess()
        let alice = try server.connect()
        try alice.register("alice")
        try server.command("announce still here?")
        try alice.expect(":linechat BROADCAST :still here?")
        try server.closeInput()
        try server.expectLog(containing: "operator console input ended; the server keeps running")

        let bob = try server.connect()
        try bob.register("bob")
        try alice.expect(":bob JOIN")
        try bob.send("PRIVMSG alice :hello")
        try alice.expect(":bob PRIVMSG alice :hello")
        for client in [alice, bob] { client.close() }
        #expect(server.terminate() == 0, "SIGTERM still shuts it down cleanly")
    }

    @Test func noConsoleIgnoresStdin() throws {
        let server = try ServerProcess(["--no-console"])
        try server.command("quit")
        try server.closeInput()
        let alice = try server.connect()
        try alice.register("alice")
        try alice.send("PING still-up")
        try alice.expect(":linechat PONG linechat :still-up")
        alice.close()
        #expect(server.terminate() == 0)
        #expect(throws: LineClient.ReadError.closed) { try server.output.readLine(timeout: 5) }
    }
}
