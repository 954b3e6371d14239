import LineProtocol
import Platform

/// Why the client could not connect, in the words it prints:
/// `could not connect to localhost:33000: connection refused`.
public struct ConnectError: Error, Equatable, CustomStringConvertible {
    public let host: String
    public let port: Int
    /// The C library's reason, in lower case.
    public let reason: String

    public var description: String { "could not connect to \(host):\(port): \(reason)" }
}

/// The client's TCP connection: a blocking socket that the event loop polls, reads when it
/// is readable, and splits into lines.
final class ServerConnection {
    /// The longest server line kept whole; a longer one is dropped with a note.
    static let maxLineBytes = 64 * 1024

    let fd: Int32
    private var framer = LineFramer(maxLineBytes: ServerConnection.maxLineBytes)
    private var buffer = [UInt8](repeating: 0, count: 16 * 1024)
    private var isClosed = false

    /// What a read found.
    enum ReadOutcome {
        /// Complete lines (possibly none yet), without their line ends.
        case lines([String])
        /// The server closed the connection, or it failed.
        case closed
    }

    static func connect(host: String, port: Int) throws(ConnectError) -> ServerConnection {
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
        do {
            return ServerConnection(fd: try Socket.connect(to: address))
        } catch {
            throw ConnectError(host: host, port: port, reason: error.reason)
        }
    }

    private init(fd: Int32) {
        self.fd = fd
    }

    deinit { close() }

    /// Sends `line` and CRLF, waiting until the kernel has taken all of it.
    func send(_ line: String) throws(SystemError) {
        let bytes = Array(line.utf8) + [13, 10]
        var offset = 0
        while offset < bytes.count {
            switch try ByteIO.send(fd, bytes, from: offset).get() {
            case .done(let count): offset += count
            case .wouldBlock:  // only if someone made the socket non-blocking: pause, retry
                _ = try Socket.waitReadable([], timeoutMilliseconds: 10)
            }
        }
    }

    /// Reads what has arrived (call when `fd` is readable).
    func read() -> ReadOutcome {
        guard !isClosed else { return .closed }
        guard case .success(let result) = ByteIO.read(fd, into: &buffer) else { return .closed }
        switch result {
        case .wouldBlock:
            return .lines([])
        case .done(0):
            return .closed
        case .done(let count):
            var lines: [String] = []
            buffer.withUnsafeMutableBytes { raw in
                framer.feed(UnsafeMutableRawBufferPointer(rebasing: raw[..<count])) { event in
                    switch event {
                    case .line(let bytes): lines.append(String(decoding: bytes, as: UTF8.self))
                    case .overlong: break  // no LineChat server sends 64 KiB lines; drop it
                    }
                }
            }
            return .lines(lines)
        }
    }

    /// Closes the socket (again is harmless).
    func close() {
        guard !isClosed else { return }
        isClosed = true
        Posix.close(fd)
    }
}
