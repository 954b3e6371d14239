@preconcurrency import Glibc

/// A blocking TCP connection that sends bytes and reads CRLF- or LF-terminated lines with a
/// deadline. For tools and tests (the conformance replayer, the test client), not the server.
public final class LineClient {
    /// What reading a line can end with besides a line.
    public enum ReadError: Error, Equatable, CustomStringConvertible {
        case timedOut
        case closed
        case failed(SystemError)

        public var description: String {
            switch self {
            case .timedOut: "timed out waiting for a line"
            case .closed: "the server closed the connection"
            case .failed(let error): error.description
            }
        }
    }

    public let fd: Int32
    private var buffer: [UInt8] = []
    private var isClosed = false

    /// Connects to `host:port`. The error says why in the C library's words.
    public init(host: String, port: Int) throws {
        let address = try SocketAddress.resolve(host: host, port: port)
        fd = try Socket.connect(to: address)
    }

    /// Reads lines from a descriptor this object now owns (a pipe from a child process, say).
    public init(adopting fd: Int32) {
        self.fd = fd
    }

    deinit { close() }

    /// The local port of this connection.
    public var localPort: Int { (try? Socket.localAddress(fd).port) ?? 0 }

    public func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let result = try bytes.withUnsafeBytes { raw in
                try Posix.send(fd, UnsafeRawBufferPointer(rebasing: raw[offset...]))
            }
            if case .done(let count) = result { offset += count }
        }
    }

    /// Sends `text` followed by CRLF.
    public func sendLine(_ text: String) throws {
        try send(Array(text.utf8) + [13, 10])
    }

    /// The next line without its terminator (a CR before the LF is dropped), waiting at most
    /// `timeout` seconds. Bytes that are not UTF-8 are shown as U+FFFD.
    public func readLine(timeout: Double) throws(ReadError) -> String {
        try String(decoding: readLineBytes(timeout: timeout), as: UTF8.self)
    }

    /// Like `readLine`, as raw bytes.
    public func readLineBytes(timeout: Double) throws(ReadError) -> [UInt8] {
        let deadline = Posix.monotonicNanoseconds() + Int64(timeout * 1e9)
        while true {
            if let lf = buffer.firstIndex(of: 10) {
                var line = Array(buffer[..<lf])
                buffer.removeSubrange(...lf)
                if line.last == 13 { line.removeLast() }
                return line
            }
            if isClosed { throw .closed }
            let remaining = deadline - Posix.monotonicNanoseconds()
            guard remaining > 0 else { throw .timedOut }
            do {
                let ready = try Socket.waitReadable([fd], timeoutMilliseconds: Int32(min(remaining / 1_000_000 + 1, 60_000)))
                if ready.isEmpty { continue }
                var chunk = [UInt8](repeating: 0, count: 65536)
                let count = chunk.withUnsafeMutableBytes { raw in Glibc.read(fd, raw.baseAddress, raw.count) }
                if count < 0 {
                    if errno == EINTR || errno == EAGAIN { continue }
                    if errno == ECONNRESET { isClosed = true; continue }
                    throw SystemError("read", errno: errno)
                }
                if count == 0 { isClosed = true; continue }
                buffer.append(contentsOf: chunk[..<count])
            } catch let error as SystemError {
                throw .failed(error)
            } catch {
                throw .closed
            }
        }
    }

    /// Everything still to come up to the peer's close: each line ending in LF (a CR before it
    /// dropped, as `readLine` does), then any unterminated tail as it came. Throws `.timedOut`
    /// if the peer has not closed within `timeout` seconds of the last byte.
    public func readToEnd(timeout: Double) throws(ReadError) -> [UInt8] {
        var lines: [UInt8] = []
        while true {
            do {
                let line = try readLineBytes(timeout: timeout)
                lines += line + [10]
            } catch .closed {
                return lines + buffer
            }
        }
    }

    /// True once the peer has closed and every buffered line has been read; waits up to `timeout`.
    public func waitForClose(timeout: Double) -> Bool {
        while true {
            do { _ = try readLineBytes(timeout: timeout) } catch .closed { return true } catch { return false }
        }
    }

    /// Closes the connection (again is harmless).
    public func close() {
        guard fd >= 0, !closedDescriptor else { return }
        closedDescriptor = true
        Posix.close(fd)
    }

    /// Closes with a TCP reset instead of a FIN.
    public func reset() {
        try? Posix.setLinger(fd, seconds: 0)
        close()
    }

    private var closedDescriptor = false
}
