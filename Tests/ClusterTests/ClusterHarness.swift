import ChatServer
import Cluster
import Foundation
import Platform
import RedisClient
import RedisProtocol
import TestSupport

/// One Redis and several LineChat nodes (in this process) that share it, for tests.
final class ClusterHarness {
    let redis: RedisTestServer
    private(set) var nodes: [TestServer] = []

    /// `persistentRedis`: Redis keeps its data in an append-only file across a restart.
    init(
        nodes count: Int, leaseMilliseconds: Int = 10_000, history: Bool = true, persistentRedis: Bool = false,
        snapshotEvery: Int = 10_000
    ) throws {
        redis = try RedisTestServer(persistent: persistentRedis)
        for index in 0..<count {
            nodes.append(
                try startNode(
                    Self.name(index), leaseMilliseconds: leaseMilliseconds, history: history,
                    snapshotEvery: snapshotEvery))
        }
    }

    static func name(_ index: Int) -> String { String(UnicodeScalar(UInt8(ascii: "a") + UInt8(index))) }

    var url: RedisURL { RedisURL(host: "127.0.0.1", port: redis.port) }

    func startNode(_ name: String, leaseMilliseconds: Int = 10_000, history: Bool = true, snapshotEvery: Int = 10_000)
        throws -> TestServer
    {
        let url = self.url
        return try TestServer.start(history: history) { configuration in
            var settings = ClusterSettings(url: url, nodeName: name, leaseMilliseconds: leaseMilliseconds)
            settings.snapshotEvery = snapshotEvery
            configuration.cluster = settings
        }
    }

    /// One command to the cluster's Redis, as a test looks at what is stored.
    func redisCommand(_ arguments: [String]) throws -> RESPValue {
        let connection = try RedisConnection(url: url, timeout: 5)
        defer { connection.close() }
        return try connection.roundTrip(RESPCommand(strings: arguments), timeout: 5)
    }

    /// A user registered on node `index`, read through its auto-join of #lobby.
    func user(_ nick: String, on index: Int) throws -> TestClient {
        let client = try nodes[index].connect()
        try client.register(nick)
        return client
    }

    /// Waits until the server has answered everything `client` sent (lines from others that
    /// arrive meanwhile are skipped).
    func sync(_ client: TestClient) throws {
        pings += 1
        try client.send("PING cluster-\(pings)")
        try client.expect(":linechat PONG linechat :cluster-\(pings)", skippingOthers: true)
    }
    private var pings = 0

    func stop() {
        for node in nodes { node.stop() }
        redis.stop()
    }
}
