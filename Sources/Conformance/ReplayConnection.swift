import Platform
import TLS

/// What the replayer needs of one client's connection: plain TCP (Platform's `LineClient`) or
/// TLS (`TLSLineClient`).
public protocol ReplayConnection: AnyObject {
    func send(_ bytes: [UInt8]) throws
    func sendLine(_ text: String) throws
    /// The next line without its terminator, waiting at most `timeout` seconds.
    func readLine(timeout: Double) throws(LineClient.ReadError) -> String
    /// True once the peer has closed and every buffered line has been read.
    func waitForClose(timeout: Double) -> Bool
    /// Tells the server this side has nothing more to send (and, over TLS, a close_notify).
    func shutdownWrite()
    func close()
    /// Closes with a TCP reset.
    func reset()
}

extension LineClient: ReplayConnection {
    public func shutdownWrite() { Posix.shutdownWrite(fd) }
}

/// A line client over TLS: a non-blocking socket driven with poll, each wait with a deadline.
/// For the conformance replayer; the same surface as `LineClient`.
public final class TLSLineClient: ReplayConnection {
    public let fd: Int32
    private var tls: TLSConnection?
    private var buffer: [UInt8] = []
    private var chunk = [UInt8](repeating: 0, count: 16 * 1024)
    private var isClosed = false
    private var closedDescriptor = false

    /// Connects to `host:port` and completes the TLS handshake within `timeout` seconds;
    /// `host` is the name the certificate must carry when `context` verifies.
    public init(host: String, port: Int, context: TLSClientContext, timeout: Double) throws {
        Posix.ignoreSIGPIPE()  // OpenSSL writes with write(2)
        let address = try SocketAddress.resolve(host: host, port: port)
        fd = try Socket.connect(to: address)
        do {
            try Socket.setNonBlocking(fd)
            let connection = try context.makeConnection(socket: fd, serverName: host)
            tls = connection
            let deadline = Posix.monotonicNanoseconds() + Int64(timeout * 1e9)
            handshake: while true {
                let interest: Socket.Interest
                switch connection.handshake() {
                case .done: break handshake
                case .wantRead: interest = .readable
                case .wantWrite: interest = .writable
                case .closed: throw TLSError.handshakeFailed(reason: "the server closed the connection")
                case .failed(let error): throw error
                }
                let remaining = (deadline - Posix.monotonicNanoseconds()) / 1_000_000
                guard remaining > 0 else { throw TLSError.handshakeFailed(reason: "timed out") }
                _ = try Socket.waitReady([(fd, interest)], timeoutMilliseconds: Int32(min(remaining, 60_000)))
            }
        } catch {
            tls = nil
            Posix.close(fd)
            closedDescriptor = true
            throw error
        }
    }

    deinit { close() }

    public func send(_ bytes: [UInt8]) throws {
        guard let tls else { throw TLSError.io(SystemError("write", errno: 9)) }
        var offset = 0
        while offset < bytes.count {
            let result = bytes.withUnsafeBytes { tls.write(UnsafeRawBufferPointer(rebasing: $0[offset...])) }
            switch result {
            case .wrote(let count): offset += count
            // Retried with the same bytes from `offset`, as OpenSSL requires.
            case .wantWrite: _ = try Socket.waitReady([(fd, .writable)], timeoutMilliseconds: 1_000)
            case .wantRead: _ = try Socket.waitReady([(fd, .readable)], timeoutMilliseconds: 1_000)
            case .closed: throw TLSError.io(SystemError("write", errno: 32))
            case .failed(let error): throw error
            }
        }
    }

    public func sendLine(_ text: String) throws {
        try send(Array(text.utf8) + [13, 10])
    }

    public func readLine(timeout: Double) throws(LineClient.ReadError) -> String {
        let deadline = Posix.monotonicNanoseconds() + Int64(timeout * 1e9)
        while true {
            if let lf = buffer.firstIndex(of: 10) {
                var line = Array(buffer[..<lf])
                buffer.removeSubrange(...lf)
                if line.last == 13 { line.removeLast() }
                return String(decoding: line, as: UTF8.self)
            }
            if isClosed { throw .closed }
            guard let tls else { throw .closed }
            // Everything OpenSSL has decrypted first: the kernel no longer signals it.
            let result = chunk.withUnsafeMutableBytes { tls.read(into: $0) }
            var interest = Socket.Interest.readable
            switch result {
            case .bytes(let count):
                buffer += chunk[..<count]
                continue
            case .wantRead: break
            case .wantWrite: interest = .writable
            case .closed: isClosed = true; continue
            case .failed(.io(let error)) where error.isConnectionReset: isClosed = true; continue
            case .failed(.io(let error)): throw .failed(error)
            case .failed(let error): throw .failed(SystemError("\(error)", errno: 71))  // EPROTO
            }
            let remaining = deadline - Posix.monotonicNanoseconds()
            guard remaining > 0 else { throw .timedOut }
            do {
                _ = try Socket.waitReady([(fd, interest)], timeoutMilliseconds: Int32(min(remaining / 1_000_000 + 1, 60_000)))
            } catch {
                throw .failed(error)
            }
        }
    }

    public func waitForClose(timeout: Double) -> Bool {
        while true {
            do { _ = try readLine(timeout: timeout) } catch .closed { return true } catch { return false }
        }
    }

    public func shutdownWrite() {
        tls?.shutdown()
        Posix.shutdownWrite(fd)
    }

    public func close() {
        guard !closedDescriptor else { return }
        closedDescriptor = true
        tls = nil
        Posix.close(fd)
    }

    public func reset() {
        try? Posix.setLinger(fd, seconds: 0)
        close()
    }
}
