import LineProtocol
import Platform
import TLS

/// Why the client could not connect, in the words it prints:
/// `could not connect to localhost:33000: connection refused`.
public struct ConnectError: Error, Equatable, CustomStringConvertible {
    public let host: String
    public let port: Int
    /// The C library's reason, in lower case.
    public let reason: String

    public var description: String { "could not connect to \(host):\(port): \(reason)" }
}

/// The connection failed while sending.
struct ConnectionLost: Error, CustomStringConvertible {
    let description: String
}

/// The client's TCP connection: a blocking socket that the event loop polls, reads when it
/// is readable, and splits into lines. Over TLS the socket is non-blocking once connected:
/// the handshake and writes wait with poll, and a read takes everything OpenSSL has decrypted
/// (it keeps what the kernel no longer signals), so the loop's poll never misses a line.
final class ServerConnection {
    /// How long the TLS handshake may take.
    static let handshakeTimeoutMilliseconds: Int64 = 10_000

    /// The longest server line kept whole; a longer one is dropped with a note.
    static let maxLineBytes = 64 * 1024

    let fd: Int32
    private var framer = LineFramer(maxLineBytes: ServerConnection.maxLineBytes)
    private var buffer = [UInt8](repeating: 0, count: 16 * 1024)
    private var isClosed = false
    private var tls: TLSConnection?

    /// What a read found.
    enum ReadOutcome {
        /// Complete lines (possibly none yet), without their line ends.
        case lines([String])
        /// The server closed the connection, or it failed.
        case closed
    }

    /// Connects to `host:port`, over TLS when `tls` is given (`host` is the name the server's
    /// certificate must carry, unless the context does not verify).
    static func connect(host: String, port: Int, tls: TLSClientContext? = nil) throws(ConnectError)
        -> ServerConnection
    {
        let address: SocketAddress
        do {
            address = try SocketAddress.resolve(host: host, port: port)
        } catch {
            switch error {
            case .invalidPort: throw ConnectError(host: host, port: port, reason: "invalid port")
            case .unresolvable(_, let reason):
                throw ConnectError(host: host, port: port, reason: reason.prefix(1).lowercased() + reason.dropFirst())
            }
        }
        let connection: ServerConnection
        do {
            connection = ServerConnection(fd: try Socket.connect(to: address))
        } catch {
            throw ConnectError(host: host, port: port, reason: error.reason)
        }
        guard let tls else { return connection }
        do throws(TLSError) {
            try connection.startTLS(tls, serverName: host)
        } catch {
            connection.close()
            var reason = error.description
            if case .certificateVerificationFailed = error {
                reason += " (use --tls-ca <file> to trust a certificate, or --insecure)"
            }
            throw ConnectError(host: host, port: port, reason: reason)
        }
        return connection
    }

    private init(fd: Int32) {
        self.fd = fd
    }

    /// The TLS handshake on the connected socket, made non-blocking, within the time limit.
    private func startTLS(_ context: TLSClientContext, serverName: String) throws(TLSError) {
        do {
            try Socket.setNonBlocking(fd)
        } catch {
            throw .io(error)
        }
        let connection = try context.makeConnection(socket: fd, serverName: serverName)
        tls = connection
        let deadline = Posix.monotonicNanoseconds() + Self.handshakeTimeoutMilliseconds * 1_000_000
        while true {
            let interest: Socket.Interest
            switch connection.handshake() {
            case .done: return
            case .wantRead: interest = .readable
            case .wantWrite: interest = .writable
            case .closed: throw .handshakeFailed(reason: "the server closed the connection")
            case .failed(let error): throw error
            }
            let remaining = (deadline - Posix.monotonicNanoseconds()) / 1_000_000
            guard remaining > 0 else { throw .handshakeFailed(reason: "timed out") }
            do {
                _ = try Socket.waitReady([(fd, interest)], timeoutMilliseconds: Int32(remaining))
            } catch {
                throw .io(error)
            }
        }
    }

    deinit { close() }

    /// Sends `line` and CRLF, waiting until the kernel has taken all of it.
    func send(_ line: String) throws(ConnectionLost) {
        let bytes = Array(line.utf8) + [13, 10]
        if let tls { return try send(bytes, over: tls) }
        do throws(SystemError) {
            try sendPlain(bytes)
        } catch {
            throw ConnectionLost(description: error.description)
        }
    }

    private func sendPlain(_ bytes: [UInt8]) throws(SystemError) {
        var offset = 0
        while offset < bytes.count {
            switch try ByteIO.send(fd, bytes, from: offset).get() {
            case .done(let count): offset += count
            case .wouldBlock:  // only if someone made the socket non-blocking: pause, retry
                _ = try Socket.waitReadable([], timeoutMilliseconds: 10)
            }
        }
    }

    /// Writes all of `bytes` over TLS, waiting with poll for what OpenSSL needs. A retry
    /// after `.wantWrite` or `.wantRead` passes the same unsent bytes again.
    private func send(_ bytes: [UInt8], over tls: TLSConnection) throws(ConnectionLost) {
        var offset = 0
        while offset < bytes.count {
            let result = bytes.withUnsafeBytes { tls.write(UnsafeRawBufferPointer(rebasing: $0[offset...])) }
            let interest: Socket.Interest
            switch result {
            case .wrote(let count):
                offset += count
                continue
            case .wantWrite: interest = .writable
            case .wantRead: interest = .readable
            case .closed: throw ConnectionLost(description: "the server closed the connection")
            case .failed(let error): throw ConnectionLost(description: error.description)
            }
            do {
                _ = try Socket.waitReady([(fd, interest)], timeoutMilliseconds: 1_000)
            } catch {
                throw ConnectionLost(description: error.description)
            }
        }
    }

    /// Reads what has arrived (call when `fd` is readable).
    func read() -> ReadOutcome {
        guard !isClosed, !pendingClose else { return .closed }
        if let tls { return readTLS(tls) }
        guard case .success(let result) = ByteIO.read(fd, into: &buffer) else { return .closed }
        switch result {
        case .wouldBlock:
            return .lines([])
        case .done(0):
            return .closed
        case .done(let count):
            return .lines(frame(count))
        }
    }

    /// Reads over TLS until OpenSSL has nothing more (`.wantRead`): lines from every record.
    /// The server's lines are kept even when it closed right after them: the session shows
    /// them at the next read, which then says closed.
    private func readTLS(_ tls: TLSConnection) -> ReadOutcome {
        var lines: [String] = []
        while true {
            let result = buffer.withUnsafeMutableBytes { tls.read(into: $0) }
            switch result {
            case .bytes(let count):
                lines += frame(count)
            case .wantRead:
                return .lines(lines)
            case .wantWrite:  // OpenSSL must answer something first (a key update)
                _ = try? Socket.waitReady([(fd, .writable)], timeoutMilliseconds: 1_000)
            case .closed, .failed:
                if lines.isEmpty { return .closed }
                pendingClose = true
                return .lines(lines)
            }
        }
    }

    /// The server closed after the lines last returned: the next read says so (the socket,
    /// at its end, stays readable for the loop's poll).
    private var pendingClose = false

    /// The first `count` bytes of the buffer through the framer, as complete lines.
    private func frame(_ count: Int) -> [String] {
        var lines: [String] = []
        buffer.withUnsafeMutableBytes { raw in
            framer.feed(UnsafeMutableRawBufferPointer(rebasing: raw[..<count])) { event in
                switch event {
                case .line(let bytes): lines.append(String(decoding: bytes, as: UTF8.self))
                case .overlong: break  // no LineChat server sends 64 KiB lines; drop it
                }
            }
        }
        return lines
    }

    /// Closes the socket (again is harmless).
    func close() {
        guard !isClosed else { return }
        isClosed = true
        tls?.shutdown()  // a close_notify, when the socket takes it now
        tls = nil
        Posix.close(fd)
    }
}
