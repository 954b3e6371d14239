/// How the history service queues, commits, keeps and prunes.
public struct HistoryServiceConfiguration: Sendable, Equatable {
    /// Records waiting to be written at most (queued, or held after a failed write); one more
    /// is dropped and counted.
    public var queueCapacity = 65_536
    /// Milliseconds between group commits while records are waiting; also the retry interval
    /// after a failed write.
    public var commitIntervalMilliseconds = 50
    /// Messages older than this many days are pruned.
    public var retentionDays = 30
    /// Messages kept per room at most (the oldest beyond it are pruned).
    public var maxPerRoom = 100_000
    /// PRIVMSG and NOTICE records kept in memory per room, for `recent` (JOIN replay).
    public var ringSize = 100
    /// Seconds between prunes (one also runs at start).
    public var pruneIntervalSeconds = 60
    /// The history thread's nice value: above the event loops' (0), so that chat has the CPU
    /// first, but not so far that a busy loop starves it into dropping records (at 19 it got
    /// 1.5% of a saturated CPU; at 10, about 10%, which writes 100,000 records a second).
    public var writerNiceness: Int32 = 10

    public init() {}

    /// Retention in milliseconds.
    var retentionMilliseconds: Int64 { Int64(retentionDays) * 86_400_000 }
}
