import Locking
import ChatCore
import Testing

@testable import OperatorConsole

@Suite("console log")
struct ConsoleLogTests {
    final class Written: Sendable {
        let lines = Locked<[String]>([])
        var all: [String] { lines.withLock { $0 } }
    }

    @Test func linesGoStraightThroughUntilHeld() throws {
        let written = Written()
        let log = try ConsoleLog(direct: { line in written.lines.withLock { $0.append(line) } })
        log.write("one\n")
        #expect(written.all == ["one\n"])
        log.hold()
        log.write("two\n")
        log.write("three\n")
        #expect(written.all == ["one\n"])
        #expect(log.take() == ["two", "three"])
        #expect(log.take() == [])
    }

    @Test func releasingWritesWhatIsHeldBeforeNewLines() throws {
        let written = Written()
        let log = try ConsoleLog(direct: { line in written.lines.withLock { $0.append(line) } })
        log.hold()
        log.write("held\n")
        log.release()
        log.write("after\n")
        #expect(written.all == ["held\n", "after\n"])
    }

    @Test func aFloodOfHeldLinesIsBoundedAndCounted() throws {
        let log = try ConsoleLog(direct: { _ in })
        log.hold()
        for index in 0..<(ConsoleLog.holdLimit + 5) { log.write("line \(index)\n") }
        let lines = log.take()
        #expect(lines.count == ConsoleLog.holdLimit + 1)
        #expect(lines.last == "(5 log lines dropped while the terminal was busy)")
    }
}
