import ChatCore
import Dispatch
import Platform

/// The history thread's loop: takes what is queued, writes it in one transaction, answers the
/// requests, prunes now and then, and sleeps a commit interval (or, when idle, until woken).
/// It alone uses the database.
struct HistoryWriter {
    let database: HistoryDatabase
    let queue: HistoryQueue
    let wake: DispatchSemaphore
    let configuration: HistoryServiceConfiguration
    let log: @Sendable (String) -> Void

    /// Records taken from the queue and not yet written (kept across failed writes).
    private var batch: [HistoryRecord] = []
    /// When the last failure was logged (monotonic ns), to log at most one per interval.
    private var lastFailureLog: Int64?
    private var failing = false
    private var nextPrune: Int64 = 0

    /// Failures are logged at most once per this many nanoseconds.
    static let failureLogInterval: Int64 = 10_000_000_000

    init(
        database: HistoryDatabase, queue: HistoryQueue, wake: DispatchSemaphore,
        configuration: HistoryServiceConfiguration, log: @escaping @Sendable (String) -> Void
    ) {
        self.database = database
        self.queue = queue
        self.wake = wake
        self.configuration = configuration
        self.log = log
    }

    mutating func run() {
        nextPrune = Posix.monotonicNanoseconds()
        while true {
            let work = queue.take(into: &batch)
            if !batch.isEmpty { commit() }
            if work.stopping {
                if !batch.isEmpty { commit() }
                answer(work.requests)
                if !batch.isEmpty {
                    log("history: \(batch.count) records were not written at shutdown (the write failed)")
                    queue.lost(batch.count)
                }
                database.close()
                return
            }
            answer(work.requests)
            let now = Posix.monotonicNanoseconds()
            if now >= nextPrune {
                prune()
                nextPrune = now + Int64(max(configuration.pruneIntervalSeconds, 1)) * 1_000_000_000
            }
            let untilPrune = max(nextPrune - Posix.monotonicNanoseconds(), 0)
            if work.idle {
                _ = wake.wait(timeout: .now() + .nanoseconds(Int(untilPrune)))
            } else {
                // Records keep coming (or a write failed): gather them for one interval.
                let interval = Int64(max(configuration.commitIntervalMilliseconds, 0)) * 1_000_000
                _ = wake.wait(timeout: .now() + .nanoseconds(Int(min(interval, untilPrune))))
            }
        }
    }

    /// Records written in one transaction at most: a backlog (after a stall, or a burst) is
    /// written in several, so that no transaction outgrows SQLite's page cache.
    static let maxRecordsPerTransaction = 2048

    /// Writes `batch`, a transaction per `maxRecordsPerTransaction`; on a failure keeps what
    /// is not written for the next try.
    private mutating func commit() {
        var written = 0
        while written < batch.count {
            let end = min(written + Self.maxRecordsPerTransaction, batch.count)
            let started = Posix.monotonicNanoseconds()
            do {
                try database.insert(batch[written..<end])
            } catch {
                batch.removeFirst(written)
                queue.failed(error.description)
                if !failing { lastFailureLog = nil }
                failing = true
                if shouldLogFailure() {
                    log("history: writing failed, \(batch.count) records held, retrying: \(error)")
                }
                return
            }
            let microseconds = Int((Posix.monotonicNanoseconds() - started) / 1000)
            queue.committed(end - written, microseconds: microseconds)
            written = end
        }
        if failing {
            log("history writing resumed (\(batch.count) records written)")
            failing = false
            lastFailureLog = nil
        }
        // Emptied, not freed: it goes back to the queue at the next take (see `HistoryQueue.take`).
        batch.removeAll(keepingCapacity: true)
    }

    private mutating func shouldLogFailure() -> Bool {
        let now = Posix.monotonicNanoseconds()
        if let last = lastFailureLog, now - last < Self.failureLogInterval { return false }
        lastFailureLog = now
        return true
    }

    private func answer(_ requests: [HistoryQueue.Request]) {
        for request in requests {
            switch request {
            case .read(let query, let includeEvents, let reply):
                do {
                    reply(.success(try database.read(query, includeEvents: includeEvents)))
                } catch {
                    reply(.failure(error))
                }
            case .onThread(let body):
                body(database)
            }
        }
    }

    private mutating func prune() {
        let cutoff = Posix.wallClockMilliseconds() - configuration.retentionMilliseconds
        do {
            let rows = try database.prune(olderThan: cutoff, maxPerRoom: configuration.maxPerRoom)
            if rows > 0 { queue.pruned(rows) }
        } catch {
            if shouldLogFailure() { log("history: pruning failed: \(error)") }
        }
    }
}
