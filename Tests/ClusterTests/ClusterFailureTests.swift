import ChatServer
import Cluster
import Foundation
import Platform
import RedisClient
import Testing
import TestSupport

/// A node killed with SIGKILL, and Redis going away and coming back.
@Suite(
    "Cluster: a node or Redis lost", .serialized, .enabled(if: RedisTestServer.isAvailable), .timeLimit(.minutes(10)))
struct ClusterFailureTests {
    @Test("kill -9 of a node: its users' QUITs reach the others within the lease and a second, and their nicks are free")
    func nodeKilled() throws {
        let cluster = try ClusterHarness(nodes: 1, leaseMilliseconds: 2000)
        defer { cluster.stop() }
        let process = try ServerProcess([
            "--cluster", "redis://127.0.0.1:\(cluster.redis.port)", "--node-name", "doomed", "--cluster-lease", "2",
            "--no-console",
        ])
        let alice = try cluster.user("alice", on: 0)
        let victim = try process.connect()
        try victim.register("victim")
        try alice.expect(":victim JOIN #lobby", skippingOthers: true)
        kill(process.pid, SIGKILL)
        _ = process.waitForExit(timeout: 10)
        let killedAt = Posix.monotonicNanoseconds()
        try alice.expect(":victim QUIT :Node doomed lost", skippingOthers: true, timeout: 10)
        let seconds = Double(Posix.monotonicNanoseconds() - killedAt) / 1e9
        #expect(seconds <= 2 + 1 + 0.5, "the QUIT came \(seconds) s after the kill (lease 2 s)")
        let again = try cluster.nodes[0].connect()
        try again.register("victim")
    }

    @Test(
        "Redis away: the nodes refuse new nicknames with 440, chat on one node goes on; Redis back (with its data or empty): all as before",
        arguments: [true, false])
    func redisRestarts(persistent: Bool) throws {
        let cluster = try ClusterHarness(nodes: 2, history: false, persistentRedis: persistent)
        defer { cluster.stop() }
        let alice = try cluster.user("alice", on: 0)
        let carol = try cluster.user("carol", on: 0)
        let bob = try cluster.user("bob", on: 1)
        try alice.send("JOIN #rust")
        try alice.expect(":alice JOIN #rust", skippingOthers: true)
        try alice.send("TOPIC #rust :kept")
        try alice.expect(":alice TOPIC #rust :kept", skippingOthers: true)
        try bob.send("JOIN #rust")
        try bob.expect(":bob JOIN #rust", skippingOthers: true)
        try alice.send("PRIVMSG #lobby :before")
        try bob.expect(":alice PRIVMSG #lobby :before", skippingOthers: true)
        cluster.redis.kill()
        // Both nodes notice; a nickname cannot be claimed while Redis is away.
        let late = try cluster.nodes[1].connect()
        try late.expect(where: { $0.hasPrefix(":linechat NOTICE * :") })
        var refused = false
        for attempt in 0..<100 where !refused {
            try late.send("NICK late\(attempt)")
            let answer = try late.expect(skippingOthers: true, "001 or 440") {
                $0.hasPrefix(":linechat 440 ") || $0.hasPrefix(":linechat 001 ")
            }
            #expect(!answer.hasPrefix(":linechat 001 "), "a nickname was claimed with Redis down")
            if answer.hasPrefix(":linechat 001 ") { return }
            refused = true
        }
        // Users of one node still talk.
        try alice.send("PRIVMSG #lobby :during")
        try carol.expect(":alice PRIVMSG #lobby :during", skippingOthers: true)
        // Someone quits meanwhile: alice sees it now, the other node once Redis is back.
        try carol.send("QUIT :gone during the outage")
        try alice.expect(":carol QUIT :Quit: gone during the outage", skippingOthers: true)
        try cluster.redis.restart()
        // Back: registration works again and cross-node chat resumes, nothing from before twice.
        #expect(waitUntil(timeout: 10) { cluster.nodes.allSatisfy { $0.server.cluster?.isConnected == true } })
        try late.send("NICK late")
        try late.expect(":linechat 001 late :Welcome to the chat room, late!", skippingOthers: true, timeout: 10)
        try alice.send("PRIVMSG #lobby :after")
        let seen = try collect(bob, until: ":alice PRIVMSG #lobby :after")
        #expect(!seen.contains(":alice PRIVMSG #lobby :before"))
        try cluster.sync(bob)
        try bob.send("NAMES #lobby")
        let names = try bob.expect(skippingOthers: true, "353") { $0.hasPrefix(":linechat 353 bob = #lobby :") }
        #expect(Set(names.split(separator: ":").last!.split(separator: " ")) == ["alice", "bob", "late"])
        // Every node's copy agrees, the room's operator and topic included.
        for node in cluster.nodes {
            let room = try #require(node.server.registry?.room(named: "#rust"))
            #expect(room.members["alice"]?.isOperator == true && room.members["bob"]?.isOperator == false)
            #expect(room.topic?.text == "kept")
            #expect(node.server.registry?.count == 3)
        }
    }

    @Test("a node stopped while others talk gets what it missed into its history when it starts again")
    func historyCaughtUpAfterRestart() throws {
        let cluster = try ClusterHarness(nodes: 1)
        defer { cluster.stop() }
        let directory = try Posix.makeTemporaryDirectory(prefix: "linechat-cluster-node-")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let arguments = [
            "--cluster", "redis://127.0.0.1:\(cluster.redis.port)", "--node-name", "late", "--no-console",
            "--data-dir", directory,
        ]
        let alice = try cluster.user("alice", on: 0)
        var node = try ServerProcess(arguments)
        try alice.send("PRIVMSG #lobby :while late was up")
        // Its cursor is saved within a second of reading: wait for the file before stopping it.
        #expect(waitUntil(timeout: 5) { FileManager.default.fileExists(atPath: directory + "/cluster-chat-cursor") })
        #expect(node.terminate() == 0)
        for index in 1...3 { try alice.send("PRIVMSG #lobby :while late was down \(index)") }
        try cluster.sync(alice)
        node = try ServerProcess(arguments)
        let dave = try node.connect()
        try dave.expect(where: { $0.hasPrefix(":linechat NOTICE * :") })
        try dave.send("NICK dave")
        try dave.expect(skippingOthers: true, "the first") { $0.hasSuffix("] while late was up") }
        for index in 1...3 {
            try dave.expect(skippingOthers: true, "missed \(index)") { $0.hasSuffix("] while late was down \(index)") }
        }
    }

    @Test("a second node started under a running node's name is refused, with a message that says so")
    func nodeNameInUse() throws {
        let cluster = try ClusterHarness(nodes: 1, leaseMilliseconds: 500)
        defer { cluster.stop() }
        #expect {
            _ = try cluster.startNode("a", leaseMilliseconds: 500)
        } throws: { error in
            guard case Server.StartError.cluster(.nodeNameInUse("a")) = error else { return false }
            return "\(error)".contains("node name 'a' is in use by a running node")
        }
    }

    /// Lines up to and including `last`.
    private func collect(_ client: TestClient, until last: String) throws -> [String] {
        var lines: [String] = []
        while true {
            let line = try client.readLine(timeout: 10)
            lines.append(line)
            if line == last { return lines }
        }
    }
}
