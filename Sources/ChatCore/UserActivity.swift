import Synchronization

/// The last time a registered user said something, shared between the user's session (which
/// writes it on every command) and LIST on any thread (which reads it). Nanoseconds on the
/// server's monotonic clock.
public final class UserActivity: Sendable {
    private let lastActive: Atomic<Int64>

    public init(now: Int64) { lastActive = Atomic(now) }

    public var lastActiveNanoseconds: Int64 { lastActive.load(ordering: .relaxed) }

    public func touch(now: Int64) { lastActive.store(now, ordering: .relaxed) }
}
