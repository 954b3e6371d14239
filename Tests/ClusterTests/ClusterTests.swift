import ChatServer
import Cluster
import Foundation
import Platform
import RedisClient
import Testing
import TestSupport

/// Three nodes and one Redis on loopback: users on different nodes chat as on one server.
@Suite(
    "Cluster: nodes that act as one chat", .serialized, .enabled(if: RedisTestServer.isAvailable),
    .timeLimit(.minutes(10)))
struct ClusterTests {
    @Test("a room message and a private message reach users on the other nodes, in the order they were sent")
    func crossNodeChat() throws {
        let cluster = try ClusterHarness(nodes: 3)
        defer { cluster.stop() }
        let alice = try cluster.user("alice", on: 0)
        let bob = try cluster.user("bob", on: 1)
        let carol = try cluster.user("carol", on: 2)
        for index in 0..<200 { try alice.send("BROADCAST line \(index)") }
        for index in 0..<200 {
            try bob.expect(":alice PRIVMSG #lobby :line \(index)", skippingOthers: true)
            try carol.expect(":alice PRIVMSG #lobby :line \(index)", skippingOthers: true)
        }
        try carol.send("PRIVMSG alice :only for you")
        try alice.expect(":carol PRIVMSG alice :only for you", skippingOthers: true)
        try bob.send("PRIVMSG #lobby :from b")
        try carol.expect(":bob PRIVMSG #lobby :from b", skippingOthers: true)
        try alice.expect(":bob PRIVMSG #lobby :from b", skippingOthers: true)
        // The stranger heard nothing of the private message.
        try cluster.sync(bob)
        try bob.expectSilence()
    }

    @Test("NAMES, WHO, WHOIS and LIST show everyone, whichever node answers")
    func queriesSeeTheWholeCluster() throws {
        let cluster = try ClusterHarness(nodes: 3)
        defer { cluster.stop() }
        let alice = try cluster.user("alice", on: 0)
        let bob = try cluster.user("bob", on: 1)
        let carol = try cluster.user("carol", on: 2)
        try bob.send("JOIN #rust")
        try bob.expect(":bob JOIN #rust", skippingOthers: true)
        try carol.send("JOIN #rust")
        try bob.expect(":carol JOIN #rust", skippingOthers: true)
        try cluster.sync(alice)
        try alice.send("NAMES #lobby")
        let names = try alice.expect(skippingOthers: true, "353") { $0.hasPrefix(":linechat 353 alice = #lobby :") }
        #expect(Set(names.split(separator: ":").last!.split(separator: " ")) == ["alice", "bob", "carol"])
        try alice.send("WHOIS carol")
        try alice.expect(skippingOthers: true, "319") { $0.hasPrefix(":linechat 319 alice carol :") && $0.contains("#rust") }
        try alice.send("WHO #rust")
        let who = try alice.expect(skippingOthers: true, "352") { $0.hasPrefix(":linechat 352 alice #rust ") }
        try alice.expect(skippingOthers: true, "the other 352") { $0.hasPrefix(":linechat 352 alice #rust ") && $0 != who }
        try alice.expect(":linechat 315 alice #rust :End of /WHO list", skippingOthers: true)
        try alice.send("LIST #*")
        try alice.expect(skippingOthers: true, "322 #rust") { $0.hasPrefix(":linechat 322 alice #rust 2 ") }
        // The operator sees the nodes and their users.
        let metrics = try #require(cluster.nodes[0].server.metricsText())
        #expect(metrics.contains("linechat_cluster_connected 1"))
        #expect(metrics.contains("linechat_cluster_users{node=\"1\"} 1"))
        #expect(metrics.contains("linechat_cluster_users{node=\"3\"} 1"))
        let stats = try #require(cluster.nodes[1].server.statisticsSnapshot()?.cluster)
        #expect(stats.nodeName == "b" && stats.connected && stats.nodes == [1: 1, 2: 1, 3: 1])
    }

    @Test("a user who joins through another node gets the room's history from there, with the same msgids")
    func historyOnEveryNode() throws {
        let cluster = try ClusterHarness(nodes: 3)
        defer { cluster.stop() }
        let alice = try cluster.user("alice", on: 0)
        for index in 1...3 { try alice.send("PRIVMSG #lobby :earlier \(index)") }
        try cluster.sync(alice)
        // Node c has the records once it has read them: a joiner there is shown them.
        let records = { (node: TestServer) in node.history?.recent(room: "#lobby", limit: 25).map(\.text) ?? [] }
        #expect(waitUntil(timeout: 5) { records(cluster.nodes[2]).suffix(3) == ["earlier 1", "earlier 2", "earlier 3"] })
        let dave = try cluster.nodes[2].connect()
        try dave.expect(where: { $0.hasPrefix(":linechat NOTICE * :") })
        try dave.send("NICK dave")
        for index in 1...3 {
            try dave.expect(skippingOthers: true, "earlier \(index)") {
                $0.hasPrefix(":alice PRIVMSG #lobby :[") && $0.hasSuffix("] earlier \(index)")
            }
        }
        let ids = { (node: TestServer) in node.history?.recent(room: "#lobby", limit: 25).map(\.id) ?? [] }
        #expect(ids(cluster.nodes[0]).suffix(3) == ids(cluster.nodes[2]).suffix(3))
    }

    @Test("the same nickname claimed through three nodes at once: exactly one wins, 1,000 rounds")
    func nicknameRace() throws {
        let cluster = try ClusterHarness(nodes: 3, history: false)
        defer { cluster.stop() }
        let clients = try (0..<3).map { index in try cluster.user("racer\(index)", on: index) }
        var nicks = ["racer0", "racer1", "racer2"]
        var wins = [0, 0, 0]
        for round in 0..<1000 {
            let nick = "n\(round)"
            for client in clients { try client.send("NICK \(nick)") }
            var winners = 0
            for (index, client) in clients.enumerated() {
                let old = nicks[index]
                let answer = try client.expect(skippingOthers: true, "the answer to NICK \(nick)") { line in
                    line == ":\(old) NICK \(nick)" || line.hasPrefix(":linechat 433 \(old) \(nick) ")
                }
                if !answer.hasPrefix(":linechat 433") {
                    winners += 1
                    wins[index] += 1
                    nicks[index] = nick
                }
            }
            #expect(winners == 1, "round \(round): \(winners) winners")
            if winners != 1 { return }
        }
        #expect(wins.reduce(0, +) == 1000)
        // Every node's copy of the directory agrees on who holds each nickname.
        for node in cluster.nodes {
            let holders = try nicks.map { try #require(node.server.registry?.user(named: $0)).nickname.name }
            #expect(holders == nicks)
        }
    }

    @Test("a +l room raced from three nodes takes exactly as many members as its limit")
    func limitRace() throws {
        let cluster = try ClusterHarness(nodes: 3, history: false)
        defer { cluster.stop() }
        let owner = try cluster.user("owner", on: 0)
        try owner.send("JOIN #small")
        try owner.expect(":owner JOIN #small", skippingOthers: true)
        try owner.send("MODE #small +l 5")
        try owner.expect(":owner MODE #small +l 5", skippingOthers: true)
        var joiners: [TestClient] = []
        for index in 0..<12 { joiners.append(try cluster.user("j\(index)", on: index % 3)) }
        for joiner in joiners { try joiner.send("JOIN #small") }
        var joined = 0
        var refused = 0
        for joiner in joiners {
            let nick = joiner.nick ?? ""
            let answer = try joiner.expect(skippingOthers: true, "JOIN or 471") { line in
                line == ":\(nick) JOIN #small" || line.hasPrefix(":linechat 471 \(nick) #small ")
            }
            if answer.hasPrefix(":linechat 471") { refused += 1 } else { joined += 1 }
        }
        #expect(joined == 4)
        #expect(refused == 8)
        for node in cluster.nodes {
            let room = try #require(node.server.registry?.room(named: "#small"))
            #expect(room.members.count == 5)
        }
    }

    @Test("a nickname is taken on one node: the others refuse it at once, and it is free again after its QUIT")
    func nicknameFreedByQuit() throws {
        let cluster = try ClusterHarness(nodes: 2, history: false)
        defer { cluster.stop() }
        let alice = try cluster.user("alice", on: 0)
        let other = try cluster.nodes[1].connect()
        try other.expect(where: { $0.hasPrefix(":linechat NOTICE * :") })
        try other.send("NICK alice")
        try other.expect(":linechat 433 * alice :Nickname is already in use", skippingOthers: true)
        try alice.send("QUIT :bye")
        #expect(alice.waitForClose())
        try other.send("NICK alice")
        try other.expect(":linechat 001 alice :Welcome to the chat room, alice!", skippingOthers: true)
    }
}

/// The log does not grow for ever: snapshots, and a node that starts from one.
@Suite("Cluster: snapshots of the directory", .serialized, .enabled(if: RedisTestServer.isAvailable), .timeLimit(.minutes(10)))
struct ClusterSnapshotTests {
    @Test("the log is trimmed after snapshots, and a node started later builds the same directory from one")
    func snapshotsTrimTheLog() throws {
        let cluster = try ClusterHarness(nodes: 2, history: false, snapshotEvery: 20)
        defer { cluster.stop() }
        let owner = try cluster.user("owner", on: 0)
        try owner.send("JOIN #kept")
        try owner.expect(":owner JOIN #kept", skippingOthers: true)
        try owner.send("TOPIC #kept :still here")
        try owner.expect(":owner TOPIC #kept :still here", skippingOthers: true)
        try owner.send("MODE #kept +l 50")
        try owner.expect(":owner MODE #kept +l 50", skippingOthers: true)
        // Users come and go on both nodes: three log entries each (NICK, JOIN #lobby, QUIT).
        var staying: [TestClient] = []
        for index in 0..<40 {
            let user = try cluster.user("visitor\(index)", on: index % 2)
            if index % 3 == 0 { staying.append(user) }
            if index % 5 == 0 {
                try user.send("JOIN #kept")
                try user.expect(":visitor\(index) JOIN #kept", skippingOthers: true)
            }
            if index % 3 != 0 {
                try user.send("QUIT")
                #expect(user.waitForClose())
            }
        }
        #expect(waitUntil(timeout: 5) { cluster.nodes.allSatisfy { $0.server.registry?.count == staying.count + 1 } })
        let snapshots = cluster.nodes.compactMap { $0.server.cluster?.status.snapshots }.reduce(0, +)
        #expect(snapshots >= 2, "snapshots taken: \(snapshots)")
        let length = try cluster.redisCommand(["XLEN", "linechat:log"]).integer ?? 0
        #expect(length < 60, "the log holds \(length) entries after about 130 changes")
        // A node that starts now reads the snapshot and the log after it.
        let late = try cluster.startNode("z", snapshotEvery: 20)
        defer { late.stop() }
        let reference = try #require(cluster.nodes[0].server.registry)
        let copy = try #require(late.server.registry)
        #expect(Set(copy.snapshot().map(\.nickname.name)) == Set(reference.snapshot().map(\.nickname.name)))
        let room = try #require(copy.room(named: "#kept"))
        #expect(room.topic?.text == "still here" && room.modes.limit == 50)
        #expect(room.members["owner"]?.isOperator == true)
        #expect(Set(room.members.keys) == Set(reference.room(named: "#kept").map { Array($0.members.keys) } ?? []))
    }
}
