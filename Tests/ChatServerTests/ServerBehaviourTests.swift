import Foundation
import Platform
import TestSupport
import Testing

/// What the server does that no transcript can show: bytes on the wire, wall-clock times,
/// shutdown.
@Suite("Server behaviour")
struct ServerBehaviourTests {
    /// Reads raw bytes from `client` until they end with `end`; fails after `timeout` seconds.
    static func readBytes(_ client: TestClient, through end: String, timeout: Double = 5) throws -> [UInt8] {
        let fd = client.connection.fd
        let terminator = Array(end.utf8)
        let deadline = Posix.monotonicNanoseconds() + Int64(timeout * 1e9)
        var bytes: [UInt8] = []
        while !(bytes.count >= terminator.count && bytes.suffix(terminator.count).elementsEqual(terminator)) {
            let remaining = (deadline - Posix.monotonicNanoseconds()) / 1_000_000
            guard remaining > 0 else {
                throw TestClient.Mismatch(
                    description: "no \"\(end)\" within \(timeout) s; got \(bytes.count) bytes: \(String(decoding: bytes, as: UTF8.self).debugDescription)")
            }
            guard try !Socket.waitReadable([fd], timeoutMilliseconds: Int32(remaining)).isEmpty else { continue }
            var chunk = [UInt8](repeating: 0, count: 65536)
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            guard count > 0 else {
                throw TestClient.Mismatch(description: "the server closed the connection before \"\(end)\"")
            }
            bytes += chunk[..<count]
        }
        return bytes
    }

    @Test("every line the server sends ends in CRLF on the wire, and no CR or LF stands alone")
    func linesEndInCRLF() throws {
        let server = try TestServer.start()
        defer { server.stop() }
        let alice = try server.connect()
        let bob = try server.connect()
        // Replies, numerics with and without a trailing parameter, deliveries and broadcasts.
        try alice.send("NICK alice")
        try alice.send("HELP")
        try alice.send("FROB")
        try alice.send("PING :end-alice")
        let aliceBytes = try Self.readBytes(alice, through: "end-alice\r\n")
        try bob.send("NICK bob")
        try bob.send("PRIVMSG alice :hi")
        try bob.send("BROADCAST all")
        try bob.send("LIST")
        try bob.send("PING end-bob")
        let bobBytes = try Self.readBytes(bob, through: "end-bob\r\n")
        // Bob's lines reach alice through her loop's inbox (the two may be on different loops):
        // wait for the last of them before the PING that ends her bytes.
        var aliceMore = try Self.readBytes(alice, through: ":bob PRIVMSG #lobby :all\r\n")
        try alice.send("PING :end-again")
        aliceMore += try Self.readBytes(alice, through: "end-again\r\n")
        for (who, bytes) in [("alice", aliceBytes + aliceMore), ("bob", bobBytes)] {
            let text = String(decoding: bytes, as: UTF8.self)
            let lines = text.split(separator: "\r\n", omittingEmptySubsequences: false)
            #expect(lines.last == "", "\(who): the last line ends in CRLF")
            #expect(lines.count > 5, "\(who): \(lines.count) lines")
            for line in lines.dropLast() {
                #expect(
                    !line.contains("\r") && !line.contains("\n"), "\(who): a bare CR or LF in \(line.debugDescription)")
            }
            #expect(lines.contains { $0.hasSuffix(" 376 \(who) :End of /MOTD command.") })
        }
        #expect(
            String(decoding: aliceMore, as: UTF8.self).hasPrefix(
                ":bob JOIN #lobby\r\n:bob PRIVMSG alice :hi\r\n:bob PRIVMSG #lobby :all\r\n"))
    }

    @Test("003 gives the start-up time as yyyy-MM-dd at HH:mm:ss UTC")
    func createdDate() throws {
        let before = Date()
        let server = try TestServer.start()
        defer { server.stop() }
        let after = Date()
        let alice = try server.connect()
        try alice.expect(where: { $0.hasPrefix(":linechat NOTICE * :") })
        try alice.send("NICK alice")
        let line = try alice.expect(where: { $0.hasPrefix(":linechat 003 alice :") })
        let prefix = ":linechat 003 alice :This server was created "
        #expect(line.hasPrefix(prefix), "\(line)")
        let stamp = String(line.dropFirst(prefix.count))
        #expect(stamp.wholeMatch(of: /\d{4}-\d{2}-\d{2} at \d{2}:\d{2}:\d{2} UTC/) != nil, "\(stamp)")
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd 'at' HH:mm:ss 'UTC'"
        let created = try #require(formatter.date(from: stamp), "\(stamp) is not a date")
        // Whole seconds, in UTC: within the second the server started.
        #expect(
            created >= before.addingTimeInterval(-1) && created <= after,
            "created \(created), started between \(before) and \(after)")
    }

    @Test("the registration timeout does not fire early, and does fire", .timeLimit(.minutes(10)))
    func registrationTimeoutIsOnTime() throws {
        let server = try TestServer.start { $0.registrationTimeoutSeconds = 2 }
        defer { server.stop() }
        let started = Posix.monotonicNanoseconds()
        let idle = try server.connect()
        let late = try server.connect()
        try idle.expect(where: { $0.hasPrefix(":linechat NOTICE * :") })
        try late.expect(where: { $0.hasPrefix(":linechat NOTICE * :") })
        // Just before the deadline: still connected, and registering still works.
        try late.expectSilence(for: 1.5)
        try late.send("NICK late")
        try late.expect(":linechat 001 late :Welcome to the chat room, late!")
        try idle.expect("ERROR :Registration timeout", timeout: 5)
        let elapsed = Double(Posix.monotonicNanoseconds() - started) / 1e9
        #expect(elapsed >= 2, "the timeout fired after \(elapsed) s, before the 2 s it was given")
        #expect(elapsed < 4, "the timeout fired after \(elapsed) s")
        #expect(idle.waitForClose())
        try late.expect(where: { $0.hasPrefix(":linechat 376 late ") })
        try late.readJoinBurst("late", room: TestClient.defaultRoom)
        try late.expectSilence(for: 0.5)  // registered in time: no timeout for late
    }

    @Test("a connection that arrives while the server shuts down gets ERROR and is closed")
    func connectionDuringShutdown() throws {
        // One loop, kept draining by a client that reads nothing while output waits for it:
        // the shutdown then lasts its full two seconds, and a connection can arrive meanwhile.
        let server = try TestServer.start {
            $0.eventLoops = 1
            $0.sendQueueBytes = 64 << 20
            $0.floodBurst = 10_000_000
            $0.floodLinesPerSecond = 100_000_000
        }
        let watcher = try server.connect()
        try watcher.register("watcher")
        let stuck = try server.connect()
        try Posix.setOption(stuck.connection.fd, SOL_SOCKET, SO_RCVBUF, 4096)
        try stuck.register("stuck")
        let token = String(repeating: "t", count: 400)
        let pings = 20_000  // 8 MB of PONGs: more than the kernel buffers for a reader that reads nothing
        for _ in 0..<(pings / 500) {
            try stuck.sendRaw(Array(String(repeating: "PING \(token)\r\n", count: 500).utf8))
        }
        #expect(
            waitUntil(timeout: 10) { (server.server.statisticsSnapshot()?.linesIn ?? 0) >= pings },
            "the server read every PING")
        let stopped = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            server.stop()
            stopped.signal()
        }
        try watcher.expect("ERROR :Server shutting down", skippingOthers: true)
        let newcomer = try server.connect()
        // The loops keep accepting while they drain, so the newcomer is told why, not reset.
        try newcomer.expect("ERROR :Server shutting down")
        #expect(newcomer.waitForClose())
        #expect(stopped.wait(timeout: .now() + 10) == .success)
        stuck.close()
    }
}
