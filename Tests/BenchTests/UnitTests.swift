import Testing

@testable import Bench

struct PayloadTests {
    @Test(arguments: [31, 32, 64, 512])
    func roundTripsAtEverySize(size: Int) {
        let fields = Payload.Fields(sender: 0xABCDE, sequence: 0xDEAD_BEEF, sentAt: 1_234_567_890_123)
        let bytes = Payload.bytes(fields, size: size)
        #expect(bytes.count == size)
        #expect(bytes.first == UInt8(ascii: "|"))
        #expect(Payload.find(in: Array(":b1 BROADCAST :".utf8) + bytes, size: size) == fields)
    }

    @Test func refusesLinesThatAreNotPayloads() {
        #expect(Payload.find(in: Array(":linechat 001 b1 :Welcome to the chat room, b1!".utf8), size: 31) == nil)
        var bytes = Payload.bytes(Payload.Fields(sender: 1, sequence: 2, sentAt: 3), size: 40)
        bytes[5] = UInt8(ascii: "g")
        #expect(Payload.find(in: bytes, size: 40) == nil)
    }
}

struct LatencyHistogramTests {
    @Test func percentilesAreWithinTwoPercent() {
        var histogram = LatencyHistogram()
        for value in 1...100_000 { histogram.record(Int64(value) * 1000) }
        #expect(histogram.count == 100_000)
        #expect(histogram.maximum == 100_000_000)
        for (percentile, exact) in [(50.0, 50_000_000.0), (90, 90_000_000), (99, 99_000_000)] {
            let value = Double(histogram.value(atPercentile: percentile))
            #expect(abs(value - exact) / exact < 0.02, "p\(percentile) = \(value)")
        }
    }

    @Test func smallValuesAreExact() {
        var histogram = LatencyHistogram()
        for value in [3, 3, 7, 100] { histogram.record(Int64(value)) }
        #expect(histogram.value(atPercentile: 50) == 3)
        #expect(histogram.value(atPercentile: 100) == 100)
    }

    @Test func bucketsCoverEveryValueOnce() {
        for value: UInt64 in [0, 1, 127, 128, 129, 255, 256, 1000, 1 << 40, UInt64(Int64.max)] {
            let (low, high) = LatencyHistogram.bounds(of: LatencyHistogram.index(of: value))
            #expect(low <= value && value <= high, "\(value) in \(low)...\(high)")
        }
    }
}

struct OptionTests {
    @Test func parsesAFanoutCommandLine() throws {
        let request = try BenchOptions.parse([
            "fanout", "--clients", "1000", "--senders", "10", "--messages", "200", "--payload", "64", "--rate", "1000",
            "--adapter", "irc", "--port", "6667", "--server-pid", "42", "--json",
        ])
        guard case .run(let options) = request else {
            Issue.record("expected a run")
            return
        }
        #expect(options.scenario == .fanout)
        #expect(options.clients == 1000)
        #expect(options.adapter == .irc)
        #expect(options.serverPID == 42)
        #expect(options.rate == 1000)
        #expect(options.json)
        #expect(options.expectedDeliveries == 10 * 200 * 999)
    }

    @Test func parsesAJoinStorm() throws {
        guard case .run(let options) = try BenchOptions.parse(["joinstorm", "--room-size", "5", "--hold", "1"]) else {
            Issue.record("expected a run")
            return
        }
        #expect(options.scenario == .joinstorm)
        #expect(options.clients == 10_000)
        #expect(options.roomSize == 5)
        #expect(options.holdSeconds == 1)
    }

    @Test func helpWinsOverEverythingElse() throws {
        #expect(try BenchOptions.parse(["fanout", "--clients", "x", "--help"]) == .help)
        #expect(try BenchOptions.parse(["--help"]) == .help)
    }

    @Test(arguments: [
        [],
        ["stampede"],
        ["fanout", "--clients"],
        ["fanout", "--clients", "many"],
        ["fanout", "--clients", "10", "--senders", "11"],
        ["fanout", "--payload", "8"],
        ["fanout", "--adapter", "xmpp"],
        ["fanout", "--hold", "3"],
        ["idle", "--clients", "10"],
        ["idle", "--messages", "10"],
        ["pairs", "--clients", "3"],
        ["pairs", "--adapter", "nio-chat"],
        ["connect", "--port", "70000"],
        ["fanout", "--json", "--json"],
        ["joinstorm", "--clients", "10"],
        ["joinstorm", "--adapter", "nio-chat"],
        ["idle", "--room-size", "5"],
    ])
    func refusesMistakes(arguments: [String]) {
        #expect(throws: UsageError.self) { try BenchOptions.parse(arguments) }
    }

    @Test func usageErrorsExitWith64() {
        #expect(BenchCommand.run(["fanout", "--nonsense"]) == 64)
        #expect(BenchCommand.run(["--help"]) == 0)
    }
}

struct FormatTests {
    @Test func formatsCountsRatesAndSizes() {
        #expect(Format.count(1_234_567) == "1,234,567")
        #expect(Format.count(12) == "12")
        #expect(Format.rate(5_612_000) == "5.61 M")
        #expect(Format.rate(99_000) == "99.0 k")
        #expect(Format.bytes(1536) == "1.50 KiB")
        #expect(Format.fixed(0.0005, 3) == "0.001")
        #expect(JSON.string("a\"b\n") == "\"a\\\"b\\n\"")
        #expect(JSON.number(2) == "2")
        #expect(JSON.number(2.5) == "2.5")
    }
}
