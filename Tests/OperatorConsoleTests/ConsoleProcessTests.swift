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

    /// Runs `rooms` and returns its rows (header and summary left out) as cells.
    func rooms() throws -> [[String]] {
        try command("rooms")
        let lines = try readOutput(until: "the end of the rooms") { $0.hasSuffix(" in all.") || $0 == "No rooms." }
        return lines.drop { !$0.hasPrefix("ROOM ") }.dropFirst().dropLast().map(cells)
    }
}

/// The built `linechat-server` with its console on a pipe, against real TCP clients.
@Suite("operator console over a pipe")
struct ConsoleProcessTests {
    @Test func listShowsEveryConnectionWithItsAddress() throws {
        let server = try ServerProcess()
        let users = try server.lobbyClients("alice", "bob")
        let (alice, bob) = (users[0], users[1])
        let newcomer = try server.connect()
        try newcomer.expect(where: { $0.hasPrefix(":linechat NOTICE * :") })

        let rows = try server.list()
        #expect(rows.count == 3)
        #expect(rows.map(\.first) == ["alice", "bob", "-"])
        #expect(
            rows.map { $0.dropFirst().first } == [alice, bob, newcomer].map { "127.0.0.1:\($0.connection.localPort)" })
        let aliceRow = try #require(rows.first)
        #expect(aliceRow.count == 9, "nick, address, connected, idle, lines and bytes in and out, rooms")
        #expect(aliceRow[4] == "1", "alice sent one line (NICK)")
        #expect(aliceRow[5].hasSuffix(" B"))
        #expect(rows.map(\.last) == ["#lobby", "#lobby", "-"])

        try bob.join("#rust")
        #expect(try server.list().map(\.last) == ["#lobby", "#lobby #rust", "-"])
        for client in [alice, bob, newcomer] { client.close() }  // no linger at shutdown
        #expect(server.terminate() == 0)
    }

    @Test func announceReachesEveryRegisteredUser() throws {
        let server = try ServerProcess()
        let users = try server.lobbyClients("alice", "bob")
        let (alice, bob) = (users[0], users[1])

        try server.command("ANNOUNCE The server restarts at  noon")
        try alice.expect(":linechat NOTICE * :The server restarts at  noon")
        try bob.expect(":linechat NOTICE * :The server restarts at  noon")
        try server.readOutput(until: "the confirmation") { $0 == "Announced to 2 users as a server notice." }

        // Without text, the console asks for it first.
        try server.command("announce")
        try server.readOutput(until: "the question") { $0 == "What would you like to announce?" }
        try server.command("Back in five minutes")
        try alice.expect(":linechat NOTICE * :Back in five minutes")
        try bob.expect(":linechat NOTICE * :Back in five minutes")
        for client in [alice, bob] { client.close() }
        #expect(server.terminate() == 0)
    }

    @Test func kickDisconnectsOneUserAndTellsTheOthers() throws {
        let server = try ServerProcess()
        let users = try server.lobbyClients("alice", "bob", "carol")
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

    /// Returns once `receiver` has a private message from `sender`: whatever `sender`'s loop
    /// posted to `receiver`'s loop before (a JOIN to a room `receiver` is about to join) has
    /// been handled by then. Without it, a JOIN sent just before `receiver` joins can reach
    /// `receiver` after its own JOIN (see the report of the r-console branch).
    static func barrier(from sender: TestClient, to receiver: TestClient) throws {
        try sender.send("PRIVMSG \(receiver.nick ?? "") :barrier")
        try receiver.expect(":\(sender.nick ?? "") PRIVMSG \(receiver.nick ?? "") :barrier")
    }

    @Test func roomsListsEachRoomWithItsMembersTopicAndModes() throws {
        let server = try ServerProcess()
        let users = try server.lobbyClients("alice", "bob")
        let (alice, bob) = (users[0], users[1])
        try alice.join("#Rust")
        try Self.barrier(from: alice, to: bob)
        try bob.join("#rust")
        try alice.expect(":bob JOIN #Rust")
        try alice.send("TOPIC #rust :Ownership and borrowing")
        try alice.expect(":alice TOPIC #Rust :Ownership and borrowing")
        try bob.expect(":alice TOPIC #Rust :Ownership and borrowing")
        try alice.send("MODE #rust +v bob")
        try bob.expect(":alice MODE #Rust +v bob")

        let rows = try server.rooms()
        #expect(
            rows == [
                [
                    "#lobby", "2", "+nt", "alice bob",
                    "Welcome to LineChat! BROADCAST <text> talks here; HELP lists every command.",
                ],
                ["#Rust", "2", "+nt", "@alice +bob", "Ownership and borrowing"],
            ], "\(rows)")
        for client in [alice, bob] { client.close() }
        #expect(server.terminate() == 0)
    }

    @Test func kickWithARoomRemovesTheUserFromThatRoomOnly() throws {
        let server = try ServerProcess()
        let users = try server.lobbyClients("alice", "bob", "carol")
        let (alice, bob, carol) = (users[0], users[1], users[2])
        try alice.join("#rust")
        try Self.barrier(from: alice, to: bob)
        try bob.join("#rust")
        try alice.expect(":bob JOIN #rust")
        try Self.barrier(from: bob, to: carol)
        try carol.join("#rust")
        for client in [alice, bob] { try client.expect(":carol JOIN #rust") }

        try server.command("kick #RUST Bob spam")
        for client in [alice, bob, carol] { try client.expect(":linechat KICK #rust bob :spam") }
        try server.readOutput(until: "the confirmation") { $0 == "Kicked Bob from #RUST: spam" }
        try server.expectLog(containing: "kicked bob from #rust (spam)")
        let rust = try #require(try server.rooms().first { $0.first == "#rust" })
        #expect(rust.dropFirst().first == "2")
        #expect(rust.dropFirst(3).first == "@alice carol")

        // bob is still connected and in #lobby, but hears #rust no more. A private message
        // from the same sender is the barrier: it reaches bob's loop after the room message.
        try alice.send("PRIVMSG #rust :after the kick")
        try carol.expect(":alice PRIVMSG #rust :after the kick")
        try alice.send("PRIVMSG bob :barrier")
        try bob.expect(":alice PRIVMSG bob :barrier")
        try bob.send("PRIVMSG #rust :let me back")
        try bob.expect(where: { $0.hasPrefix(":linechat 404 bob #rust ") })
        try bob.send("BROADCAST still here")
        for client in [alice, bob, carol] { try client.expect(":bob PRIVMSG #lobby :still here") }
        try bob.send("PING barrier")
        try bob.expect(":linechat PONG linechat :barrier")

        try server.command("kick #rust bob again")
        try server.readOutput(until: "the refusal") { $0 == "bob is not in #rust. Type 'rooms' to see who is where." }
        try server.command("kick #nowhere bob")
        try server.readOutput(until: "the refusal") { $0 == "No such room: #nowhere. Type 'rooms' to see the rooms." }
        try server.command("kick #rust dave")
        try server.readOutput(until: "the refusal") { $0 == "No such nick: dave. Type 'list' to see who is connected." }
        for client in [alice, bob, carol] { client.close() }
        #expect(server.terminate() == 0)
    }

    @Test func defaultRoomNoneJoinsNobodyAnywhere() throws {
        let server = try ServerProcess(["--default-room", "none"])
        let alice = try server.connect()
        try alice.expect(where: { $0.hasPrefix(":linechat NOTICE * :") })
        try alice.send("NICK alice")
        var welcome: [String] = []
        while welcome.last?.hasPrefix(":linechat 376 alice ") != true { welcome.append(try alice.readLine()) }
        #expect(welcome.contains { $0.hasPrefix(":linechat 372 alice :-   JOIN #<room> ") })
        #expect(!welcome.contains { $0.contains("BROADCAST") }, "the MOTD does not teach a BROADCAST that fails")
        try alice.send("PING quiet")
        try alice.expect(":linechat PONG linechat :quiet")
        #expect(try server.rooms().isEmpty)
        try server.command("rooms")
        try server.readOutput(until: "no rooms") { $0 == "No rooms." }
        alice.close()
        #expect(server.terminate() == 0)
    }

    @Test func defaultRoomNamesTheRoomEveryoneJoins() throws {
        let server = try ServerProcess(["--default-room=#Welcome"])
        let alice = try server.connect()
        try alice.expect(where: { $0.hasPrefix(":linechat NOTICE * :") })
        try alice.send("NICK alice")
        try alice.expect(
            ":linechat 372 alice :-   BROADCAST <text>         talk in #Welcome, where everyone starts",
            skippingOthers: true)
        try alice.expect(where: { $0.hasPrefix(":linechat 376 alice ") })
        try alice.expect(":alice JOIN #Welcome")
        #expect(try server.rooms().map { Array($0.prefix(4)) } == [["#Welcome", "1", "+nt", "alice"]])
        alice.close()
        #expect(server.terminate() == 0)
    }

    @Test(arguments: ["lobby", "#", "#a b", "#a,b", "#\(String(repeating: "x", count: 50))", ""])
    func aBadDefaultRoomIsAUsageError(_ name: String) throws {
        let process = Process()
        process.executableURL = ServerProcess.productsDirectory.appendingPathComponent("linechat-server")
        process.arguments = ["--default-room", name, "--no-console", "--port", "0", "--http-port", "none", "--metrics-port", "none"]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 64)
        #expect(
            text.hasPrefix("linechat-server: --default-room takes a room name like #lobby, or none, not '"), "\(text)")
        #expect(text.contains("USAGE: linechat-server"))
    }

    @Test func statsCountsWhatWasSent() throws {
        let server = try ServerProcess()
        let users = try server.lobbyClients("alice", "bob")
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
        let alice = try server.lobbyClients("alice")[0]
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
        let alice = try server.lobbyClients("alice")[0]
        try server.command("announce still here?")
        try alice.expect(":linechat NOTICE * :still here?")
        try server.closeInput()
        try server.expectLog(containing: "operator console input ended; the server keeps running")

        let bob = try server.connect()
        try bob.register("bob")
        try alice.expect(":bob JOIN #lobby")
        try bob.send("PRIVMSG alice :hello")
        try alice.expect(":bob PRIVMSG alice :hello")
        for client in [alice, bob] { client.close() }
        #expect(server.terminate() == 0, "SIGTERM still shuts it down cleanly")
    }

    @Test func noConsoleIgnoresStdin() throws {
        let server = try ServerProcess(["--no-console"])
        try server.command("quit")
        try server.closeInput()
        let alice = try server.lobbyClients("alice")[0]
        try alice.send("PING still-up")
        try alice.expect(":linechat PONG linechat :still-up")
        alice.close()
        #expect(server.terminate() == 0)
        #expect(throws: LineClient.ReadError.closed) { try server.output.readLine(timeout: 5) }
    }
}
