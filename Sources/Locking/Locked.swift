import Synchronization

/// A value guarded by a `Mutex`, for state shared between threads. Use it instead of a bare
/// `Mutex`: on Linux, `Mutex` waits on a futex that ThreadSanitizer cannot see, so it reports
/// the guarded accesses as races. An atomic stored with release ordering when each critical
/// section ends, and loaded with acquire ordering when the next begins, gives ThreadSanitizer
/// the same ordering the mutex already guarantees (one uncontended atomic per section).
public final class Locked<Value>: Sendable {
    // Visible to callers' modules so that `withLock` is specialized there: a generic call
    // across the module boundary looked up `Mutex<Value>`'s metadata on every call.
    @usableFromInline let mutex: Mutex<Value>
    @usableFromInline let handoff = Atomic<UInt>(0)

    public init(_ value: sending Value) {
        mutex = Mutex(value)
    }

    /// Runs `body` with exclusive access to the value. Keep it short and free of I/O.
    @inlinable
    public func withLock<Result: Sendable, Failure: Error>(
        _ body: (inout sending Value) throws(Failure) -> sending Result
    ) throws(Failure) -> Result {
        try mutex.withLock { (value: inout sending Value) throws(Failure) -> sending Result in
            _ = handoff.load(ordering: .acquiring)
            defer { handoff.add(1, ordering: .releasing) }
            return try body(&value)
        }
    }
}
