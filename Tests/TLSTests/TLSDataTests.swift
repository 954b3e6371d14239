import Platform
import Testing

@testable import TLS

/// One end of a two-way transfer driven without blocking: what it still has to send, what it
/// has received, and how often the socket made it wait.
final class TransferEnd {
    let connection: TLSConnection
    let fd: Int32
    let outgoing: [UInt8]
    let chunk: Int
    private(set) var sent = 0
    private(set) var received: [UInt8] = []
    private(set) var wantWrites = 0
    private(set) var partialWrites = 0
    private(set) var closed = false
    /// The last call said it needs the socket writable.
    private(set) var needsWritable = false

    init(_ connection: TLSConnection, fd: Int32, sending outgoing: [UInt8], chunk: Int = 64 * 1024) {
        self.connection = connection
        self.fd = fd
        self.outgoing = outgoing
        self.chunk = chunk
    }

    /// Writes until the socket is full, then reads until OpenSSL has nothing more.
    func step() throws {
        needsWritable = false
        while sent < outgoing.count {
            let length = min(chunk, outgoing.count - sent)
            let result = outgoing.withUnsafeBytes {
                connection.write(UnsafeRawBufferPointer(rebasing: $0[sent..<(sent + length)]))
            }
            switch result {
            case .wrote(let count):
                #expect(count > 0 && count <= length)
                if count < length { partialWrites += 1 }
                sent += count
                continue
            case .wantWrite:
                wantWrites += 1
                needsWritable = true
            case .wantRead:
                break
            case .closed, .failed:
                throw TransferFailure(result: "\(result)")
            }
            break
        }
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        reading: while true {
            let result = buffer.withUnsafeMutableBytes { connection.read(into: $0) }
            switch result {
            case .bytes(let count): received += buffer[..<count]
            case .wantRead: break reading
            case .wantWrite:
                needsWritable = true
                break reading
            case .closed:
                closed = true
                break reading
            case .failed:
                throw TransferFailure(result: "\(result)")
            }
        }
    }
}

struct TransferFailure: Error {
    let result: String
}

/// Runs both ends until each has received `expecting` bytes, waiting with poll in between.
func transfer(_ ends: [TransferEnd], expecting: [Int]) throws {
    while true {
        for end in ends { try end.step() }
        let pending = ends.indices.filter {
            ends[$0].received.count < expecting[$0] || ends[$0].sent < ends[$0].outgoing.count
        }
        if pending.isEmpty { return }
        var waits: [(fd: Int32, interest: Socket.Interest)] = []
        for index in pending {
            if ends[index].received.count < expecting[index] { waits.append((ends[index].fd, .readable)) }
            if ends[index].needsWritable { waits.append((ends[index].fd, .writable)) }
        }
        guard try !Socket.waitReady(waits, timeoutMilliseconds: 5_000).isEmpty else {
            throw TransferFailure(result: "stalled: \(ends.map { ($0.sent, $0.received.count) })")
        }
    }
}

@Suite("TLS data")
struct TLSDataTests {
    @Test("a self-signed server and an insecure client agree on TLS 1.3 and exchange lines")
    func smallExchange() throws {
        let (serverContext, clientContext) = try insecurePair()
        let pair = try LoopbackPair()
        let (server, client) = try connected(pair, server: serverContext, client: clientContext)
        #expect(server.protocolVersion == "TLSv1.3" && client.protocolVersion == "TLSv1.3")
        #expect(server.cipher != nil && server.cipher == client.cipher)
        #expect(server.requestedServerName == "localhost")
        #expect(!server.isSessionReused && !client.isSessionReused)

        let ends = [
            TransferEnd(server, fd: pair.server, sending: Array(":server 001 alice :Welcome\r\n".utf8)),
            TransferEnd(client, fd: pair.client, sending: Array("NICK alice\r\nUSER a 0 * :A\r\n".utf8)),
        ]
        try transfer(ends, expecting: [ends[1].outgoing.count, ends[0].outgoing.count])
        #expect(ends[0].received == ends[1].outgoing)
        #expect(ends[1].received == ends[0].outgoing)
    }

    @Test("1 MiB each way through small socket buffers: partial writes and want-write retries lose nothing")
    func megabyteBothWays() throws {
        let (serverContext, clientContext) = try insecurePair()
        let pair = try LoopbackPair(bufferBytes: 64 * 1024)
        let (server, client) = try connected(pair, server: serverContext, client: clientContext)
        let size = 1024 * 1024
        let down = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 11) }
        let up = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) }
        let ends = [
            TransferEnd(server, fd: pair.server, sending: down, chunk: 48 * 1024 + 7),
            TransferEnd(client, fd: pair.client, sending: up, chunk: 5_000),
        ]
        try transfer(ends, expecting: [size, size])
        #expect(ends[1].received == down)
        #expect(ends[0].received == up)
        #expect(ends[0].wantWrites > 0 && ends[1].wantWrites > 0)
        #expect(ends[0].partialWrites > 0, "a 48 KiB write must end early when the socket fills")
    }

    @Test("shutdown sends close_notify: the peer reads closed")
    func closeNotify() throws {
        let (serverContext, clientContext) = try insecurePair()
        let pair = try LoopbackPair()
        let (server, client) = try connected(pair, server: serverContext, client: clientContext)
        server.shutdown()
        let end = TransferEnd(client, fd: pair.client, sending: [])
        for _ in 0..<50 where !end.closed {
            try end.step()
            _ = try Socket.waitReadable([pair.client], timeoutMilliseconds: 100)
        }
        #expect(end.closed)
    }

    @Test("end of file without close_notify after the handshake reads as closed")
    func endOfFileIsClosed() throws {
        let (serverContext, clientContext) = try insecurePair()
        let pair = try LoopbackPair()
        let (server, _) = try connected(pair, server: serverContext, client: clientContext)
        Posix.shutdownWrite(pair.client)
        let end = TransferEnd(server, fd: pair.server, sending: [])
        for _ in 0..<50 where !end.closed {
            try end.step()
            _ = try Socket.waitReadable([pair.server], timeoutMilliseconds: 100)
        }
        #expect(end.closed)
    }

    @Test("a blocking client on its own thread talks to a non-blocking server")
    func blockingClientThread() throws {
        Posix.ignoreSIGPIPE()
        let serverContext = try TLSServerContext.selfSigned(commonName: "localhost")
        let clientContext = try TLSClientContext(verify: false)
        let listener = try Socket.listen(on: SocketAddress(host: "127.0.0.1", port: 0)!)
        defer { Posix.close(listener) }
        let address = try Socket.localAddress(listener)
        let thread = try PlatformThread.start(name: "tls-client") {
            guard let fd = try? Socket.connect(to: address) else { return }
            defer { Posix.close(fd) }
            guard let connection = try? clientContext.makeConnection(socket: fd, serverName: "localhost"),
                connection.handshake() == .done
            else { return }
            _ = Array("ping\r\n".utf8).withUnsafeBytes { connection.write($0) }
            var buffer = [UInt8](repeating: 0, count: 64)
            _ = buffer.withUnsafeMutableBytes { connection.read(into: $0) }
            connection.shutdown()
        }
        defer { thread.join() }

        var accepted: Int32?
        while accepted == nil {
            _ = try Socket.waitReadable([listener], timeoutMilliseconds: 2_000)
            if case .done(let (fd, _)) = try Posix.accept(listener) { accepted = fd }
        }
        let fd = accepted!
        defer { Posix.close(fd) }
        let server = try serverContext.makeConnection(socket: fd)
        var progress = server.handshake()
        while progress == .wantRead || progress == .wantWrite {
            _ = try Socket.waitReady([(fd, progress == .wantRead ? .readable : .writable)], timeoutMilliseconds: 2_000)
            progress = server.handshake()
        }
        #expect(progress == .done)
        let end = TransferEnd(server, fd: fd, sending: Array("pong\r\n".utf8))
        for _ in 0..<50 where !end.closed {
            try end.step()
            _ = try Socket.waitReadable([fd], timeoutMilliseconds: 100)
        }
        #expect(end.received == Array("ping\r\n".utf8))
        #expect(end.closed)
    }
}
