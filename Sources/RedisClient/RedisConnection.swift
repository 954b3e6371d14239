import Platform
import RedisProtocol

/// One TCP connection to a Redis server, in RESP2, with a deadline on every wait.
///
/// Used by one thread at a time: it is not `Sendable`, keeps no lock, and each call runs to
/// completion on the caller's thread (blocking in poll(2) up to its timeout, never longer).
/// The socket is non-blocking with TCP_NODELAY; commands are pipelined: `send` writes them all
/// in one go, and `roundTrip` then reads one reply per command, in order.
///
/// A connection fails for good on a write timeout, a closed or reset connection, bytes that
/// are not RESP, or a `roundTrip` whose replies do not all come in time (the replies still
/// owed would be taken for the next command's): every call after that throws `.notConnected`.
/// A `readReply` that times out leaves the connection usable, for a caller waiting for
/// something that may not come (a pub/sub message).
public final class RedisConnection {
    /// The server and login this connection was made with.
    public let url: RedisURL

    private let fd: Int32
    private var decoder: RESPDecoder
    private var lifecycle = Lifecycle.open
    /// Scratch space each read lands in before the decoder takes a copy.
    private var readBuffer: [UInt8] = []

    /// Where the connection is in its life.
    private enum Lifecycle {
        case open
        /// The server closed its side; replies it sent before may still be in the decoder.
        case closedByServer
        /// Closed by `close()` or after a failure; the descriptor is released.
        case closed
    }

    private static let readChunkBytes = 64 << 10

    /// Connects to `url`'s server, then sends AUTH when the URL has a password and SELECT when
    /// it names a database, all within `timeout` seconds. The host name is resolved first with
    /// getaddrinfo, which the timeout does not bound (use a numeric address to avoid it).
    public init(url: RedisURL, timeout: Double, limits: RESPDecoder.Limits = .init()) throws(RedisClientError) {
        self.url = url
        decoder = RESPDecoder(limits: limits)
        let deadline = Self.deadline(after: timeout)
        fd = try Self.connectSocket(host: url.host, port: url.port, until: deadline)
        try logIn(until: deadline)
    }

    deinit { close() }

    /// False once the connection has failed or been closed.
    public var isOpen: Bool { lifecycle != .closed }

    /// Writes `commands` in one go (a pipeline), waiting at most `timeout` seconds for room in
    /// the socket. Replies that arrive meanwhile are kept for `readReply`, so a long pipeline
    /// cannot stall with both sides' buffers full.
    public func send(commands: [RESPCommand], timeout: Double = 5) throws(RedisClientError) {
        try send(commands, until: Self.deadline(after: timeout))
    }

    /// The next reply (or pushed value), waiting at most `timeout` seconds. A timeout leaves
    /// the connection usable; any other error closes it.
    public func readReply(timeout: Double) throws(RedisClientError) -> RESPValue {
        try readReply(until: Self.deadline(after: timeout))
    }

    /// Sends `commands` as one pipeline and reads their replies, in order, all within
    /// `timeout` seconds. An error reply is a value in the result (`RESPValue.error`), not a
    /// throw. If time runs out, the connection is closed: replies still owed cannot be told
    /// from later ones.
    public func roundTrip(_ commands: [RESPCommand], timeout: Double) throws(RedisClientError) -> [RESPValue] {
        let deadline = Self.deadline(after: timeout)
        try send(commands, until: deadline)
        var replies: [RESPValue] = []
        replies.reserveCapacity(commands.count)
        for _ in commands {
            do {
                replies.append(try readReply(until: deadline))
            } catch {
                close()
                throw error
            }
        }
        return replies
    }

    /// Sends one command and reads its reply; see `roundTrip(_:timeout:)`.
    public func roundTrip(_ command: RESPCommand, timeout: Double) throws(RedisClientError) -> RESPValue {
        try roundTrip([command], timeout: timeout)[0]
    }

    /// Closes the connection (again is harmless). Replies not yet read are dropped.
    public func close() {
        guard lifecycle != .closed else { return }
        lifecycle = .closed
        Posix.close(fd)
        readBuffer = []
    }

    // MARK: - Connecting and logging in

    /// A connected non-blocking socket with TCP_NODELAY.
    private static func connectSocket(host: String, port: Int, until deadline: Int64) throws(RedisClientError) -> Int32
    {
        let address: SocketAddress
        do {
            address = try SocketAddress.resolve(host: host, port: port)
        } catch {
            throw .unresolvable(error)
        }
        let fd: Int32
        let progress: Socket.ConnectProgress
        do {
            (fd, progress) = try Socket.connectNonBlocking(to: address)
        } catch {
            throw .connectFailed(address: "\(address)", error)
        }
        do throws(RedisClientError) {
            if progress == .inProgress {
                let ready: Socket.PollEvents
                do {
                    ready = try poll(fd, for: .writable, until: deadline)
                } catch {
                    throw .connectFailed(address: "\(address)", error)
                }
                if ready.isEmpty { throw .timedOut(.connecting) }
                if let error = Socket.pendingError(fd) { throw .connectFailed(address: "\(address)", error) }
            }
            do {
                try Posix.setNoDelay(fd)
            } catch {
                throw .connectFailed(address: "\(address)", error)
            }
        } catch {
            Posix.close(fd)
            throw error
        }
        return fd
    }

    private func logIn(until deadline: Int64) throws(RedisClientError) {
        var commands: [RESPCommand] = []
        if let password = url.password {
            commands.append(url.user.map { ["AUTH", .string($0), .string(password)] } ?? ["AUTH", .string(password)])
        }
        if let database = url.database { commands.append(["SELECT", .integer(database)]) }
        guard !commands.isEmpty else { return }
        var replies: [RESPValue] = []
        do {
            try send(commands, until: deadline)
            for _ in commands { replies.append(try readReply(until: deadline)) }
        } catch {
            close()
            throw error.isTimeout ? .timedOut(.connecting) : error
        }
        if url.password != nil, let message = replies.removeFirst().errorMessage {
            close()
            throw .authFailed(message)
        }
        if let message = replies.first?.errorMessage {
            close()
            throw .serverError(message)
        }
    }

    // MARK: - Writing and reading

    private func send(_ commands: [RESPCommand], until deadline: Int64) throws(RedisClientError) {
        try checkUsable()
        if lifecycle == .closedByServer {
            close()
            throw .closedByServer
        }
        var bytes: [UInt8] = []
        RESPEncoder.append(commands, to: &bytes)
        var offset = 0
        while offset < bytes.count {
            switch ByteIO.send(fd, bytes, from: offset) {
            case .success(.done(let count)):
                offset += count
            case .success(.wouldBlock):
                let ready: Socket.PollEvents
                do {
                    ready = try wait(for: [.writable, .readable], until: deadline, stage: .writing)
                } catch {
                    // Part of a command may be written: the stream cannot be used any more.
                    close()
                    throw error
                }
                if !ready.isDisjoint(with: [.readable, .hangup, .error]) { try receive() }
                if lifecycle == .closedByServer {
                    close()
                    throw .closedByServer
                }
            case .failure(let error):
                throw fail(error)
            }
        }
    }

    private func readReply(until deadline: Int64) throws(RedisClientError) -> RESPValue {
        try checkUsable()
        while true {
            let value: RESPValue?
            do {
                value = try decoder.next()
            } catch {
                close()
                throw .protocolError(error)
            }
            if let value { return value }
            if lifecycle == .closedByServer {
                close()
                throw .closedByServer
            }
            _ = try wait(for: .readable, until: deadline, stage: .reading)
            try receive()
        }
    }

    /// One read into the decoder. End of file, or a reset, marks the connection closed by the
    /// server; any other failure closes it.
    private func receive() throws(RedisClientError) {
        if readBuffer.isEmpty { readBuffer = [UInt8](repeating: 0, count: Self.readChunkBytes) }
        switch ByteIO.read(fd, into: &readBuffer) {
        case .success(.done(0)):
            lifecycle = .closedByServer
        case .success(.done(let count)):
            decoder.feed(readBuffer[..<count])
        case .success(.wouldBlock):
            break
        case .failure(let error) where error.isConnectionReset:
            lifecycle = .closedByServer
        case .failure(let error):
            throw fail(error)
        }
    }

    /// Waits until the socket is ready for one of `events` (or has hung up or failed); throws
    /// `.timedOut(stage)` at the deadline.
    private func wait(for events: Socket.PollEvents, until deadline: Int64, stage: RedisClientError.Stage)
        throws(RedisClientError) -> Socket.PollEvents
    {
        let ready: Socket.PollEvents
        do {
            ready = try Self.poll(fd, for: events, until: deadline)
        } catch {
            throw fail(error)
        }
        if ready.isEmpty { throw .timedOut(stage) }
        return ready
    }

    /// poll(2) until `fd` is ready for one of `events` or the deadline passes (empty then); it
    /// looks at least once, even when the deadline has passed.
    private static func poll(_ fd: Int32, for events: Socket.PollEvents, until deadline: Int64) throws(SystemError)
        -> Socket.PollEvents
    {
        while true {
            let remaining = deadline - Posix.monotonicNanoseconds()
            let milliseconds = remaining <= 0 ? 0 : Int32(min((remaining + 999_999) / 1_000_000, 60_000))
            let ready = try Socket.pollEvents(fd, for: events, timeoutMilliseconds: milliseconds)
            if !ready.isEmpty || remaining <= 0 { return ready }
        }
    }

    private func checkUsable() throws(RedisClientError) {
        switch lifecycle {
        case .open, .closedByServer: return
        case .closed: throw .notConnected
        }
    }

    /// Closes the connection after a failed system call; the error to throw for it.
    private func fail(_ error: SystemError) -> RedisClientError {
        close()
        return error.isConnectionReset ? .closedByServer : .io(error)
    }

    private static func deadline(after seconds: Double) -> Int64 {
        let nanoseconds = max(0, min(seconds, 86_400 * 365)) * 1e9
        return Posix.monotonicNanoseconds() + Int64(nanoseconds)
    }
}

extension RedisClientError {
    var isTimeout: Bool {
        if case .timedOut = self { return true }
        return false
    }
}
