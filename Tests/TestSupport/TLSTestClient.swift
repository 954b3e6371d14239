import Platform
import TLS

/// A test's TLS user: a socket polled with deadlines, a TLS client that checks no certificate, and the same
/// line-reading helpers as `TestClient` (`expect`, `register`, `roundTrip`) on top.
public final class TLSTestClient: LineExpecting {
    public var transportNote: String { "over TLS" }
    public let fd: Int32
    public let tls: TLSConnection
    private var buffer: [UInt8] = []
    private var isClosed = false
    private var pings = 0

    /// Something the TLS layer reported instead of what the test waited for.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// Connects to `127.0.0.1:port` and completes the handshake (within `timeout` seconds).
    /// `trusting`: a PEM file of the only certificates accepted (checked against "localhost");
    /// nil accepts any certificate.
    public init(port: Int, host: String = "127.0.0.1", trusting caFile: String? = nil, timeout: Double = 5) throws {
        Posix.ignoreSIGPIPE()  // OpenSSL writes with write(2)
        let fd = try Socket.connect(to: SocketAddress.resolve(host: host, port: port))
        let tls: TLSConnection
        do {
            // Non-blocking, so that every wait has a deadline (poll) instead of blocking in OpenSSL.
            try Socket.setNonBlocking(fd)
            let context = try caFile.map { file throws(TLSError) in try TLSClientContext(caFile: file) }
            tls = try (context ?? TLSClientContext(verify: false)).makeConnection(socket: fd, serverName: "localhost")
        } catch {
            Posix.close(fd)
            throw error
        }
        self.fd = fd
        self.tls = tls
        // From here a throw runs deinit, which closes the descriptor.
        let deadline = Posix.monotonicNanoseconds() + Int64(timeout * 1e9)
        while true {
            switch tls.handshake() {
            case .done: return
            case .wantRead: try wait(.readable, until: deadline)
            case .wantWrite: try wait(.writable, until: deadline)
            case .closed: throw Failure(description: "the server closed the connection during the handshake")
            case .failed(let error): throw Failure(description: "TLS handshake failed: \(error)")
            }
        }
    }

    deinit { close() }

    /// The protocol agreed on ("TLSv1.3").
    public var protocolVersion: String? { tls.protocolVersion }

    public var localPort: Int { (try? Socket.localAddress(fd).port) ?? 0 }

    public func sendRaw(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let result = bytes.withUnsafeBytes { raw in tls.write(UnsafeRawBufferPointer(rebasing: raw[offset...])) }
            switch result {
            case .wrote(let count): offset += count
            case .wantWrite: try wait(.writable, until: Posix.monotonicNanoseconds() + 5_000_000_000)
            case .wantRead: try wait(.readable, until: Posix.monotonicNanoseconds() + 5_000_000_000)
            case .closed: throw Failure(description: "the server closed the connection")
            case .failed(let error): throw Failure(description: "TLS write failed: \(error)")
            }
        }
    }

    public func send(_ line: String) throws { try sendRaw(Array(line.utf8) + [13, 10]) }

    /// The next line without its terminator, or `LineClient.ReadError` after `timeout` seconds
    /// (`.closed` once the server has closed and every line was read).
    public func readLine(timeout: Double = 5) throws -> String {
        let deadline = Posix.monotonicNanoseconds() + Int64(timeout * 1e9)
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            if let lf = buffer.firstIndex(of: 10) {
                var line = Array(buffer[..<lf])
                buffer.removeSubrange(...lf)
                if line.last == 13 { line.removeLast() }
                return String(decoding: line, as: UTF8.self)
            }
            if isClosed { throw LineClient.ReadError.closed }
            // Decrypted bytes OpenSSL already holds come first; poll only when it has none.
            let result = chunk.withUnsafeMutableBytes { tls.read(into: $0) }
            switch result {
            case .bytes(let count): buffer.append(contentsOf: chunk[..<count])
            case .wantRead:
                do {
                    try wait(.readable, until: deadline)
                } catch is Failure {
                    throw LineClient.ReadError.timedOut
                }
            case .wantWrite:
                try wait(.writable, until: deadline)
            case .closed, .failed:
                isClosed = true
            }
        }
    }

    /// As `TestClient.register`: the welcome notice, NICK, through the MOTD and the default
    /// room's join burst (through its 366).
    public func register(_ nick: String, server: String = "linechat", room: String? = TestClient.defaultRoom) throws {
        try expect(where: { $0.hasPrefix(":\(server) NOTICE * :") })
        try send("NICK \(nick)")
        try expect(":\(server) 001 \(nick) :Welcome to the chat room, \(nick)!")
        try expect(where: { $0.hasPrefix(":\(server) 376 \(nick) ") })
        if let room { try expect(where: { $0 == ":\(server) 366 \(nick) \(room) :End of /NAMES list" }) }
    }

    /// A round trip: sends a PING with a fresh token and reads up to its PONG (the lines queued
    /// before it are skipped).
    public func roundTrip(server: String = "linechat", timeout: Double = 5) throws {
        pings += 1
        let token = "sync-\(pings)"
        try send("PING \(token)")
        try expect(":\(server) PONG \(server) :\(token)", skippingOthers: true, timeout: timeout)
    }

    /// True when the server closes the connection within `timeout` seconds (lines before the
    /// close are skipped).
    public func waitForClose(timeout: Double = 5) -> Bool {
        while true {
            do {
                _ = try readLine(timeout: timeout)
            } catch LineClient.ReadError.closed {
                return true
            } catch {
                return false
            }
        }
    }

    public func close() {
        guard !isClosedDescriptor else { return }
        isClosedDescriptor = true
        Posix.close(fd)
    }

    private var isClosedDescriptor = false

    private func wait(_ interest: Socket.Interest, until deadline: Int64) throws {
        let remaining = deadline - Posix.monotonicNanoseconds()
        guard remaining > 0 else { throw Failure(description: "timed out") }
        _ = try Socket.waitReady([(fd, interest)], timeoutMilliseconds: Int32(min(remaining / 1_000_000 + 1, 60_000)))
    }
}
