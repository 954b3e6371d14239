import Bench
import TestSupport
import Testing

/// `linechat-bench --websocket` against a real in-process server's HTTP port: the upgrade,
/// registration and a fan-out over WebSocket lose nothing. No timing assertions.
@Suite(.serialized)
struct WebSocketSmokeTests {
    static func server() throws -> TestServer {
        try TestServer.start(history: false) { $0.httpPort = 0 }
    }

    @Test func fanoutOverWebSocketReachesEveryOtherClientOnceAndInOrder() throws {
        let server = try Self.server()
        defer { server.stop() }
        var options = BenchOptions(scenario: .fanout)
        options.port = try #require(server.server.httpPort)
        options.websocket = true
        options.clients = 100
        options.senders = 5
        options.messages = 50
        options.timeoutSeconds = 30
        let result = try BenchRunner.run(options)
        #expect(result.expected == 5 * 50 * 99)
        #expect(result.received == result.expected)
        #expect(result.lost == 0 && result.duplicated == 0 && result.outOfOrder == 0)
        #expect(result.echoes == 5 * 50, "BROADCAST reaches its sender too")
        #expect(result.isClean, "\(result.errorMessages)")
    }

    @Test func pairsAndConnectOverWebSocket() throws {
        let server = try Self.server()
        defer { server.stop() }
        var pairs = BenchOptions(scenario: .pairs)
        pairs.port = try #require(server.server.httpPort)
        pairs.websocket = true
        pairs.clients = 20
        pairs.messages = 20
        pairs.timeoutSeconds = 30
        let result = try BenchRunner.run(pairs)
        #expect(result.lost == 0)
        #expect(result.isClean, "\(result.errorMessages)")

        var connect = BenchOptions(scenario: .connect)
        connect.port = pairs.port
        connect.websocket = true
        connect.clients = 50
        let connected = try BenchRunner.run(connect)
        #expect(connected.isClean, "\(connected.errorMessages)")
    }

    @Test func websocketFlagParses() throws {
        guard case .run(let options) = try BenchOptions.parse(["fanout", "--websocket"]) else {
            Issue.record("not a run")
            return
        }
        #expect(options.websocket && options.port == 8080)
        #expect(throws: (any Error).self) { try BenchOptions.parse(["fanout", "--websocket", "--tls"]) }
    }
}
