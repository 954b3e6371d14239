import ChatServer
import Platform
import Testing
import TestSupport

@Suite("Connection lifecycle")
struct ConnectionLifecycleTests {
    @Test("resets, mid-line closes and plain closes leave an empty registry and no leaked descriptors")
    func abruptDisconnects() throws {
        // A server process of its own, so that procfs counts only the server's descriptors.
        let server = try ServerProcess(["--no-console", "--flood-burst", "1000"])
        let baseline = try server.openDescriptorCount
        let watcher = try server.connect()
        try watcher.register("watcher")
        var clients: [TestClient] = []
        for i in 0..<30 {
            let client = try server.connect()
            try client.register("user\(i)")
            clients.append(client)
        }
        for (i, client) in clients.enumerated() {
            switch i % 3 {
            case 0: client.reset()
            case 1:
                // Half a line, then FIN (a half-close, so that unread lines in this client's
                // buffer cannot turn the close into a reset that discards the half line unread).
                try client.sendRaw(Array("BROADCAST half a li".utf8))
                Posix.shutdownWrite(client.connection.fd)
            default: client.close()
            }
        }
        // Each user quits once, with the reason its way of leaving gives. A plain close may
        // reach the server as a reset when the client had unread lines (others' QUITs), so
        // it allows either; a reset never reads as a clean close, nor a FIN as a reset. The
        // half-sent BROADCAST never had its line end, so nobody may see it.
        var reasons: [String: String] = [:]
        while reasons.count < 30 {
            let line: String
            do {
                line = try watcher.readLine()
            } catch {
                var log: [String] = []
                while let line = try? server.log.readLine(timeout: 0.5) { log.append(line) }
                Issue.record(
                    Comment(rawValue: "after \(reasons.count) QUIT lines: \(error)\n\(log.joined(separator: "\n"))"))
                throw error
            }
            #expect(!line.contains("half a li"), "a line without its line end was delivered: \(line)")
            guard let range = line.range(of: " QUIT :"), line.hasPrefix(":") else { continue }
            let nick = String(line[line.index(after: line.startIndex)..<range.lowerBound])
            #expect(reasons[nick] == nil, "\(nick) quit twice: \(line)")
            reasons[nick] = String(line[range.upperBound...])
        }
        for i in 0..<30 {
            let reason = reasons["user\(i)"]
            switch i % 3 {
            case 0: #expect(reason == "Connection reset by peer", "user\(i) reset: \(reason ?? "no QUIT")")
            case 1: #expect(reason == "Connection closed", "user\(i) half-closed mid-line: \(reason ?? "no QUIT")")
            default:
                #expect(
                    reason == "Connection closed" || reason == "Connection reset by peer",
                    "user\(i) closed: \(reason ?? "no QUIT")")
            }
        }
        try watcher.send("PING after")
        try watcher.expect(":linechat PONG linechat :after")  // and no half line came late either
        for (i, client) in clients.enumerated() where i % 3 == 1 {
            #expect(client.waitForClose(), "user\(i): the server closes a half-closed connection")
            client.close()
        }
        let probe = try server.connect()
        try probe.register("probe")
        try probe.send("LIST")
        try probe.expect(where: { $0.hasPrefix(":linechat 322 probe watcher ") })
        try probe.expect(where: { $0.hasPrefix(":linechat 322 probe probe ") })
        try probe.expect(":linechat 323 probe :End of LIST")  // nobody else is left in the registry
        watcher.close()
        probe.close()
        #expect(
            try waitUntil { try server.openDescriptorCount == baseline },
            "descriptors: \(server.descriptorsForMessage) vs \(baseline)")
        #expect(server.terminate() == 0)
    }

    @Test("shutdown tells every client and closes every socket")
    func gracefulShutdown() throws {
        let server = try TestServer.start()
        let alice = try server.connect()
        try alice.register("alice")
        let unregistered = try server.connect()
        server.stop()
        try alice.expect("ERROR :Server shutting down", skippingOthers: true)
        #expect(alice.waitForClose())
        try unregistered.expect("ERROR :Server shutting down", skippingOthers: true)
        #expect(unregistered.waitForClose())
    }

    @Test("control characters and invalid UTF-8 are refused with 400 and never reach anyone else")
    func hostileBytes() throws {
        let server = try TestServer.start()
        defer { server.stop() }
        let users = try server.registeredClients("mallory", "victim")
        let (mallory, victim) = (users[0], users[1])
        let attacks: [([UInt8], String)] = [
            (Array("BROADCAST \u{1B}[2J\u{1B}[31mred".utf8), "control character 0x1B (ESC)"),
            (Array("PRIVMSG victim :bell\u{07}".utf8), "control character 0x07 (BEL)"),
            (Array("BROADCAST nul".utf8) + [0] + Array("x".utf8), "control character 0x00 (NUL)"),
            (Array("BROADCAST del".utf8) + [0x7F], "control character 0x7F (DEL)"),
            (Array("BROADCAST ".utf8) + [0xC0, 0x80], "not valid UTF-8"),
            (Array("BROADCAST ".utf8) + [0xC2, 0x9B] + Array("2J".utf8), "control character U+009B"),
        ]
        for (bytes, reason) in attacks {
            try mallory.sendRaw(bytes + [13, 10])
            try mallory.expect(where: { $0.hasPrefix(":linechat 400 mallory :Line refused: \(reason)") })
        }
        try mallory.send("BROADCAST clean")
        try victim.expect(":mallory PRIVMSG #lobby :clean")
    }

    @Test("telnet negotiation is stripped and never echoed")
    func telnet() throws {
        let server = try TestServer.start()
        defer { server.stop() }
        let client = try server.connect()
        try client.expect(where: { $0.hasPrefix(":linechat NOTICE * :") })
        try client.sendRaw([255, 253, 1, 255, 251, 31, 255, 250, 31, 0, 80, 0, 24, 255, 240] + Array("NI".utf8) + [255, 241] + Array("CK tel\r\n".utf8))
        try client.expect(":linechat 001 tel :Welcome to the chat room, tel!")
    }
}
