import Foundation
import Platform
import Testing

@testable import TLS

/// Both ends of a loopback TCP connection, non-blocking, closed at deinit.
final class LoopbackPair {
    let server: Int32
    let client: Int32
    private var open: Set<Int32>

    /// `bufferBytes` shrinks the kernel's socket buffers, so big writes fill them quickly.
    init(bufferBytes: Int32? = nil) throws {
        Posix.ignoreSIGPIPE()  // OpenSSL writes with write(2): a reset peer would raise SIGPIPE
        let listener = try Socket.listen(on: SocketAddress(host: "127.0.0.1", port: 0)!)
        defer { Posix.close(listener) }
        let address = try Socket.localAddress(listener)
        let (client, _) = try Socket.connectNonBlocking(to: address)
        var accepted: Int32?
        for _ in 0..<100 where accepted == nil {
            if case .done(let (fd, _)) = try Posix.accept(listener) {
                accepted = fd
            } else {
                _ = try Socket.waitReadable([listener], timeoutMilliseconds: 50)
            }
        }
        guard let server = accepted else { throw SystemError("accept", errno: 110) }
        _ = try Socket.waitReady([(client, .writable)], timeoutMilliseconds: 2_000)
        try Posix.setNoDelay(server)
        try Posix.setNoDelay(client)
        if let bufferBytes {
            try Socket.setBufferSizes(server, send: bufferBytes, receive: bufferBytes)
            try Socket.setBufferSizes(client, send: bufferBytes, receive: bufferBytes)
        }
        self.server = server
        self.client = client
        open = [server, client]
    }

    /// Closes one end early. Unread bytes in its receive queue (TLS 1.3 session tickets) make
    /// the kernel send a reset rather than end of file.
    func close(_ fd: Int32) {
        if open.remove(fd) != nil { Posix.close(fd) }
    }

    /// Sends raw bytes on one end, past TLS.
    func sendRaw(_ bytes: [UInt8], on fd: Int32) throws {
        guard case .success(.done(let count)) = ByteIO.send(fd, bytes, from: 0), count == bytes.count else {
            throw SystemError("send", errno: 11)
        }
    }

    deinit { for fd in open { Posix.close(fd) } }
}

/// A fresh temporary directory, removed with its files at deinit.
final class TemporaryDirectory {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "linechat-tls-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// Writes `text` to a file of this directory and returns its path.
    func write(_ name: String, _ text: String) throws -> String {
        let file = path + "/" + name
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }
}

/// Where a handshake stopped: done, closed, failed, or still waiting when the peers went quiet.
enum HandshakeEnd: Equatable {
    case done, closed
    case failed(TLSError)
    case stalled(TLSProgress)

    var error: TLSError? {
        if case .failed(let error) = self { error } else { nil }
    }
}

/// Drives both handshakes on this thread, waiting with poll for what each end wants, until
/// neither can go further (done, closed, failed, or nothing arrives for a second).
func handshake(server: TLSConnection, _ serverFD: Int32, client: TLSConnection, _ clientFD: Int32)
    throws -> (server: HandshakeEnd, client: HandshakeEnd)
{
    var ends: [HandshakeEnd] = [.stalled(.wantRead), .stalled(.wantWrite)]
    let sides = [(server, serverFD), (client, clientFD)]
    while true {
        for (index, (connection, _)) in sides.enumerated() {
            guard case .stalled = ends[index] else { continue }
            switch connection.handshake() {
            case .done: ends[index] = .done
            case .closed: ends[index] = .closed
            case .failed(let error): ends[index] = .failed(error)
            case let waiting: ends[index] = .stalled(waiting)
            }
        }
        var waits: [(fd: Int32, interest: Socket.Interest)] = []
        for (index, (_, fd)) in sides.enumerated() {
            if case .stalled(let progress) = ends[index] {
                waits.append((fd, progress == .wantWrite ? .writable : .readable))
            }
        }
        if waits.isEmpty { return (ends[0], ends[1]) }
        if try Socket.waitReady(waits, timeoutMilliseconds: 1_000).isEmpty { return (ends[0], ends[1]) }
    }
}

/// A server context for a new self-signed certificate, and a client context that trusts
/// nothing and checks nothing (`--insecure`).
func insecurePair() throws -> (TLSServerContext, TLSClientContext) {
    (try TLSServerContext.selfSigned(commonName: "localhost"), try TLSClientContext(verify: false))
}

/// A handshaken pair of connections over `pair`.
func connected(
    _ pair: LoopbackPair, server: TLSServerContext, client: TLSClientContext, name: String = "localhost"
) throws -> (TLSConnection, TLSConnection) {
    let serverEnd = try server.makeConnection(socket: pair.server)
    let clientEnd = try client.makeConnection(socket: pair.client, serverName: name)
    let ends = try handshake(server: serverEnd, pair.server, client: clientEnd, pair.client)
    #expect(ends.server == .done && ends.client == .done, "handshake: \(ends)")
    return (serverEnd, clientEnd)
}
