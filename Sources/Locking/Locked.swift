import Synchronization

/// A value guarded by a `Mutex`, for state shared between threads. Use it instead of a bare
/// `Mutex`: on Linux, `Mutex` waits on a futex that ThreadSanitizer cannot see, so it reports
/// the guarded accesses as races. An atomic stored with release ordering when each critical
/// section ends, and loaded with acquire ordering when the next begins, gives ThreadSanitizer
/// the same ordering the mutex already guarantees (one uncontended atomic per section).
///
/// `withLock` is inlinable so that callers in other modules get it specialized for their value
/// type: unspecialized, each call looked up `Mutex<Value>`'s metadata at run time, which cost
/// more than the critical section of a room message's speak check.
public final class Locked<Value>: Sendable {
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
