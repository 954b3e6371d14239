import ChatCore
import Locking

/// What passes from the server's threads to the history thread: records to write, reads to
/// answer, and the counters both sides update. Appending a record takes the lock for one array
/// append and a comparison; the history thread is to be woken only when it said it waits
/// (the queue was empty), so a busy room costs no wake-up per message.
final class HistoryQueue: Sendable {
    /// Work for the history thread other than writing.
    enum Request: Sendable {
        /// A read, answered on the history thread once everything queued before it is written.
        case read(HistoryQuery, includeEvents: Bool, reply: @Sendable (Result<HistoryReadResult, HistoryError>) -> Void)
        /// A closure run on the history thread with the database (tests: pause the thread,
        /// change a limit).
        case onThread(@Sendable (HistoryDatabase) -> Void)
    }

    /// What `append` did.
    enum Appended: Equatable {
        case accepted
        /// Accepted into an empty queue while the history thread waits: the caller wakes it.
        case acceptedWake
        /// The queue is full (or the service stopped): dropped and counted.
        case dropped
    }

    /// What the history thread took.
    struct Work: Sendable {
        var requests: [Request]
        /// Shutdown was asked: write what was taken, answer the requests, stop.
        var stopping: Bool
        /// Nothing was queued: the thread may wait until woken.
        var idle: Bool
    }

    private struct State {
        var pending: [HistoryRecord] = []
        /// Records the history thread has taken and not written yet (it retries failed writes).
        var held = 0
        var requests: [Request] = []
        var threadWaiting = false
        var stopping = false
        var stats = HistoryStatus()
    }

    /// Records queued and held at most.
    let capacity: Int
    private let state = Locked(State())

    init(capacity: Int) {
        self.capacity = max(capacity, 1)
    }

    /// Queues `record`, or drops and counts it when `capacity` records wait already.
    @inline(__always)
    func append(_ record: HistoryRecord) -> Appended {
        state.withLock { state in
            guard state.pending.count + state.held < capacity, !state.stopping else {
                state.stats.dropped += 1
                return .dropped
            }
            state.pending.append(record)
            guard state.threadWaiting else { return .accepted }
            state.threadWaiting = false
            return .acceptedWake
        }
    }

    /// Queues a request for the history thread; false once the service has stopped.
    func post(_ request: Request) -> Bool {
        state.withLock { state in
            guard !state.stopping else { return false }
            state.requests.append(request)
            state.threadWaiting = false
            return true
        }
    }

    /// For the history thread: moves the queued records to the end of `batch` (which holds the
    /// records of failed writes, if any) and takes the requests. The queue and `batch` trade
    /// arrays, so that while records flow neither is grown again (regrowing the queue's array
    /// every commit interval cost the event loops page faults and copies). When there is
    /// nothing at all, both arrays are freed (an idle server keeps no burst's capacity) and the
    /// thread is marked waiting, so that the next append wakes it.
    func take(into batch: inout [HistoryRecord]) -> Work {
        state.withLock { state in
            if batch.isEmpty {
                swap(&batch, &state.pending)
            } else {
                batch.append(contentsOf: state.pending)
                state.pending.removeAll(keepingCapacity: true)
            }
            state.held = batch.count
            let requests = state.requests
            state.requests = []
            let idle = batch.isEmpty && requests.isEmpty && !state.stopping
            if idle {
                state.threadWaiting = true
                state.pending = []
                batch = []
            }
            return Work(requests: requests, stopping: state.stopping, idle: idle)
        }
    }

    /// For the history thread: `count` records were written, in `microseconds`.
    func committed(_ count: Int, microseconds: Int) {
        state.withLock { state in
            state.held = max(state.held - count, 0)
            state.stats.stored += count
            state.stats.commits += 1
            state.stats.lastCommitMicroseconds = microseconds
            state.stats.maxCommitMicroseconds = max(state.stats.maxCommitMicroseconds, microseconds)
            state.stats.degraded = nil
        }
    }

    /// For the history thread: writing failed; the held records stay held.
    func failed(_ reason: String) {
        state.withLock { $0.stats.degraded = reason }
    }

    /// For the history thread: `count` held records are given up (a failed write at shutdown).
    func lost(_ count: Int) {
        state.withLock { state in
            state.held = 0
            state.stats.dropped += count
        }
    }

    /// For the history thread: a prune deleted `rows`.
    func pruned(_ rows: Int) {
        state.withLock { $0.stats.pruned += rows }
    }

    /// Makes the history thread stop after its next take. Returns false when already stopping.
    func stop() -> Bool {
        state.withLock { state in
            defer { state.stopping = true }
            return !state.stopping
        }
    }

    var stats: HistoryStatus {
        state.withLock { state in
            var stats = state.stats
            stats.queued = state.pending.count + state.held
            return stats
        }
    }
}
