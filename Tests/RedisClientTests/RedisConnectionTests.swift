import Dispatch
import Foundation
import Platform
import RedisClient
import RedisProtocol
import TestSupport
import Testing

/// The client against a real redis-server over TCP: each test starts its own server
/// (RedisTestServer), so none depends on another's keys.
@Suite(
    "RedisConnection", .enabled(if: RedisTestServer.isAvailable, "redis-server is not installed (.ci/run installs it)"))
struct RedisConnectionTests {
    func connect(_ server: RedisTestServer, user: String? = nil, password: String? = nil, database: Int? = nil)
        throws -> RedisConnection
    {
        let url = RedisURL(host: "127.0.0.1", port: server.port, user: user, password: password, database: database)
        return try RedisConnection(url: url, timeout: 5)
    }

    @Test("PING answers PONG", .timeLimit(.minutes(2)))
    func ping() throws {
        let server = try RedisTestServer()
        let connection = try connect(server)
        #expect(try connection.roundTrip(["PING"], timeout: 5) == .simpleString("PONG"))
        #expect(try connection.roundTrip(["ECHO", "hi"], timeout: 5) == .bulkString("hi"))
    }

    @Test("SET and GET keep values with CR, LF, NUL and every byte intact", .timeLimit(.minutes(2)))
    func binarySafe() throws {
        let server = try RedisTestServer()
        let connection = try connect(server)
        let value: [UInt8] = Array("a\r\nb\0c\r\n*1\r\n$4\r\nPING\r\n".utf8) + (0...255).map { UInt8($0) }
        let key: [UInt8] = [0, 13, 10, 32, 255]
        let replies = try connection.roundTrip(
            [
                ["SET", .bytes(key), .bytes(value)], ["GET", .bytes(key)], ["STRLEN", .bytes(key)], ["GET", "missing"],
            ],
            timeout: 5)
        #expect(replies == [.simpleString("OK"), .bulkString(value), .integer(value.count), .bulkString(nil)])
    }

    @Test("a pipeline of 1,000 INCRs answers 1 to 1000 in order", .timeLimit(.minutes(2)))
    func pipeline() throws {
        let server = try RedisTestServer()
        let connection = try connect(server)
        let commands = [RESPCommand](repeating: ["INCR", "counter"], count: 1000)
        #expect(try connection.roundTrip(commands, timeout: 10) == (1...1000).map { .integer($0) })
        // The same with send, then one readReply per command.
        try connection.send(commands: commands)
        for expected in 1001...2000 { #expect(try connection.readReply(timeout: 5) == .integer(expected)) }
    }

    @Test("a pipeline bigger than the socket buffers goes out while its replies come in", .timeLimit(.minutes(2)))
    func bigPipeline() throws {
        let server = try RedisTestServer()
        let connection = try connect(server)
        let value = RESPArgument.bytes([UInt8](repeating: 120, count: 4000))
        let commands = (0..<2000).map { RESPCommand("SET", .integer($0), value) } + [["DBSIZE"]]
        let replies = try connection.roundTrip(commands, timeout: 30)
        #expect(replies.count == 2001 && replies.dropLast().allSatisfy(\.isOK) && replies.last == .integer(2000))
        let big = [UInt8](repeating: 7, count: 3 << 20)
        #expect(
            try connection.roundTrip([["SET", "big", .bytes(big)], ["GET", "big"]], timeout: 30) == [
                .simpleString("OK"), .bulkString(big),
            ])
    }

    @Test("an error reply is a value, and the connection goes on", .timeLimit(.minutes(2)))
    func errorReply() throws {
        let server = try RedisTestServer()
        let connection = try connect(server)
        let replies = try connection.roundTrip(
            [["NOSUCHCOMMAND", "x"], ["SET", "k", "v"], ["INCR", "k"], ["PING"]], timeout: 5)
        #expect(replies[0].errorCode == "ERR")
        #expect(replies[1].isOK)
        #expect(replies[2].errorMessage == "ERR value is not an integer or out of range")
        #expect(replies[3] == .simpleString("PONG"))
        #expect(connection.isOpen)
    }

    @Test("AUTH with the right password logs in; with a wrong one fails as authFailed", .timeLimit(.minutes(2)))
    func auth() throws {
        let server = try RedisTestServer(password: "s3cret pass\r\n")
        let connection = try connect(server, password: "s3cret pass\r\n")
        #expect(try connection.roundTrip(["PING"], timeout: 5) == .simpleString("PONG"))
        let named = try connect(server, user: "default", password: "s3cret pass\r\n")
        #expect(try named.roundTrip(["PING"], timeout: 5) == .simpleString("PONG"))

        #expect {
            _ = try connect(server, password: "wrong")
        } throws: { error in
            guard case .authFailed(let message) = error as? RedisClientError else { return false }
            return message.hasPrefix("WRONGPASS")
        }
        // Without a password every command is refused, as a value.
        let anonymous = try connect(server)
        #expect(try anonymous.roundTrip(["PING"], timeout: 5).errorCode == "NOAUTH")
    }

    @Test("a password for a server that wants none fails as authFailed", .timeLimit(.minutes(2)))
    func authWithoutPasswordConfigured() throws {
        let server = try RedisTestServer()
        #expect {
            _ = try connect(server, password: "unneeded")
        } throws: { error in
            if case .authFailed = error as? RedisClientError { return true }
            return false
        }
    }

    @Test("a database in the URL is SELECTed; a bad one is a serverError", .timeLimit(.minutes(2)))
    func select() throws {
        let server = try RedisTestServer()
        let three = try connect(server, database: 3)
        #expect(try three.roundTrip(["SET", "where", "three"], timeout: 5).isOK)
        let zero = try connect(server)
        #expect(try zero.roundTrip(["GET", "where"], timeout: 5) == .bulkString(nil))
        #expect(try zero.roundTrip([["SELECT", 3], ["GET", "where"]], timeout: 5)[1] == .bulkString("three"))
        #expect {
            _ = try connect(server, database: 999)
        } throws: { error in
            if case .serverError(let message) = error as? RedisClientError { return message.hasPrefix("ERR") }
            return false
        }
    }

    @Test("a server killed while a read waits gives closedByServer, not a hang", .timeLimit(.minutes(2)))
    func killedMidRead() throws {
        let server = try RedisTestServer()
        let connection = try connect(server)
        try connection.send(commands: [["BLPOP", "never", 0]])
        let pid = server.pid
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.2) { Posix.sendSignal(SIGKILL, to: pid) }
        let start = Posix.monotonicNanoseconds()
        #expect(throws: RedisClientError.closedByServer) { try connection.readReply(timeout: 30) }
        #expect(Posix.monotonicNanoseconds() - start < 10_000_000_000)
        #expect(!connection.isOpen)
        server.kill()
    }

    @Test("a read timeout gives timedOut and leaves the connection usable", .timeLimit(.minutes(2)))
    func readTimeout() throws {
        let server = try RedisTestServer()
        let connection = try connect(server)
        try connection.send(commands: [["BLPOP", "queue", 0]])
        let start = Posix.monotonicNanoseconds()
        #expect(throws: RedisClientError.timedOut(.reading)) { try connection.readReply(timeout: 0.2) }
        let elapsed = Posix.monotonicNanoseconds() - start
        #expect(elapsed >= 150_000_000 && elapsed < 2_000_000_000)
        #expect(connection.isOpen)
        let other = try connect(server)
        #expect(try other.roundTrip(["LPUSH", "queue", "job"], timeout: 5) == .integer(1))
        #expect(try connection.readReply(timeout: 5) == .array([.bulkString("queue"), .bulkString("job")]))
    }

    @Test("after a restart on the same port a new connection works", .timeLimit(.minutes(2)))
    func restart() throws {
        let server = try RedisTestServer()
        let port = server.port
        let connection = try connect(server)
        #expect(try connection.roundTrip(["SET", "k", "v"], timeout: 5).isOK)
        server.stop()
        #expect(throws: RedisClientError.closedByServer) { _ = try connection.roundTrip(["GET", "k"], timeout: 5) }
        #expect(throws: RedisClientError.self) { _ = try connect(server) }
        try server.restart()
        #expect(server.port == port)
        var backoff = Backoff(initialDelay: 0.01, maximumDelay: 0.1, seed: 1)
        var reconnected: RedisConnection?
        while reconnected == nil && backoff.attempts < 20 {
            reconnected = try? connect(server)
            if reconnected == nil { Posix.sleep(milliseconds: Int(backoff.nextDelay() * 1000)) }
        }
        let fresh = try #require(reconnected)
        #expect(try fresh.roundTrip(["GET", "k"], timeout: 5) == .bulkString(nil))
    }

    @Test("close is final and harmless twice", .timeLimit(.minutes(2)))
    func close() throws {
        let server = try RedisTestServer()
        let connection = try connect(server)
        connection.close()
        connection.close()
        #expect(!connection.isOpen)
        #expect(throws: RedisClientError.notConnected) { _ = try connection.roundTrip(["PING"], timeout: 5) }
    }
}
