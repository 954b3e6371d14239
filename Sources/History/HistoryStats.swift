/// A snapshot of the history service's counters, for the operator console and tests.
public struct HistoryStats: Sendable, Equatable {
    /// Records waiting to be written: queued, or held after a failed write.
    public var queued = 0
    /// Records written to the database since the start.
    public var stored = 0
    /// Records dropped since the start because the queue was full (or lost at shutdown).
    public var dropped = 0
    /// Commits since the start (successful ones).
    public var commits = 0
    /// How long the last successful commit took, in microseconds, and the longest one.
    public var lastCommitMicroseconds = 0
    public var maxCommitMicroseconds = 0
    /// Rows deleted by pruning since the start.
    public var pruned = 0
    /// Why writing fails, while it does (the records are kept queued and retried); nil when
    /// writing works.
    public var degraded: String? = nil

    public init() {}
}
