import Locking
import ChatCore

/// The log lines on their way from `Logger` calls to the log writer's thread. It is bounded by
/// lines and by bytes: when it is full, a new line is dropped and counted instead of queued,
/// and the writer's next batch carries that count so that the log can say how many went
/// missing. Appending formats nothing and waits for nothing but a short lock, so any thread,
/// an event loop included, may log.
final class LogQueue: Sendable {
    /// What the writer thread takes in one go.
    struct Batch: Equatable, Sendable {
        /// Finished lines (newlines included), oldest first.
        var lines: [String]
        /// Lines dropped after these because the queue was full: the writer notes them after
        /// the lines, where they would have been.
        var dropped: Int
        /// The sequence number of the last line taken, for `finished(through:failed:)`.
        var through: Int
    }

    /// What the writer thread should do next.
    enum Next: Equatable, Sendable {
        case write(Batch)
        /// Nothing is queued: wait until `append` says to wake.
        case wait
        /// `stop` was called and everything queued has been taken.
        case stop
    }

    private struct State {
        var lines: [String] = []
        var bytes = 0
        /// Dropped since the writer last took the queue.
        var dropped = 0
        /// Dropped since the start, for the operator console.
        var droppedTotal = 0
        /// The sequence number of the last line queued (lines are numbered from 1).
        var appended = 0
        /// The sequence number of the last line the writer is done with.
        var written = 0
        /// The writer found the queue empty and waits to be woken.
        var writerWaiting = false
        /// Threads in `LogWriter.flush`, waiting for the writer's progress.
        var flushWaiters = 0
        var stopping = false
    }

    /// Lines held at most; one more is dropped.
    let maxLines: Int
    /// Bytes held at most (newlines included); a line that would go past it is dropped.
    let maxBytes: Int
    private let state = Locked(State())

    init(maxLines: Int, maxBytes: Int) {
        self.maxLines = maxLines
        self.maxBytes = maxBytes
    }

    /// Queues `line`, or drops and counts it when the queue is full. Returns true when the
    /// writer is waiting and the caller must wake it.
    func append(_ line: String) -> Bool {
        let size = line.utf8.count
        return state.withLock { state in
            // Once a line is dropped, later ones are too until the writer takes the queue, so
            // that the note of the drops, written after the lines taken, is where they were.
            guard state.dropped == 0, state.lines.count < maxLines, state.bytes + size <= maxBytes else {
                state.dropped += 1
                state.droppedTotal += 1
                return false
            }
            state.lines.append(line)
            state.bytes += size
            state.appended += 1
            defer { state.writerWaiting = false }
            return state.writerWaiting
        }
    }

    /// For the writer thread: everything queued (and the count dropped since last time), or
    /// whether to wait or stop. Taking empties the queue.
    func next() -> Next {
        state.withLock { state in
            if !state.lines.isEmpty || state.dropped > 0 {
                let batch = Batch(lines: state.lines, dropped: state.dropped, through: state.appended)
                state.lines = []
                state.bytes = 0
                state.dropped = 0
                return .write(batch)
            }
            if state.stopping { return .stop }
            state.writerWaiting = true
            return .wait
        }
    }

    /// For the writer thread: the lines up to `through` are done with. When the write failed,
    /// `lost` lines count as dropped, and `unreported` drops (counted already, whose note was
    /// not written) are carried over, so that a later write notes them all. Returns the number
    /// of flushes to wake.
    func finished(through: Int, lost: Int = 0, unreported: Int = 0) -> Int {
        state.withLock { state in
            state.written = max(state.written, through)
            state.dropped += lost + unreported
            state.droppedTotal += lost
            return state.flushWaiters
        }
    }

    /// The sequence number of the last line queued so far: what a flush waits for.
    var lastAppended: Int { state.withLock { $0.appended } }

    /// Lines waiting for the writer to take them.
    var queuedLines: Int { state.withLock { $0.lines.count } }

    /// Lines dropped since the start.
    var droppedTotal: Int { state.withLock { $0.droppedTotal } }

    /// For `flush`: true when lines up to `sequence` are not written yet, in which case the
    /// caller is counted as waiting for progress and must call `endWaiting` after waiting.
    func beginWaiting(for sequence: Int) -> Bool {
        state.withLock { state in
            guard state.written < sequence else { return false }
            state.flushWaiters += 1
            return true
        }
    }

    /// Whether the writer is done with every line up to `sequence`.
    func isWritten(through sequence: Int) -> Bool {
        state.withLock { $0.written >= sequence }
    }

    func endWaiting() {
        state.withLock { $0.flushWaiters -= 1 }
    }

    /// Makes the writer stop once the queue is empty. Returns true when it is waiting and the
    /// caller must wake it.
    func stop() -> Bool {
        state.withLock { state in
            state.stopping = true
            defer { state.writerWaiting = false }
            return state.writerWaiting
        }
    }
}
