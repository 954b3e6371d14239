import ChatServer
import Foundation
import TestSupport
import Testing

/// `Server.reload`: the run-time settings change under connected users, who stay.
@Suite("Server reload")
struct ReloadTests {
    /// The MOTD between 375 and 376 that `client` gets on registering as `nick`.
    static func motd(of client: TestClient, registering nick: String) throws -> [String] {
        try client.expect(where: { $0.hasPrefix(":linechat NOTICE * :") })
        try client.send("NICK \(nick)")
        try client.expect(":linechat 375 \(nick) :- linechat Message of the day -", skippingOthers: true)
        var lines: [String] = []
        while true {
            let line = try client.readLine()
            if line.hasPrefix(":linechat 376 ") { return lines }
            lines.append(String(line.dropFirst(":linechat 372 \(nick) :- ".count)))
        }
    }

    @Test(
        "a new MOTD and a lower max-per-ip while users are connected: they stay, a newcomer sees the new MOTD, the limit applies"
    )
    func motdAndLimit() throws {
        let server = try TestServer.start {
            $0.maxPerIP = 10
            $0.motd = ["first message of the day"]
        }
        defer { server.stop() }
        let alice = try server.connect()
        #expect(try Self.motd(of: alice, registering: "alice") == ["first message of the day"])
        try alice.readJoinBurst("alice", room: "#lobby")
        let bob = try server.connect()
        try bob.register("bob")

        var new = try #require(server.server.currentConfiguration)
        new.motd = ["second message", "of the day"]
        new.maxPerIP = 3
        let report = try server.server.reload(new)
        #expect(report.applied == ["max-per-ip: 10 -> 3", "motd: 1 -> 2 lines"], "\(report)")
        #expect(report.needsRestart.isEmpty && report.problems.isEmpty)

        // Nobody was dropped: alice and bob still talk.
        try alice.send("BROADCAST still here")
        try bob.expect(":alice PRIVMSG #lobby :still here", skippingOthers: true)
        // A newcomer gets the new MOTD.
        let carol = try server.connect()
        #expect(try Self.motd(of: carol, registering: "carol") == ["second message", "of the day"])
        // The fourth connection from 127.0.0.1 is one too many now.
        let dave = try server.connect()
        try dave.expect("ERROR :Too many connections from your address (at most 3)", skippingOthers: true)
        #expect(dave.waitForClose())

        // A limit below what is connected keeps everyone connected and refuses newcomers.
        new.maxPerIP = 1
        _ = try server.server.reload(new)
        let erin = try server.connect()
        try erin.expect("ERROR :Too many connections from your address (at most 1)", skippingOthers: true)
        try bob.send("BROADCAST and still here")
        try alice.expect(":bob PRIVMSG #lobby :and still here", skippingOthers: true)
        // Raising it again lets newcomers in.
        new.maxPerIP = 10
        _ = try server.server.reload(new)
        let frank = try server.connect()
        try frank.register("frank")
        #expect(server.server.openConnections == 4)
    }

    @Test("a lower max-clients refuses newcomers with Server is full, and nobody connected is dropped")
    func maxClients() throws {
        let server = try TestServer.start()
        defer { server.stop() }
        let clients = try server.registeredClients("one", "two")
        var new = try #require(server.server.currentConfiguration)
        new.maxClients = 2
        #expect(try server.server.reload(new).applied == ["max-clients: 10000 -> 2"])
        let third = try server.connect()
        try third.expect("ERROR :Server is full", skippingOthers: true)
        for client in clients { try client.roundTrip() }
    }

    @Test("new flood settings apply to the users already connected")
    func floodSettings() throws {
        let server = try TestServer.start()
        defer { server.stop() }
        let alice = try server.connect()
        try alice.register("alice")
        var new = try #require(server.server.currentConfiguration)
        new.floodBurst = 2
        new.floodLinesPerSecond = 0.25
        #expect(try server.server.reload(new).applied == ["flood-burst: 1000 -> 2", "flood-rate: 100000.0 -> 0.25"])
        // `reload` returned once every loop had the new settings: the bucket holds 2 tokens
        // now, and the next comes 4 seconds after it is empty.
        for token in 1...4 { try alice.send("PING t\(token)") }
        try alice.expect(":linechat PONG linechat :t1")
        try alice.expect(":linechat PONG linechat :t2")
        try alice.expectSilence(for: 1)
    }

    @Test("a shorter registration timeout applies to connections already waiting")
    func registrationTimeout() throws {
        let server = try TestServer.start { $0.registrationTimeoutSeconds = 600 }
        defer { server.stop() }
        let waiting = try server.connect()
        try waiting.expect(where: { $0.hasPrefix(":linechat NOTICE * :") })
        var new = try #require(server.server.currentConfiguration)
        new.registrationTimeoutSeconds = 1
        _ = try server.server.reload(new)
        try waiting.expect(timeout: 10, "the registration timeout's ERROR") { $0.hasPrefix("ERROR :") }
        #expect(waiting.waitForClose())
    }

    @Test("settings that need a restart are reported and the running ones kept")
    func restartOnly() throws {
        let server = try TestServer.start()
        defer { server.stop() }
        let alice = try server.connect()
        try alice.register("alice")
        var new = try #require(server.server.currentConfiguration)
        new.serverName = "renamed"
        new.port = 1
        new.maxLineBytes = 1024
        new.eventLoops = 7
        let report = try server.server.reload(new)
        #expect(report.applied.isEmpty)
        #expect(
            report.needsRestart == [
                "port: 0 -> 1 (needs a restart)", "server-name: linechat -> renamed (needs a restart)",
                "event-loops: 2 -> 7 (needs a restart)", "max-line-bytes: 512 -> 1024 (needs a restart)",
            ], "\(report.needsRestart)")
        try alice.roundTrip(server: "linechat")
        #expect(server.server.currentConfiguration?.serverName == "linechat")
    }

    @Test("a server that is not running has nothing to reload")
    func notRunning() {
        let server = Server(configuration: ServerConfiguration())
        #expect(throws: Server.ReloadError.self) { try server.reload(ServerConfiguration()) }
    }
}
