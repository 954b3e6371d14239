@testable import ChatServer
import Testing

@Suite("Output buffer")
struct OutputBufferTests {
    private func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    private func pending(_ buffer: borrowing OutputBuffer) -> [UInt8] { Array(buffer.pending) }

    @Test("an empty buffer holds no storage until the first line")
    func emptyHoldsNothing() {
        var buffer = OutputBuffer()
        #expect(buffer.capacity == 0 && buffer.isEmpty)
        bytes("a\r\n").withUnsafeBytes { buffer.append($0) }
        #expect(buffer.capacity == OutputBuffer.minimumCapacity)
        #expect(pending(buffer) == bytes("a\r\n"))
    }

    @Test("growing past a page keeps every byte, in order, across several doublings")
    func growthKeepsBytes() {
        var buffer = OutputBuffer()
        var expected: [UInt8] = []
        for index in 0..<2_000 {
            let line = bytes("line \(index) of a long burst\r\n")
            line.withUnsafeBytes { buffer.append($0) }
            expected += line
        }
        #expect(buffer.capacity >= expected.count && buffer.capacity.nonzeroBitCount == 1)
        #expect(pending(buffer) == expected)
    }

    @Test("a partly sent queue slides down when it must grow, and the rest goes out whole")
    func slideThenGrow() {
        var buffer = OutputBuffer()
        let first = [UInt8](repeating: 65, count: 3_000) + [10]
        first.withUnsafeBytes { buffer.append($0) }
        buffer.consume(1_000)
        let second = [UInt8](repeating: 66, count: 6_000) + [10]
        second.withUnsafeBytes { buffer.append($0) }
        #expect(pending(buffer) == Array(first[1_000...]) + second)
    }

    @Test("a drained buffer keeps its storage for reuse; release frees it")
    func drainedKeepsStorage() {
        var buffer = OutputBuffer()
        bytes("hello\r\n").withUnsafeBytes { buffer.append($0) }
        buffer.consume(7)
        #expect(buffer.isEmpty && buffer.capacity == OutputBuffer.minimumCapacity)
        bytes("again\r\n").withUnsafeBytes { buffer.append($0) }
        #expect(pending(buffer) == bytes("again\r\n"))
        buffer.consume(7)
        buffer.release()
        #expect(buffer.isEmpty && buffer.capacity == 0)
    }

    @Test("dropping unsent lines keeps the rest of a line the socket has started on")
    func dropKeepsPartialLine() {
        var buffer = OutputBuffer()
        bytes("first line\r\nsecond\r\n").withUnsafeBytes { buffer.append($0) }
        buffer.consume(3)
        buffer.dropUnsentLines()
        #expect(pending(buffer) == bytes("st line\r\n"))
    }

    @Test("dropping unsent lines keeps the bytes a TLS write attempt started on, through the end of their line")
    func dropKeepsAnAttemptedTLSWrite() {
        var buffer = OutputBuffer()
        for line in ["one\r\n", "two\r\n", "three\r\n", "four\r\n"] {
            bytes(line).withUnsafeBytes { buffer.append($0) }
        }
        buffer.consume(5)  // "one\r\n" sent: on a line boundary
        buffer.dropUnsentLines(keeping: 7)  // the attempt offered "two\r\nth"
        #expect(pending(buffer) == bytes("two\r\nthree\r\n"))
        buffer.dropUnsentLines(keeping: 5)  // ends exactly on a line end
        #expect(pending(buffer) == bytes("two\r\n"))
        buffer.dropUnsentLines(keeping: 0)
        #expect(buffer.isEmpty && buffer.capacity == 0)
    }
}
