@preconcurrency import Glibc

// Waiting for one of a few sockets with poll(2), for a blocking client or a test that drives
// both ends of a connection on one thread; event loops use Epoll.
extension Socket {
    /// What to wait for on one descriptor.
    public enum Interest: Sendable, Equatable {
        case readable
        case writable
    }

    /// Waits up to `timeoutMilliseconds` (-1: forever) until one of `waits` is ready for what it
    /// asks; returns the ready descriptors (a closed or failed descriptor counts as ready).
    public static func waitReady(_ waits: [(fd: Int32, interest: Interest)], timeoutMilliseconds: Int32)
        throws(SystemError) -> [Int32]
    {
        var polls = waits.map {
            pollfd(fd: $0.fd, events: Int16($0.interest == .readable ? POLLIN : POLLOUT), revents: 0)
        }
        let count = try polls.withUnsafeMutableBufferPointer { buffer throws(SystemError) in
            try Posix.retrying("poll") { Int(poll(buffer.baseAddress, nfds_t(buffer.count), timeoutMilliseconds)) }
        }
        guard count > 0 else { return [] }
        return polls.filter { $0.revents != 0 }.map(\.fd)
    }

    /// Readiness bits for one descriptor, as poll(2) reports them.
    public struct PollEvents: OptionSet, Sendable {
        public let rawValue: Int16
        public init(rawValue: Int16) { self.rawValue = rawValue }
        public static let readable = PollEvents(rawValue: Int16(POLLIN))
        public static let writable = PollEvents(rawValue: Int16(POLLOUT))
        /// Reported whatever was asked: the peer closed or reset the connection.
        public static let hangup = PollEvents(rawValue: Int16(POLLHUP))
        /// Reported whatever was asked: a pending error (read or send it to learn which).
        public static let error = PollEvents(rawValue: Int16(POLLERR))
    }

    /// Waits up to `timeoutMilliseconds` (0: just look; -1: forever) until `fd` is ready for
    /// one of `events`; returns what it is ready for, empty on timeout. A hang-up or an error
    /// is reported even when not asked for.
    public static func pollEvents(_ fd: Int32, for events: PollEvents, timeoutMilliseconds: Int32) throws(SystemError)
        -> PollEvents
    {
        var entry = pollfd(fd: fd, events: events.rawValue, revents: 0)
        _ = try Posix.retrying("poll") { Int(Glibc.poll(&entry, 1, timeoutMilliseconds)) }
        if entry.revents & Int16(POLLNVAL) != 0 {
            preconditionFailure("poll: POLLNVAL, a descriptor was used after close")
        }
        return PollEvents(rawValue: entry.revents)
    }

    /// Sets the kernel's send and receive buffer sizes (SO_SNDBUF, SO_RCVBUF; Linux doubles them),
    /// for tests that need a write to fill the socket quickly.
    public static func setBufferSizes(_ fd: Int32, send: Int32, receive: Int32) throws(SystemError) {
        try Posix.setOption(fd, SOL_SOCKET, SO_SNDBUF, send)
        try Posix.setOption(fd, SOL_SOCKET, SO_RCVBUF, receive)
    }
}
