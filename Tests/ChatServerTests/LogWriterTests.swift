import Glibc
import Platform
import TestSupport
import Testing

@testable import ChatServer

/// The log queue alone: what is queued, dropped and counted, and when the writer is woken.
@Suite("log queue")
struct LogQueueTests {
    typealias Batch = LogQueue.Batch

    @Test func onlyAWaitingWriterIsWoken() {
        let queue = LogQueue(maxLines: 10, maxBytes: 1000)
        #expect(queue.append("a\n") == false)
        #expect(queue.next() == .write(Batch(lines: ["a\n"], dropped: 0, through: 1)))
        #expect(queue.next() == .wait)
        #expect(queue.append("b\n") == true)
        #expect(queue.append("c\n") == false)
        #expect(queue.next() == .write(Batch(lines: ["b\n", "c\n"], dropped: 0, through: 3)))
    }

    @Test func linesPastTheLimitAreDroppedAndCountedAfterTheLinesBeforeThem() {
        let queue = LogQueue(maxLines: 3, maxBytes: 1000)
        for index in 1...5 { _ = queue.append("line \(index)\n") }
        #expect(queue.droppedTotal == 2)
        #expect(queue.next() == .write(Batch(lines: ["line 1\n", "line 2\n", "line 3\n"], dropped: 2, through: 3)))
        _ = queue.append("line 6\n")
        #expect(queue.next() == .write(Batch(lines: ["line 6\n"], dropped: 0, through: 4)))
        #expect(queue.droppedTotal == 2)
    }

    @Test func theByteBudgetDropsTooAndAShorterLineAfterADropWaitsItsTurn() {
        let queue = LogQueue(maxLines: 100, maxBytes: 10)
        _ = queue.append("12345\n")
        _ = queue.append("123456\n")  // would make 13 bytes: dropped
        _ = queue.append("12\n")  // would fit, but the order of the note would be wrong
        #expect(queue.next() == .write(Batch(lines: ["12345\n"], dropped: 2, through: 1)))
    }

    @Test func aFailedWriteCountsItsLinesAsDroppedAndCarriesItsNote() {
        let queue = LogQueue(maxLines: 1, maxBytes: 1000)
        _ = queue.append("a\n")
        _ = queue.append("b\n")
        guard case .write(let batch) = queue.next() else {
            Issue.record("nothing to write")
            return
        }
        #expect(queue.finished(through: batch.through, lost: batch.lines.count, unreported: batch.dropped) == 0)
        #expect(queue.droppedTotal == 2)
        #expect(queue.next() == .write(Batch(lines: [], dropped: 2, through: 1)))
    }

    @Test func stoppingLetsTheWriterFinishWhatIsQueued() {
        let queue = LogQueue(maxLines: 10, maxBytes: 1000)
        #expect(queue.next() == .wait)
        _ = queue.append("last\n")
        #expect(queue.stop() == false)  // already woken by the append
        #expect(queue.next() == .write(Batch(lines: ["last\n"], dropped: 0, through: 1)))
        #expect(queue.next() == .stop)
    }
}

/// A pipe filled to capacity that nobody reads until the test says so: a write(2) to `writeFD`
/// (left blocking) blocks, like a server's stderr that nobody reads.
final class StalledPipe {
    let writeFD: Int32
    /// The read end; the filler is newlines, which `nextLine` skips.
    let reader: LineClient

    init() throws {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw SystemError("pipe", errno: errno) }
        writeFD = fds[1]
        reader = LineClient(adopting: fds[0])
        // A second, non-blocking open of the same pipe fills it without blocking, while the
        // descriptor under test stays blocking (the flag belongs to the open, not the pipe).
        let filler = open("/proc/self/fd/\(fds[1])", O_WRONLY | O_NONBLOCK | O_CLOEXEC)
        guard filler >= 0 else { throw SystemError("open", errno: errno) }
        defer { close(filler) }
        let newlines = [UInt8](repeating: 10, count: 4096)
        for size in [4096, 1] {
            while write(filler, newlines, size) == size {}
        }
    }

    deinit { close(writeFD) }

    /// The next line that is not filler, reading (and so unblocking the writer) as needed.
    func nextLine(timeout: Double = 5) throws -> String {
        while true {
            let line = try reader.readLine(timeout: timeout)
            if !line.isEmpty { return line }
        }
    }
}

/// The writer thread over a real pipe that stalls.
@Suite("log writer")
struct LogWriterTests {
    @Test func linesKeepTheirOrderAndTheDropsAreNotedWhereTheyHappened() throws {
        let pipe = try StalledPipe()
        let writer = LogWriter(fd: pipe.writeFD, maxLines: 3)
        writer.write("first\n")
        // Once the writer has taken it, it is stuck in write(2) until the pipe is read.
        #expect(waitUntil { writer.queue.queuedLines == 0 })
        for index in 1...5 { writer.write("line \(index)\n") }
        #expect(writer.droppedLines == 2)

        #expect(try pipe.nextLine() == "first")
        for index in 1...3 { #expect(try pipe.nextLine() == "line \(index)") }
        let note = try pipe.nextLine()
        #expect(note.hasSuffix(" warning (2 log lines dropped: the log output was not keeping up)"), "\(note)")
        writer.write("after\n")
        #expect(try pipe.nextLine() == "after")
        #expect(writer.flush(timeout: 5))
        #expect(writer.droppedLines == 2)
    }

    @Test(.timeLimit(.minutes(10)))
    func loggingNeverWaitsAndFlushGivesUpWhenTheOutputIsStalled() throws {
        let pipe = try StalledPipe()
        let writer = LogWriter(fd: pipe.writeFD)
        writer.write("stuck\n")
        #expect(waitUntil { writer.queue.queuedLines == 0 })

        let started = Posix.monotonicNanoseconds()
        #expect(writer.flush(timeout: 0.3) == false)
        let waited = Double(Posix.monotonicNanoseconds() - started) / 1e9
        #expect(waited >= 0.25 && waited < 3, "flush took \(waited) s")

        // A queue's worth and ten more: all return at once, and the ten are dropped.
        for index in 0..<(LogWriter.maxQueuedLines + 10) { writer.write("line \(index)\n") }
        #expect(writer.droppedLines == 10)

        #expect(try pipe.nextLine() == "stuck")
        for index in 0..<LogWriter.maxQueuedLines {
            let line = try pipe.nextLine()
            if line != "line \(index)" {
                Issue.record("expected line \(index), got \(line)")
                return
            }
        }
        #expect(try pipe.nextLine().hasSuffix("(10 log lines dropped: the log output was not keeping up)"))
        #expect(writer.flush(timeout: 5))
    }

    @Test func flushReturnsOnceTheQueuedLinesAreWritten() throws {
        let pipe = try StalledPipe()
        let writer = LogWriter(fd: pipe.writeFD)
        for index in 0..<3 { writer.write("line \(index)\n") }
        for index in 0..<3 { #expect(try pipe.nextLine() == "line \(index)") }
        #expect(writer.flush(timeout: 5))
        #expect(writer.droppedLines == 0)
    }
}
