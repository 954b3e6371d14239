import Platform
import Testing

@testable import TLS

/// Peers that are not TLS, or stop halfway: each ends as a value, never a crash or a hang.
@Suite("TLS failures")
struct TLSFailureTests {
    /// Drives the server's handshake until it is no longer waiting (or a second passes).
    func serverHandshake(_ connection: TLSConnection, _ fd: Int32) throws -> TLSProgress {
        while true {
            let progress = connection.handshake()
            guard progress == .wantRead || progress == .wantWrite else { return progress }
            let interest: Socket.Interest = progress == .wantRead ? .readable : .writable
            if try Socket.waitReady([(fd, interest)], timeoutMilliseconds: 1_000).isEmpty { return progress }
        }
    }

    /// Reads on the server end until it stops: the bytes, then how it ended.
    func serverRead(_ connection: TLSConnection, _ fd: Int32) throws -> TLSReadResult {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let result = buffer.withUnsafeMutableBytes { connection.read(into: $0) }
            switch result {
            case .bytes: continue
            case .wantRead:
                if try Socket.waitReadable([fd], timeoutMilliseconds: 1_000).isEmpty { return result }
            default: return result
            }
        }
    }

    @Test(
        "a peer that sends something other than a ClientHello fails the handshake with OpenSSL's reason",
        arguments: [
            Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8), Array("NICK alice\r\nUSER a 0 * :A\r\n".utf8),
            [0x16, 0x03, 0x01, 0x00, 0x05, 1, 2, 3, 4, 5], (0..<300).map { UInt8(truncatingIfNeeded: $0 &* 97 &+ 13) },
        ])
    func garbageInsteadOfClientHello(bytes: [UInt8]) throws {
        let server = try TLSServerContext.selfSigned(commonName: "localhost")
        let pair = try LoopbackPair()
        let connection = try server.makeConnection(socket: pair.server)
        try pair.sendRaw(bytes, on: pair.client)
        let progress = try serverHandshake(connection, pair.server)
        guard case .failed(.handshakeFailed(let reason)) = progress else {
            Issue.record("\(progress)")
            return
        }
        #expect(!reason.isEmpty && !reason.hasPrefix("error:"), "\(reason)")
        connection.shutdown()  // does nothing after a failure
    }

    @Test("a peer that closes before or during the ClientHello ends the handshake as closed")
    func endOfFileMidHandshake() throws {
        let server = try TLSServerContext.selfSigned(commonName: "localhost")
        for prefix in [[], [0x16, 0x03, 0x01, 0x02, 0x00, 0x01]] as [[UInt8]] {
            let pair = try LoopbackPair()
            let connection = try server.makeConnection(socket: pair.server)
            if !prefix.isEmpty { try pair.sendRaw(prefix, on: pair.client) }
            pair.close(pair.client)
            let progress = try serverHandshake(connection, pair.server)
            #expect(progress == .closed, "\(progress)")
        }
    }

    @Test("a client whose server vanishes mid-handshake sees closed")
    func serverVanishes() throws {
        let client = try TLSClientContext(verify: false)
        let pair = try LoopbackPair()
        let connection = try client.makeConnection(socket: pair.client, serverName: "localhost")
        #expect(connection.handshake() == .wantRead)  // the ClientHello went out
        pair.close(pair.server)
        _ = try Socket.waitReadable([pair.client], timeoutMilliseconds: 1_000)
        let progress = connection.handshake()
        #expect(progress == .closed || progress.isIOFailure, "\(progress)")
    }

    @Test(
        "bytes that are not TLS records after the handshake fail the read, for this connection only",
        arguments: [
            [0x17, 0x03, 0x03, 0x00, 0x40] + (0..<64).map { UInt8(truncatingIfNeeded: $0 &* 37) },
            (0..<200).map { UInt8(truncatingIfNeeded: $0 &* 101 &+ 7) },
        ])
    func garbageAfterHandshake(bytes: [UInt8]) throws {
        let (serverContext, clientContext) = try insecurePair()
        let pair = try LoopbackPair()
        let (server, _) = try connected(pair, server: serverContext, client: clientContext)
        try pair.sendRaw(bytes, on: pair.client)
        let result = try serverRead(server, pair.server)
        guard case .failed(.protocolViolation(let reason)) = result else {
            Issue.record("\(result)")
            return
        }
        #expect(!reason.isEmpty, "\(reason)")
        var buffer = [UInt8](repeating: 0, count: 64)
        #expect(buffer.withUnsafeMutableBytes { server.read(into: $0) } == result, "a failed connection stays failed")
        #expect(Array("x".utf8).withUnsafeBytes { server.write($0) } == .failed(.protocolViolation(reason: reason)))
        server.shutdown()  // does nothing after a failure

        // Another connection on this thread starts clean: the failure's queue was drained.
        let other = try LoopbackPair()
        let (otherServer, otherClient) = try connected(other, server: serverContext, client: clientContext)
        let ends = [
            TransferEnd(otherServer, fd: other.server, sending: Array("hello\r\n".utf8)),
            TransferEnd(otherClient, fd: other.client, sending: []),
        ]
        try transfer(ends, expecting: [0, 7])
        #expect(ends[1].received == Array("hello\r\n".utf8))
    }
}

extension TLSProgress {
    var isIOFailure: Bool {
        if case .failed(.io) = self { true } else { false }
    }
}
