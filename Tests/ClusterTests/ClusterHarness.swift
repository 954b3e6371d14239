import ChatServer
import Cluster
import Foundation
import Platform
import RedisClient
import TestSupport

/// One Redis and several LineChat nodes (in this process) that share it, for tests.
final class ClusterHarness {
    let redis: RedisTestServer
    private(set) var nodes: [TestServer] = []

    /// `persistentRedis`: Redis keeps its data in an append-only file across a restart.
    init(nodes count: Int, leaseMilliseconds: Int = 10_000, history: Bool = true, persistentRedis: Bool = false) throws {
        redis = try RedisTestServer(persistent: persistentRedis)
        for index in 0..<count {
            nodes.append(try startNode(Self.name(index), leaseMilliseconds: leaseMilliseconds, history: history))
        }
    }

    static func name(_ index: Int) -> String { String(UnicodeScalar(UInt8(ascii: "a") + UInt8(index))) }

    var url: RedisURL { RedisURL(host: "127.0.0.1", port: redis.port) }

    func startNode(_ name: String, leaseMilliseconds: Int = 10_000, history: Bool = true) throws -> TestServer {
        let url = self.url
        return try TestServer.start(history: history) { configuration in
            configuration.cluster = ClusterSettings(url: url, nodeName: name, leaseMilliseconds: leaseMilliseconds)
        }
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
