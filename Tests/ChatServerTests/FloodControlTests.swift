@testable import ChatServer
import LineProtocol
import Testing

@Suite("Flood control")
struct FloodControlTests {
    private let second: Int64 = 1_000_000_000

    @Test("a full bucket allows the burst, then one line per token")
    func burstThenRate() {
        var flood = FloodControl(burst: 3, linesPerSecond: 2, discardedBytesPerToken: 512, now: 0)
        let burst = (0..<4).map { _ in flood.take(now: 0) }
        #expect(burst == [true, true, true, false])
        let early = flood.take(now: second / 4)
        #expect(!early, "half a token after 250 ms")
        let onTime = flood.take(now: second / 2)
        #expect(onTime)
        #expect(flood.nanosecondsUntilToken(now: second / 2) == second / 2)
    }

    @Test("refilling stops at the burst")
    func refillIsCapped() {
        var flood = FloodControl(burst: 2, linesPerSecond: 10, discardedBytesPerToken: 512, now: 0)
        let taken = (0..<3).map { _ in flood.take(now: 100 * second) }
        #expect(taken == [true, true, false])
    }

    @Test("discarded input costs a token per maximum-length line, and may overdraw the bucket")
    func discardedBytesAreCharged() {
        var flood = FloodControl(burst: 10, linesPerSecond: 5, discardedBytesPerToken: 512, now: 0)
        flood.chargeDiscarded(bytes: 512 * 14, now: 0)
        #expect(flood.tokens == -4)
        let overdrawn = flood.take(now: 0)
        #expect(!overdrawn)
        #expect(flood.nanosecondsUntilToken(now: 0) == second)
        let repaid = flood.take(now: second)
        #expect(repaid)
    }

    @Test("a reply costs a token per 4 KiB; small replies are free")
    func largeRepliesAreCharged() {
        var flood = FloodControl(burst: 10, linesPerSecond: 5, discardedBytesPerToken: 512, now: 0)
        flood.chargeReply(bytes: 4095, now: 0)
        #expect(flood.tokens == 10)
        flood.chargeReply(bytes: 285_000, now: 0)
        #expect(flood.tokens == 10 - 69)
    }

    @Test("held lines come back in order with their byte count")
    func heldLinesQueue() {
        var held = HeldLines()
        var first = Array("PING a".utf8)
        first.withUnsafeBytes { held.append(.line($0)) }
        held.append(.overlong)
        var second = Array("PING b".utf8)
        second.withUnsafeBytes { held.append(.line($0)) }
        first = []
        second = []
        #expect(held.count == 3)
        #expect(held.byteCount == 7 + 1 + 7)
        #expect(held.popFirst() == .line(Array("PING a".utf8)))
        #expect(held.popFirst() == .overlong)
        #expect(held.byteCount == 7)
        #expect(held.popFirst() == .line(Array("PING b".utf8)))
        #expect(held.popFirst() == nil)
        #expect(held.isEmpty && held.byteCount == 0)
    }
}
