import ChatServer
import Platform
import Testing
import TestSupport

/// Every limit the server enforces, each with the line a user sees.
@Suite("Limits")
struct LimitsTests {
    @Test("an unregistered connection is closed after the registration timeout")
    func registrationTimeout() throws {
        let server = try TestServer.start { $0.registrationTimeoutSeconds = 1 }
        defer { server.stop() }
        let idle = try server.connect()
        let registered = try server.connect()
        try registered.register("stays")
        try idle.expect("ERROR :Registration timeout", skippingOthers: true, timeout: 5)
        #expect(idle.waitForClose())
        try registered.send("PING still-here")
        try registered.expect(":linechat PONG linechat :still-here")
    }

    @Test("a full server refuses with ERROR :Server is full")
    func serverFull() throws {
        let server = try TestServer.start { $0.maxClients = 2 }
        defer { server.stop() }
        let first = try server.connect()
        try first.register("one")
        let second = try server.connect()
        try second.register("two")
        let third = try server.connect()
        try third.expect("ERROR :Server is full")
        #expect(third.waitForClose())
        second.close()
        try first.expect(":two QUIT :Connection closed", skippingOthers: true)
        // The freed place can be taken again.
        let fourth = try server.connect()
        try fourth.register("four")
    }

    @Test("one address may hold at most --max-per-ip connections")
    func perAddressLimit() throws {
        let server = try TestServer.start { $0.maxPerIP = 2 }
        defer { server.stop() }
        let clients = try (0..<2).map { _ in try server.connect() }
        for (i, client) in clients.enumerated() { try client.register("c\(i)") }
        let extra = try server.connect()
        try extra.expect("ERROR :Too many connections from your address (at most 2)")
        #expect(extra.waitForClose())
    }

    @Test("an overlong line gets 417 and the connection stays usable")
    func overlongLine() throws {
        let server = try TestServer.start()
        defer { server.stop() }
        let alice = try server.connect()
        try alice.register("alice")
        try alice.send("BROADCAST " + String(repeating: "x", count: 600))
        try alice.expect(":linechat 417 alice :Input line was too long (max 512 bytes)")
        try alice.send("BROADCAST short")
        try alice.expect(":alice PRIVMSG #lobby :short")
    }

    @Test("a 32 KiB line with no LF gets one 417 and nothing else, then the connection is usable")
    func longLineWithoutLineEnd() throws {
        let server = try TestServer.start()
        defer { server.stop() }
        let users = try server.registeredClients("alice", "bob")
        let (alice, bob) = (users[0], users[1])
        // Discarded bytes cost flood tokens (one per 512); a megabyte is a flood (AbuseTests).
        try alice.sendRaw(Array("BROADCAST ".utf8) + [UInt8](repeating: 0x41, count: 32 << 10))
        try alice.expect(":linechat 417 alice :Input line was too long (max 512 bytes)")
        try alice.sendRaw(Array("\r\nBROADCAST after\r\n".utf8))
        try alice.expect(":alice PRIVMSG #lobby :after")
        try bob.expect(":alice PRIVMSG #lobby :after")
    }

    @Test("a reader that never reads is dropped with SendQ exceeded; everyone else gets every message in order")
    func slowConsumer() throws {
        let server = try TestServer.start { $0.sendQueueBytes = 64 * 1024 }
        defer { server.stop() }
        let sender = try server.connect()
        try sender.register("sender")
        let reader = try server.connect()
        try reader.register("reader")
        let sleeper = try server.connect()
        try sleeper.register("sleeper")  // never reads again
        try sender.expect(":reader JOIN #lobby")
        try sender.expect(":sleeper JOIN #lobby")
        try reader.expect(":sleeper JOIN #lobby")
        let payload = String(repeating: "p", count: 430)  // with its number, within the 438-byte text limit
        let count = 24000  // about 12 MB: far past loopback's kernel buffers and the 64 KiB sendq
        var next = [0, 0]
        var sawQuit = [false, false]
        for start in stride(from: 0, to: count, by: 50) {
            var batch = ""
            for i in start..<(start + 50) { batch += "BROADCAST \(i) \(payload)\r\n" }
            try sender.sendRaw(Array(batch.utf8))
            // Both readers (the sender gets its own broadcasts too) keep up with the traffic.
            for (index, client) in [reader, sender].enumerated() {
                while next[index] < start + 50 {
                    let line = try client.readLine()
                    if line == ":sleeper QUIT :SendQ exceeded" {
                        sawQuit[index] = true
                        continue
                    }
                    #expect(line == ":sender PRIVMSG #lobby :\(next[index]) \(payload)")
                    next[index] += 1
                }
            }
        }
        if !sawQuit[0] { try reader.expect(":sleeper QUIT :SendQ exceeded") }
        if !sawQuit[1] { try sender.expect(":sleeper QUIT :SendQ exceeded") }
        #expect(waitUntil { server.server.registry?.count == 2 })
    }

    @Test("flood control delays lines instead of dropping them")
    func floodControlDelaysButKeepsEverything() throws {
        let server = try TestServer.start {
            $0.floodBurst = 5
            $0.floodLinesPerSecond = 50
        }
        defer { server.stop() }
        let client = try server.connect()
        try client.register("talker")
        let started = Posix.monotonicNanoseconds()
        try client.sendRaw(Array((0..<30).map { "PING n\($0)\r\n" }.joined().utf8))
        for i in 0..<30 { try client.expect(":linechat PONG linechat :n\(i)") }
        // 25 lines over the burst at 50 per second cannot all be answered in under 0.4 s.
        #expect(Posix.monotonicNanoseconds() - started >= 400_000_000)
    }

    @Test("a client that piles up a large backlog is dropped with Excess flood")
    func excessFlood() throws {
        let server = try TestServer.start {
            $0.floodBurst = 10
            $0.floodLinesPerSecond = 5
            $0.floodBacklogBytes = 8 * 1024
        }
        defer { server.stop() }
        let users = try server.registeredClients("watcher", "flooder")
        let (watcher, flooder) = (users[0], users[1])
        let line = Array("PING \(String(repeating: "f", count: 90))\r\n".utf8)
        var flood: [UInt8] = []
        for _ in 0..<400 { flood += line }  // about 40 KB at once
        try flooder.sendRaw(flood)
        try flooder.expect("ERROR :Excess flood", skippingOthers: true)
        try watcher.expect(":flooder QUIT :Excess flood")
    }
}
