@preconcurrency import Glibc
import CLinux

/// One epoll instance. Registrations carry the descriptor as their data.
public struct Epoll: ~Copyable, Sendable {
    public let fd: Int32

    /// Readiness bits, as epoll reports them.
    public struct Events: OptionSet, Sendable {
        public let rawValue: UInt32
        public init(rawValue: UInt32) { self.rawValue = rawValue }
        public static let readable = Events(rawValue: CLINUX_EPOLLIN)
        public static let writable = Events(rawValue: CLINUX_EPOLLOUT)
        public static let error = Events(rawValue: CLINUX_EPOLLERR)
        public static let hangup = Events(rawValue: CLINUX_EPOLLHUP)
        public static let readHangup = Events(rawValue: CLINUX_EPOLLRDHUP)
        /// Wake only one of the epoll instances waiting on a shared descriptor (a listener).
        public static let exclusive = Events(rawValue: CLINUX_EPOLLEXCLUSIVE)
    }

    public init() throws(SystemError) {
        fd = try Int32(Posix.retrying("epoll_create1") { Int(epoll_create1(Int32(EPOLL_CLOEXEC))) })
    }

    deinit { Posix.close(fd) }

    public func add(_ target: Int32, _ events: Events) throws(SystemError) {
        try control(EPOLL_CTL_ADD, target, events)
    }

    public func modify(_ target: Int32, _ events: Events) throws(SystemError) {
        try control(EPOLL_CTL_MOD, target, events)
    }

    public func remove(_ target: Int32) {
        var event = epoll_event()
        _ = epoll_ctl(fd, EPOLL_CTL_DEL, target, &event)
    }

    private func control(_ operation: Int32, _ target: Int32, _ events: Events) throws(SystemError) {
        var event = epoll_event()
        event.events = events.rawValue
        event.data.fd = target
        _ = try Posix.retrying("epoll_ctl") { Int(epoll_ctl(fd, operation, target, &event)) }
    }

    /// Waits for events; `timeoutMilliseconds` -1 waits forever. Returns how many of `buffer`
    /// were filled.
    public func wait(into buffer: UnsafeMutableBufferPointer<epoll_event>, timeoutMilliseconds: Int32) throws(SystemError)
        -> Int
    {
        try Posix.retrying("epoll_wait") {
            Int(epoll_wait(fd, buffer.baseAddress, Int32(buffer.count), timeoutMilliseconds))
        }
    }
}

/// A reusable buffer of epoll events, so code outside Platform never names the C struct.
public final class EpollEventBuffer {
    private let events: UnsafeMutableBufferPointer<epoll_event>
    /// How many of the events the last `wait` filled.
    public private(set) var count = 0

    public init(capacity: Int) {
        events = .allocate(capacity: capacity)
        events.initialize(repeating: epoll_event())
    }

    deinit { events.deallocate() }

    /// Waits on `epoll` (-1: forever) and remembers how many events came.
    public func wait(on epoll: borrowing Epoll, timeoutMilliseconds: Int32) throws(SystemError) {
        count = try epoll.wait(into: events, timeoutMilliseconds: timeoutMilliseconds)
    }

    /// The descriptor of event `index`.
    @inline(__always)
    public func descriptor(at index: Int) -> Int32 { events[index].data.fd }

    /// The readiness bits of event `index`.
    @inline(__always)
    public func readiness(at index: Int) -> Epoll.Events { Epoll.Events(rawValue: events[index].events) }
}

extension epoll_event {
    /// The descriptor the registration was made for.
    public var descriptor: Int32 { data.fd }
    public var readiness: Epoll.Events { Epoll.Events(rawValue: events) }
}
