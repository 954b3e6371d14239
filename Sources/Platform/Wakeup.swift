@preconcurrency import Glibc
import CLinux
import Synchronization

/// An eventfd that lets any thread wake one event loop out of epoll_wait. A pending flag skips
/// the write when a wake is already on its way, so a burst of posts costs one syscall.
public final class Wakeup: Sendable {
    public let fd: Int32
    private let pending = Atomic<Bool>(false)

    public init() throws(SystemError) {
        fd = try Int32(Posix.retrying("eventfd") { Int(eventfd(0, Int32(EFD_NONBLOCK | EFD_CLOEXEC))) })
    }

    deinit { Posix.close(fd) }

    /// Wakes the loop, unless a wake is already pending.
    public func signal() {
        guard !pending.exchange(true, ordering: .sequentiallyConsistent) else { return }
        var one: UInt64 = 1
        _ = Glibc.write(fd, &one, 8)
    }

    /// Called by the loop when the eventfd is readable, before it drains its inbox. The
    /// counter is read before the flag is cleared: the other order could swallow a wake
    /// written between the two, leave the flag set, and make every later `signal` skip.
    public func consume() {
        var value: UInt64 = 0
        _ = Glibc.read(fd, &value, 8)
        pending.store(false, ordering: .sequentiallyConsistent)
    }
}
