import ChatServer
import Foundation
import Platform
import TLS
import TestSupport
import Testing

/// The server's TLS port, in-process over real sockets: TLS and plain users in one room, WHOIS
/// 671, handshakes that fail or never start, limits over TLS, a large fan-out.
@Suite("TLS server")
struct TLSServerTests {
    /// A test server that also serves TLS (a self-signed certificate) on a free port.
    static func server(
        defaults: Bool = false, _ configure: @escaping (inout ServerConfiguration) -> Void = { _ in }
    ) throws -> TestServer {
        let setUp: (inout ServerConfiguration) -> Void = { configuration in
            configuration.tls = TLSSettings(certificate: .selfSigned(commonName: "localhost"), port: 0)
            configure(&configuration)
        }
        return defaults
            ? try TestServer.startWithDefaults(history: false, setUp) : try TestServer.start(history: false, setUp)
    }

    @Test("a TLS user and a plain user chat in #lobby and privately, both ways")
    func tlsAndPlainUsersChat() throws {
        let server = try Self.server()
        defer { server.stop() }
        let alice = try server.connectTLS()
        #expect(alice.protocolVersion == "TLSv1.3")
        try alice.register("alice")
        let bob = try server.connect()
        try bob.register("bob")
        try alice.expect(":bob JOIN #lobby")

        try alice.send("BROADCAST hello from TLS")
        try bob.expect(":alice PRIVMSG #lobby :hello from TLS")
        try bob.send("BROADCAST hello from plain")
        try alice.expect(":alice PRIVMSG #lobby :hello from TLS")
        try alice.expect(":bob PRIVMSG #lobby :hello from plain")

        try alice.send("PRIVMSG bob :psst")
        try bob.expect(where: { $0.hasPrefix(":alice") && $0.hasSuffix(" PRIVMSG bob :psst") })
        try bob.send("PRIVMSG alice :psst back")
        try alice.expect(where: { $0.hasPrefix(":bob") && $0.hasSuffix(" PRIVMSG alice :psst back") })

        #expect(
            waitUntil {
                let stats = server.server.statisticsSnapshot()
                return stats?.servesTLS == true && stats?.tlsHandshakes == 1 && stats?.tlsHandshakeFailures == 0
            })
        let secure = server.server.connections().map { ($0.nickname, $0.isSecure) }
        #expect(secure.contains { $0 == ("alice", true) } && secure.contains { $0 == ("bob", false) })
    }

    @Test("WHOIS shows 671 (secure connection) for the TLS user only, before 317 and 318")
    func whoisSecure() throws {
        let server = try Self.server()
        defer { server.stop() }
        let alice = try server.connectTLS()
        try alice.register("alice")
        let bob = try server.connect()
        try bob.register("bob")

        try bob.send("WHOIS alice")
        var lines: [String] = []
        while lines.last?.contains(" 318 ") != true { lines.append(try bob.readLine()) }
        #expect(lines.contains(":linechat 671 bob alice :is using a secure connection"), "\(lines)")
        let secureIndex = lines.firstIndex { $0.contains(" 671 ") } ?? .max
        let idleIndex = lines.firstIndex { $0.contains(" 317 ") } ?? -1
        #expect(secureIndex < idleIndex)

        try alice.send("WHOIS bob")
        lines = []
        while lines.last?.contains(" 318 ") != true { lines.append(try alice.readLine()) }
        #expect(lines.contains(":linechat 312 alice bob linechat :LineChat"), "\(lines)")
        #expect(!lines.contains { $0.contains(" 671 ") }, "\(lines)")
    }

    @Test("a client that sends text instead of a ClientHello is closed and counted; others chat on")
    func garbageInsteadOfHandshake() throws {
        let server = try Self.server()
        defer { server.stop() }
        let alice = try server.connectTLS()
        try alice.register("alice")
        let bob = try server.connect()
        try bob.register("bob")

        let talker = try TestClient(port: try #require(server.tlsPort))
        try talker.send("NICK mallory")
        #expect(talker.waitForClose())
        #expect(
            waitUntil { (server.server.statisticsSnapshot()?.tlsHandshakeFailures ?? 0) == 1 },
            "handshake failures: \(server.server.statisticsSnapshot()?.tlsHandshakeFailures ?? -1)")

        try alice.send("BROADCAST still here")
        try bob.expect(":alice PRIVMSG #lobby :still here", skippingOthers: true)
        try alice.roundTrip()
        #expect(server.server.openConnections == 2)
    }

    @Test("a TCP connection that never starts the handshake is closed at the registration timeout")
    func handshakeNeverStarts() throws {
        let server = try Self.server { $0.registrationTimeoutSeconds = 1 }
        defer { server.stop() }
        let started = Posix.monotonicNanoseconds()
        let silent = try TestClient(port: try #require(server.tlsPort))
        let alice = try server.connectTLS()
        try alice.register("alice")
        #expect(silent.waitForClose(timeout: 5))
        let elapsed = Double(Posix.monotonicNanoseconds() - started) / 1e9
        #expect(elapsed >= 0.9, "closed after \(elapsed) s")
        // Counters are published at the end of the loop's wakeup, after the close.
        #expect(waitUntil { server.server.statisticsSnapshot()?.tlsHandshakeFailures == 1 })
        try alice.roundTrip()  // registered in time: stays
    }

    @Test("an unregistered TLS user is dropped at the registration timeout with the ERROR line")
    func registrationTimeoutOverTLS() throws {
        let server = try Self.server { $0.registrationTimeoutSeconds = 1 }
        defer { server.stop() }
        let idle = try server.connectTLS()
        try idle.expect("ERROR :Registration timeout", skippingOthers: true, timeout: 5)
        #expect(idle.waitForClose())
    }

    @Test("a 1 MiB line with no LF over TLS gets the 417, then ERROR :Excess flood, as over plain TCP")
    func megabyteLineOverTLS() throws {
        let server = try Self.server(defaults: true)
        defer { server.stop() }
        let alice = try server.connectTLS()
        try alice.register("alice")
        let bob = try server.connect()
        try bob.register("bob")
        let chunk = [UInt8](repeating: 0x41, count: 64 * 1024)
        try? alice.sendRaw(Array("BROADCAST ".utf8))
        for _ in 0..<16 {
            do { try alice.sendRaw(chunk) } catch { break }  // dropped for flooding: sends may fail
        }
        try alice.expect(":linechat 417 alice :Input line was too long (max 512 bytes)", skippingOthers: true)
        try alice.expect("ERROR :Excess flood", skippingOthers: true)
        #expect(alice.waitForClose())
        try bob.expect(where: { $0.hasPrefix(":alice QUIT :Excess flood") })
        try bob.roundTrip()
    }

    @Test("a fan-out of 3,000 lines reaches several TLS users complete and in order", .timeLimit(.minutes(10)))
    func fanOutToTLSUsers() throws {
        let server = try Self.server()
        defer { server.stop() }
        let sender = try server.connectTLS()
        try sender.register("sender")
        var readers: [TLSTestClient] = []
        for i in 0..<4 {
            let reader = try server.connectTLS()
            try reader.register("reader\(i)")
            try sender.expect(":reader\(i) JOIN #lobby")
            readers.append(reader)
        }
        let plain = try server.connect()
        try plain.register("plain")
        for reader in readers { try reader.expect(":plain JOIN #lobby", skippingOthers: true) }
        try sender.expect(":plain JOIN #lobby")

        let payload = String(repeating: "x", count: 200)
        let count = 3000
        let batchSize = 150
        for start in stride(from: 0, to: count, by: batchSize) {
            var batch = ""
            for i in start..<(start + batchSize) { batch += "BROADCAST \(i) \(payload)\r\n" }
            // One batch at a time, each 32 KiB in a few records: the sender's unread input stays
            // under --flood-backlog-bytes, as a plain sender's must.
            try sender.sendRaw(Array(batch.utf8))
            for reader in readers + [sender] {
                for i in start..<(start + batchSize) {
                    try reader.expect(":sender PRIVMSG #lobby :\(i) \(payload)", timeout: 10)
                }
            }
        }
        for i in 0..<count { try plain.expect(":sender PRIVMSG #lobby :\(i) \(payload)", timeout: 10) }
        let stats = try #require(server.server.statisticsSnapshot())
        #expect(stats.sendQueueDisconnects == 0 && stats.floodDisconnects == 0)
    }

    @Test(
        "a TLS reader that stops reading is dropped at --sendq-bytes: whole lines in order, then ERROR :SendQ exceeded last",
        .timeLimit(.minutes(10)))
    func sendQueueOverflowOverTLS() throws {
        let server = try Self.server { $0.sendQueueBytes = 64 * 1024 }
        defer { server.stop() }
        let slow = try server.connectTLS()
        try slow.register("slow")
        let sender = try server.connect()
        try sender.register("b0")
        try slow.expect(":b0 JOIN #lobby", skippingOthers: true)
        let filler = String(repeating: "y", count: 400)
        var sequence = 0
        var quit = false
        // OpenSSL stops on wantWrite with records half sent: the queue is cut behind what it
        // started on, and the retry offers the same bytes (else: "bad write retry", no ERROR).
        while !quit && sequence < 400_000 {
            var batch: [UInt8] = []
            for _ in 0..<200 {
                sequence += 1
                batch += Array("PRIVMSG slow :\(sequence) \(filler)\r\n".utf8)
            }
            try sender.sendRaw(batch)
            while let line = try? sender.readLine(timeout: 0.001) {
                if line == ":slow QUIT :SendQ exceeded" { quit = true }
            }
        }
        #expect(quit)
        var lines: [String] = []
        while true {
            do {
                lines.append(try slow.readLine(timeout: 10))
            } catch LineClient.ReadError.closed {
                break
            }
        }
        #expect(lines.last == "ERROR :SendQ exceeded")
        let messages = lines.filter { $0.hasPrefix(":b0 PRIVMSG slow :") }
        #expect(!messages.isEmpty)
        for (index, line) in messages.enumerated() where line != ":b0 PRIVMSG slow :\(index + 1) \(filler)" {
            Issue.record("line \(index + 1) is cut or out of order: \(line.prefix(60))...")
            break
        }
        #expect(waitUntil { server.server.statisticsSnapshot()?.sendQueueDisconnects == 1 })
    }

    @Test("the server serves TLS alone when the plain port is off")
    func tlsOnly() throws {
        let server = try Self.server { $0.servesPlain = false }
        defer { server.stop() }
        #expect(server.server.plainPort == nil && server.server.tlsPort == server.port)
        let alice = try server.connectTLS()
        try alice.register("alice")
        try alice.roundTrip()
    }
}
