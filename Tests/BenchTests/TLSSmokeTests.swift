import Bench
import TLSFront
import Testing
import TestSupport

/// The load generator over TLS, against a TLS front (a generated self-signed certificate)
/// relaying to a real in-process server.
@Suite(.serialized)
struct TLSSmokeTests {
    @Test func fanoutOverTLSLosesNothing() throws {
        let server = try TestServer.start()
        defer { server.stop() }
        let front = try TLSFront(backendPort: server.port)
        defer { front.stop() }
        var options = BenchOptions(scenario: .fanout)
        options.port = front.port
        options.tls = true
        options.clients = 5
        options.senders = 5
        options.messages = 100
        options.timeoutSeconds = 30
        let result = try BenchRunner.run(options)
        #expect(result.expected == 5 * 100 * 4)
        #expect(result.received == result.expected)
        #expect(result.lost == 0)
        #expect(result.duplicated == 0)
        #expect(result.outOfOrder == 0)
        #expect(result.isClean, "\(result.errorMessages)")
        #expect(front.handshakes == 5)
        #expect(result.json().contains("\"tls\":true"))
    }

    @Test func connectOverTLSCountsHandshakes() throws {
        let server = try TestServer.start()
        defer { server.stop() }
        let front = try TLSFront(backendPort: server.port)
        defer { front.stop() }
        var options = BenchOptions(scenario: .connect)
        options.port = front.port
        options.tls = true
        options.clients = 40
        options.concurrency = 8
        options.timeoutSeconds = 30
        let result = try BenchRunner.run(options)
        #expect(result.connectionsReady == 40)
        #expect(result.latency.count == 40)
        #expect(result.isClean, "\(result.errorMessages)")
        #expect(front.handshakes == 40)
    }

    @Test func aPlainServerFailsTheTLSHandshakeWithAReason() throws {
        let server = try TestServer.start()
        defer { server.stop() }
        var options = BenchOptions(scenario: .connect)
        options.port = server.port
        options.tls = true
        options.clients = 2
        options.concurrency = 2
        options.timeoutSeconds = 10
        let result = try BenchRunner.run(options)
        #expect(!result.isClean)
        #expect(result.connectionFailures == 2)
        #expect(result.errorMessages.contains { $0.hasPrefix("TLS handshake failed") }, "\(result.errorMessages)")
    }

    @Test func tlsFlag() throws {
        guard case .run(let options) = try BenchOptions.parse(["fanout", "--tls"]) else {
            Issue.record("not a run")
            return
        }
        #expect(options.tls && options.port == 6697)
        guard case .run(let explicit) = try BenchOptions.parse(["connect", "--tls", "--port", "7000"]) else {
            Issue.record("not a run")
            return
        }
        #expect(explicit.tls && explicit.port == 7000)
        #expect(throws: UsageError.self) { try BenchOptions.parse(["fanout", "--tls", "--adapter", "nio-chat"]) }
    }
}
