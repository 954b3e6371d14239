import Bench
import Testing
import TestSupport

/// Short runs of the load generator against a real in-process server: it works end to end and
/// the server loses nothing. No timing assertions: this machine is too noisy for them.
@Suite(.serialized)
struct SmokeTests {
    @Test func fanoutReachesEveryOtherClientOnceAndInOrder() throws {
        let server = try TestServer.start()
        defer { server.stop() }
        var options = BenchOptions(scenario: .fanout)
        options.port = server.port
        options.clients = 200
        options.senders = 5
        options.messages = 100
        options.timeoutSeconds = 30
        let result = try BenchRunner.run(options)
        #expect(result.expected == 5 * 100 * 199)
        #expect(result.received == result.expected)
        #expect(result.lost == 0)
        #expect(result.duplicated == 0)
        #expect(result.outOfOrder == 0)
        #expect(result.echoes == 5 * 100, "BROADCAST reaches its sender too")
        #expect(result.isClean, "\(result.errorMessages)")
        #expect(result.latency.count == result.expected)
    }

    @Test func pairsDeliverEveryPrivateMessage() throws {
        let server = try TestServer.start()
        defer { server.stop() }
        var options = BenchOptions(scenario: .pairs)
        options.port = server.port
        options.clients = 100
        options.messages = 50
        options.timeoutSeconds = 30
        let result = try BenchRunner.run(options)
        #expect(result.expected == 100 * 50)
        #expect(result.lost == 0)
        #expect(result.isClean, "\(result.errorMessages)")
    }

    @Test func rateLimitedFanoutStillLosesNothing() throws {
        let server = try TestServer.start()
        defer { server.stop() }
        var options = BenchOptions(scenario: .fanout)
        options.port = server.port
        options.clients = 20
        options.senders = 2
        options.messages = 20
        options.rate = 200
        options.timeoutSeconds = 30
        let result = try BenchRunner.run(options)
        #expect(result.lost == 0)
        #expect(result.isClean, "\(result.errorMessages)")
    }

    @Test func idleHoldsEveryConnection() throws {
        let server = try TestServer.start()
        defer { server.stop() }
        var options = BenchOptions(scenario: .idle)
        options.port = server.port
        options.clients = 300
        options.holdSeconds = 0.5
        options.timeoutSeconds = 30
        let result = try BenchRunner.run(options)
        #expect(result.connectionsReady == 300)
        #expect(result.held == 300)
        #expect(result.isClean, "\(result.errorMessages)")
    }

    @Test(arguments: [AdapterKind.linechat, .irc])
    func joinStormJoinsEveryoneToTwoRooms(adapter: AdapterKind) throws {
        let server = try TestServer.start()
        defer { server.stop() }
        var options = BenchOptions(scenario: .joinstorm)
        options.port = server.port
        options.adapter = adapter
        options.clients = 200
        options.roomSize = 10
        options.holdSeconds = 0.2
        options.timeoutSeconds = 30
        let result = try BenchRunner.run(options)
        #expect(result.connectionsReady == 200)
        #expect(result.held == 200)
        #expect((result.stormSeconds ?? 0) >= result.wallSeconds)
        #expect(result.isClean, "\(result.errorMessages)")
        #expect(result.json().contains("\"storm_seconds\":"))
    }

    @Test func connectCountsHandshakes() throws {
        let server = try TestServer.start()
        defer { server.stop() }
        var options = BenchOptions(scenario: .connect)
        options.port = server.port
        options.clients = 300
        options.concurrency = 16
        options.timeoutSeconds = 30
        let result = try BenchRunner.run(options)
        #expect(result.connectionsReady == 300)
        #expect(result.latency.count == 300)
        #expect(result.isClean, "\(result.errorMessages)")
    }

    @Test func aServerThatIsNotThereIsAnErrorNotAHang() throws {
        let server = try TestServer.start()
        let port = server.port
        server.stop()
        var options = BenchOptions(scenario: .fanout)
        options.port = port
        options.clients = 4
        options.senders = 1
        options.messages = 1
        options.timeoutSeconds = 5
        let result = try BenchRunner.run(options)
        #expect(!result.isClean)
        #expect(result.connectionFailures > 0)
        #expect(result.lost == result.expected)
    }
}
