import Dispatch
import Foundation
import Platform
import Synchronization

/// Writes log lines to a descriptor from a thread of its own, so that nobody who logs ever
/// waits for the log output. A stderr that is a full pipe nobody reads, a stopped terminal or
/// a slow disk blocks this thread alone in write(2); meanwhile lines queue up to
/// `maxQueuedLines` (or `maxQueuedBytes`), later ones are dropped and counted, and when the
/// output moves again the log says "(N log lines dropped: the log output was not keeping up)"
/// where they would have been. The writes stay blocking: stderr may be shared with a parent,
/// so its file status flags are not ours to change.
///
/// The thread starts in `init` and ends when the writer is released, once it has written what
/// was queued (`standardError` lives as long as the process; `exit` ends its thread).
public final class LogWriter: Sendable {
    /// Lines queued for the writer thread at most: a few seconds of a busy server's log,
    /// about a megabyte. A line logged while the queue is full is dropped and counted.
    public static let maxQueuedLines = 10_000
    /// Bytes queued at most, so that long lines cannot make the queue large either.
    public static let maxQueuedBytes = 1 << 20
    /// How long the server waits at exit for the queued lines to be written: after that it
    /// exits anyway, leaving them unwritten, rather than hang on a stalled stderr.
    public static let exitFlushSeconds = 1.0

    /// The process's standard error. Its thread starts on first use.
    public static let standardError = LogWriter(fd: 2)

    /// The descriptor written to. The writer does not close it.
    public let fd: Int32
    let queue: LogQueue
    /// Wakes the writer thread when it waits for lines.
    private let work = DispatchSemaphore(value: 0)
    /// Wakes `flush` callers after each write.
    private let progress = DispatchSemaphore(value: 0)

    /// Starts a writer thread for `fd`, holding at most `maxLines` lines and `maxBytes` bytes.
    public init(fd: Int32, maxLines: Int = LogWriter.maxQueuedLines, maxBytes: Int = LogWriter.maxQueuedBytes) {
        self.fd = fd
        queue = LogQueue(maxLines: maxLines, maxBytes: maxBytes)
        // The thread holds the queue and the semaphores, not the writer, so that releasing the
        // writer stops it.
        let thread = Thread { [queue, work, progress] in
            Self.run(fd: fd, queue: queue, work: work, progress: progress)
        }
        thread.name = "linechat-log"
        thread.start()
    }

    deinit {
        if queue.stop() { work.signal() }
    }

    /// Queues `line` (a finished line, newline included) for the writer thread, or drops and
    /// counts it when the queue is full. Never waits for the output.
    public func write(_ line: String) {
        if queue.append(line) { work.signal() }
    }

    /// Lines dropped since the start, because the queue was full or a write failed.
    public var droppedLines: Int { queue.droppedTotal }

    /// Waits up to `timeout` seconds until every line queued before the call is written.
    /// Returns false when they are not (the output is stalled): the caller goes on regardless.
    @discardableResult
    public func flush(timeout: Double) -> Bool {
        let target = queue.lastAppended
        let deadline = DispatchTime.now() + timeout
        while queue.beginWaiting(for: target) {
            let result = progress.wait(timeout: deadline)
            queue.endWaiting()
            if result == .timedOut { return queue.isWritten(through: target) }
        }
        return true
    }

    /// The format of the notes of dropped lines (`Logger.Format`'s raw value): set with the
    /// logger's, so that a JSON log stays JSON.
    public static let noteFormat = Atomic<Int>(Logger.Format.text.rawValue)

    /// The note written where lines were dropped, in `format` (by default `noteFormat`'s).
    static func droppedNote(_ count: Int, format: Logger.Format? = nil) -> String {
        Logger.line(
            level: .warning,
            "(\(count) log line\(count == 1 ? "" : "s") dropped: the log output was not keeping up)",
            format: format ?? Logger.Format(rawValue: noteFormat.load(ordering: .relaxed)) ?? .text,
            time: Posix.timestamp())
    }

    /// The writer thread: takes everything queued, writes it with one write(2) (which may
    /// block for as long as the output is stalled), and waits when there is nothing to write.
    private static func run(fd: Int32, queue: LogQueue, work: DispatchSemaphore, progress: DispatchSemaphore) {
        // Signals are for the thread that waits for them (the console's), never this one.
        Posix.blockAllSignals()
        while true {
            switch queue.next() {
            case .stop:
                return
            case .wait:
                work.wait()
            case .write(let batch):
                var text = batch.lines.joined()
                if batch.dropped > 0 { text += droppedNote(batch.dropped) }
                let waiters: Int
                switch ByteIO.writeAll(fd, Array(text.utf8)) {
                case .success:
                    waiters = queue.finished(through: batch.through)
                case .failure:
                    waiters = queue.finished(through: batch.through, lost: batch.lines.count, unreported: batch.dropped)
                }
                for _ in 0..<waiters { progress.signal() }
            }
        }
    }
}
