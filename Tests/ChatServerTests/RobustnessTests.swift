import ChatServer
import Foundation
import Platform
import Testing
import TestSupport

/// Regressions found by attacking the server: connection limits, a full sendq's last line, the
/// server-wide output budget, input that never ends a line.
@Suite("Robustness")
struct RobustnessTests {
    /// Waits until `condition` holds, failing after `timeout` seconds.
    private func waitUntil(
        _ what: String, timeout: Double = 5, sourceLocation: SourceLocation = #_sourceLocation,
        _ condition: () -> Bool
    ) {
        let deadline = Date().addingTimeInterval(timeout)
        while !condition() {
            if Date() > deadline {
                Issue.record("timed out waiting for \(what)", sourceLocation: sourceLocation)
                return
            }
            usleep(2_000)
        }
    }

    /// The first line the server sends a connection: the welcome notice or an ERROR.
    private func firstLine(of client: TestClient) throws -> String { try client.readLine() }

    @Test("peers that close without a word give their --max-per-ip slot back once, not twice")
    func perAddressSlotsAreReleasedOnce() throws {
        let server = try TestServer.start { $0.maxPerIP = 5 }
        defer { server.stop() }
        var clients = try (0..<5).map { _ in try server.connect() }
        for client in clients { #expect(try firstLine(of: client).contains("NOTICE * :Welcome")) }
        try clients[0].send("NICK closer0")
        try clients[0].expect(where: { $0.hasPrefix(":linechat 376 closer0 ") })
        for client in clients.prefix(2) { client.close() }
        clients.removeFirst(2)
        waitUntil("the two closes to be seen") { server.server.openConnections == 3 }

        var admitted = 0
        var refused = 0
        for _ in 0..<4 {
            let client = try server.connect()
            let line = try firstLine(of: client)
            if line.contains("NOTICE * :Welcome") {
                admitted += 1
            } else {
                #expect(line == "ERROR :Too many connections from your address (at most 5)")
                refused += 1
            }
            clients.append(client)
        }
        #expect(admitted == 2, "5 allowed, 3 still open: room for 2")
        #expect(refused == 2)
        #expect(server.server.openConnections == 5)
    }

    @Test("a server-wide --max-clients still holds after many plain closes")
    func serverWideSlotsAreReleasedOnce() throws {
        let server = try TestServer.start { $0.maxClients = 10 }
        defer { server.stop() }
        var first: [TestClient] = []
        var welcomed = 0
        for _ in 0..<15 {
            let client = try server.connect()
            if try firstLine(of: client).contains("NOTICE * :Welcome") { welcomed += 1 }
            first.append(client)
        }
        #expect(welcomed == 10)
        for client in first { client.close() }
        waitUntil("every connection to be closed") { server.server.openConnections == 0 }
        #expect(server.statisticsConnections() == 0)

        var second: [TestClient] = []
        welcomed = 0
        for _ in 0..<30 {
            let client = try server.connect()
            if try firstLine(of: client).contains("NOTICE * :Welcome") { welcomed += 1 }
            second.append(client)
        }
        #expect(welcomed == 10, "never more than --max-clients at once")
        #expect(server.server.openConnections <= 30 && server.statisticsConnections() >= 0)
    }

    /// Pushes numbered 400-byte lines to `slow`, which does not read, until the server drops
    /// it; returns how many were sent.
    private func overflow(_ slow: TestClient, from sender: TestClient, quitSeenBy watcher: TestClient) throws -> Int {
        let filler = String(repeating: "y", count: 400)
        var sequence = 0
        var quit = false
        while !quit {
            var batch: [UInt8] = []
            for _ in 0..<200 {
                sequence += 1
                batch += Array("PRIVMSG slow :\(String(format: "%07d", sequence)) \(filler)\r\n".utf8)
            }
            try sender.sendRaw(batch)
            // Poll the watcher briefly: it sees the QUIT once the server has dropped `slow`.
            while let line = try? watcher.readLine(timeout: 0.001) {
                if line == ":slow QUIT :SendQ exceeded" { quit = true }
            }
            if sequence > 400_000 {
                Issue.record("the slow reader was never dropped")
                break
            }
        }
        return sequence
    }

    /// Checks what a dropped slow reader finally reads: whole numbered lines in order with no
    /// gap, then `ERROR :SendQ exceeded` as the very last line.
    private func checkLastLines(_ bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) {
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.hasSuffix("\n"), "the stream ends on a line boundary", sourceLocation: sourceLocation)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(lines.last == "ERROR :SendQ exceeded", "the ERROR is the last line", sourceLocation: sourceLocation)
        let messages = lines.filter { $0.hasPrefix(":b0 PRIVMSG slow :") }
        #expect(!messages.isEmpty, sourceLocation: sourceLocation)
        for (index, line) in messages.enumerated() {
            let expected = ":b0 PRIVMSG slow :\(String(format: "%07d", index + 1)) \(String(repeating: "y", count: 400))"
            if line != expected {
                Issue.record("line \(index + 1) is cut or out of order: \(line.prefix(60))...", sourceLocation: sourceLocation)
                return
            }
        }
        let others = lines.filter { !$0.hasPrefix(":b0 PRIVMSG slow :") && !$0.hasPrefix(":linechat ") }
        #expect(
            others.allSatisfy { $0.hasSuffix(" JOIN #lobby") || $0 == "ERROR :SendQ exceeded" },
            "\(others.prefix(3))", sourceLocation: sourceLocation)
    }

    private func slowReaderSetup() throws -> (TestServer, slow: TestClient, sender: TestClient) {
        let server = try TestServer.start { $0.sendQueueBytes = 64 * 1024 }
        // The reader keeps its default receive buffer: a tiny one set after connecting makes the
        // kernel trickle data through zero-window probes, far slower than the test.
        let slow = try server.connect()
        try slow.register("slow")
        let sender = try server.connect()
        try sender.register("b0")
        try slow.expect(":b0 JOIN #lobby", skippingOthers: true)
        return (server, slow, sender)
    }

    @Test("a full sendq ends with ERROR :SendQ exceeded on a line of its own, after whole lines", .timeLimit(.minutes(10)))
    func sendQueueOverflowEndsOnALineBoundary() throws {
        let (server, slow, sender) = try slowReaderSetup()
        defer { server.stop() }
        _ = try overflow(slow, from: sender, quitSeenBy: sender)
        checkLastLines(try slow.connection.readToEnd(timeout: 10))
    }

    @Test(
        "a slow reader that reads only after the linger still gets whole lines and the ERROR last",
        .timeLimit(.minutes(10)))
    func sendQueueOverflowReadLate() throws {
        let (server, slow, sender) = try slowReaderSetup()
        defer { server.stop() }
        _ = try overflow(slow, from: sender, quitSeenBy: sender)
        // The reader stays away longer than a closing connection lingers for its EOF (2 s): the
        // server must keep its last line for it, not close with the line half sent.
        Thread.sleep(forTimeInterval: 2.5)
        checkLastLines(try slow.connection.readToEnd(timeout: 10))
    }

    @Test(
        "past the server-wide output budget the largest queues are dropped, readers keep up",
        .timeLimit(.minutes(10)))
    func outputBudgetDropsTheLargestQueues() throws {
        let server = try TestServer.start {
            $0.eventLoops = 1
            $0.sendQueueBytes = 64 << 20  // never the reason: the budget is
            $0.maxOutputBytes = 1 << 20
        }
        defer { server.stop() }
        let reader = try server.connect()
        try reader.register("reader")
        var stalled: [TestClient] = []
        for index in 0..<3 {
            let client = try server.connect()
            try Posix.setOption(client.connection.fd, SOL_SOCKET, SO_RCVBUF, 4096)
            try client.register("stall\(index)")
            stalled.append(client)
        }
        let sender = try server.connect()
        try sender.register("sender")
        let filler = String(repeating: "z", count: 400)
        var dropped = Set<String>()
        var sequence = 0
        while dropped.count < 3 {
            sequence += 1
            try sender.send("PRIVMSG reader,stall0,stall1,stall2 :\(sequence) \(filler)")
            try reader.expect(":sender PRIVMSG reader :\(sequence) \(filler)", skippingOthers: true)
            while let line = try? sender.readLine(timeout: 0.0001) {
                if line.hasSuffix(" QUIT :SendQ exceeded") { dropped.insert(String(line.dropFirst().prefix { $0 != " " })) }
            }
            if sequence > 200_000 { break }
        }
        #expect(dropped == ["stall0", "stall1", "stall2"])
        let snapshot = try #require(server.server.statisticsSnapshot())
        #expect(snapshot.outputBudgetDisconnects == 3)
        #expect(snapshot.sendQueueDisconnects == 0)
        try reader.send("PING still")
        try reader.expect(":linechat PONG linechat :still", skippingOthers: true)
    }

    @Test("a client that streams bytes with no line end is throttled, then dropped for flooding", .timeLimit(.minutes(10)))
    func endlessLineIsDisconnected() throws {
        let server = try TestServer.start {
            $0.floodBurst = 10
            $0.floodLinesPerSecond = 5
        }
        defer { server.stop() }
        let bystander = try server.connect()
        try bystander.register("bystander")
        let streamer = try server.connect()
        try streamer.register("streamer")
        let chunk = [UInt8](repeating: UInt8(ascii: "x"), count: 64 * 1024)
        var sent = 0
        var error: String?
        // A server that never charges discarded input reads this forever; one that does stops
        // reading and disconnects it once its backlog passes --flood-backlog-bytes.
        while sent < 512 << 20 {
            do {
                try streamer.sendRaw(chunk)
            } catch {
                break
            }
            sent += chunk.count
            if let line = try? streamer.readLine(timeout: 0.001), line.hasPrefix("ERROR") {
                error = line
                break
            }
        }
        if error == nil {
            error = try? streamer.expect(timeout: 5, "the ERROR", where: { $0.hasPrefix("ERROR") })
        }
        #expect(error == "ERROR :Excess flood")
        #expect(sent < 64 << 20, "dropped after \(sent) bytes")
        try bystander.expect(":streamer QUIT :Excess flood", skippingOthers: true)
        try bystander.send("PING alive")
        try bystander.expect(":linechat PONG linechat :alive")
    }
}

extension TestServer {
    /// The console's connection count now.
    fileprivate func statisticsConnections() -> Int { server.statisticsSnapshot()?.connections ?? -1 }
}
