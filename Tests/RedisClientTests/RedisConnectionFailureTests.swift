import Platform
import RedisClient
import RedisProtocol
import Testing

/// What the client does when the other end is not a healthy Redis: nothing listening, bytes
/// that are not RESP, a connection dropped in the middle of a reply. No redis-server needed.
@Suite("RedisConnection failures")
struct RedisConnectionFailureTests {
    @Test("connecting to a closed port fails fast with connectFailed", .timeLimit(.minutes(2)))
    func closedPort() throws {
        let port = try FakeServer().port  // bound, then closed when the fake goes away
        let start = Posix.monotonicNanoseconds()
        #expect(
            throws: RedisClientError.connectFailed(address: "127.0.0.1:\(port)", SystemError("connect", errno: 111))
        ) {
            _ = try RedisConnection(url: RedisURL(host: "127.0.0.1", port: port), timeout: 5)
        }
        #expect(Posix.monotonicNanoseconds() - start < 1_000_000_000)
        let error = RedisClientError.connectFailed(address: "127.0.0.1:\(port)", SystemError("connect", errno: 111))
        #expect(error.description == "cannot connect to Redis at 127.0.0.1:\(port): connection refused")
    }

    @Test("a connect that gets no answer times out", .timeLimit(.minutes(2)))
    func connectTimeout() throws {
        // A listener that never accepts, with a backlog of 0, holds one finished connection; the
        // kernel drops the next one's SYN, so that connect stays in progress.
        let fake = try FakeServer(backlog: 0)
        let url = RedisURL(host: "127.0.0.1", port: fake.port)
        var held: [RedisConnection] = []
        var outcome: RedisClientError?
        let start = Posix.monotonicNanoseconds()
        for _ in 0..<4 where outcome == nil {
            do {
                held.append(try RedisConnection(url: url, timeout: 0.2))
            } catch {
                outcome = error
            }
        }
        #expect(outcome == .timedOut(.connecting))
        #expect(held.count <= 2)
        #expect(Posix.monotonicNanoseconds() - start < 2_000_000_000)
    }

    @Test("an unknown host name is unresolvable", .timeLimit(.minutes(2)))
    func unresolvable() {
        #expect {
            _ = try RedisConnection(url: RedisURL(host: "no-such-host.invalid"), timeout: 5)
        } throws: { error in
            if case .unresolvable = error as? RedisClientError { return true }
            return false
        }
    }

    @Test("bytes that are not RESP are a protocol error, and the connection is closed", .timeLimit(.minutes(2)))
    func protocolError() throws {
        let fake = try FakeServer()
        let connection = try RedisConnection(url: RedisURL(host: "127.0.0.1", port: fake.port), timeout: 5)
        let server = try fake.accept()
        try fake.write(server, Array("+OK\r\n?what\r\n".utf8))
        #expect(try connection.readReply(timeout: 5) == .simpleString("OK"))
        #expect(throws: RedisClientError.protocolError(.unknownType(UInt8(ascii: "?")))) {
            try connection.readReply(timeout: 5)
        }
        #expect(!connection.isOpen)
        #expect(throws: RedisClientError.notConnected) { try connection.readReply(timeout: 1) }
        #expect(throws: RedisClientError.notConnected) { try connection.send(commands: [["PING"]]) }
    }

    @Test("a server that closes in the middle of a reply gives closedByServer", .timeLimit(.minutes(2)))
    func closedMidReply() throws {
        let fake = try FakeServer()
        let connection = try RedisConnection(url: RedisURL(host: "127.0.0.1", port: fake.port), timeout: 5)
        let server = try fake.accept()
        try fake.write(server, Array(":1\r\n$10\r\nabc".utf8))
        fake.close(server)
        #expect(try connection.readReply(timeout: 5) == .integer(1))
        #expect(throws: RedisClientError.closedByServer) { try connection.readReply(timeout: 5) }
        #expect(!connection.isOpen)
    }

    @Test("a reset connection gives closedByServer", .timeLimit(.minutes(2)))
    func reset() throws {
        let fake = try FakeServer()
        let connection = try RedisConnection(url: RedisURL(host: "127.0.0.1", port: fake.port), timeout: 5)
        let server = try fake.accept()
        try Posix.setLinger(server, seconds: 0)
        fake.close(server)
        #expect(throws: RedisClientError.closedByServer) { _ = try connection.roundTrip(["PING"], timeout: 5) }
    }

    @Test(
        "replies that do not come in time end a round trip with timedOut and close the connection",
        .timeLimit(.minutes(2)))
    func roundTripTimeout() throws {
        let fake = try FakeServer()
        let connection = try RedisConnection(url: RedisURL(host: "127.0.0.1", port: fake.port), timeout: 5)
        let server = try fake.accept()
        try fake.write(server, Array("+PONG\r\n".utf8))  // one reply of the two owed
        let start = Posix.monotonicNanoseconds()
        #expect(throws: RedisClientError.timedOut(.reading)) {
            _ = try connection.roundTrip([["PING"], ["PING"]], timeout: 0.2)
        }
        #expect(Posix.monotonicNanoseconds() - start < 2_000_000_000)
        #expect(!connection.isOpen)
    }

    @Test("a server that never answers AUTH makes connecting time out", .timeLimit(.minutes(2)))
    func authTimeout() throws {
        let fake = try FakeServer()
        #expect(throws: RedisClientError.timedOut(.connecting)) {
            _ = try RedisConnection(url: RedisURL(host: "127.0.0.1", port: fake.port, password: "pw"), timeout: 0.2)
        }
    }

    @Test("AUTH goes out as an array of bulk strings, the user first when there is one", .timeLimit(.minutes(2)))
    func authCommand() throws {
        let fake = try FakeServer()
        let reader = try fake.acceptInBackground(replies: "+OK\r\n+OK\r\n")
        let connection = try RedisConnection(
            url: RedisURL(host: "127.0.0.1", port: fake.port, user: "node", password: "p w\r\n", database: 2),
            timeout: 5)
        #expect(connection.isOpen)
        let expected = RESPEncoder.encode(["AUTH", "node", "p w\r\n"]) + RESPEncoder.encode(["SELECT", "2"])
        #expect(try reader.received(count: expected.count) == expected)
    }
}
