import RedisClient
import Testing

@Suite("Backoff")
struct BackoffTests {
    @Test("without jitter the delays double up to the cap")
    func exponential() {
        var backoff = Backoff(initialDelay: 0.1, maximumDelay: 1, multiplier: 2, jitter: 0, seed: 1)
        let delays = (0..<7).map { _ in backoff.nextDelay() }
        let expected = [0.1, 0.2, 0.4, 0.8, 1, 1, 1]
        #expect(zip(delays, expected).allSatisfy { abs($0 - $1) < 1e-12 }, "\(delays)")
        #expect(backoff.attempts == 7)
    }

    @Test("jitter shortens each delay by at most its fraction, and varies")
    func jitter() {
        var backoff = Backoff(initialDelay: 1, maximumDelay: 8, multiplier: 2, jitter: 0.5, seed: 42)
        var step = 1.0
        var delays: [Double] = []
        for _ in 0..<200 {
            let delay = backoff.nextDelay()
            #expect(delay <= step && delay >= step * 0.5, "\(delay) for step \(step)")
            delays.append(delay)
            step = min(8, step * 2)
        }
        #expect(Set(delays.suffix(100)).count > 90)
    }

    @Test("the same seed gives the same delays; another seed others")
    func seeded() {
        func delays(_ seed: UInt64) -> [Double] {
            var backoff = Backoff(seed: seed)
            return (0..<10).map { _ in backoff.nextDelay() }
        }
        #expect(delays(7) == delays(7))
        #expect(delays(7) != delays(8))
    }

    @Test("reset starts again from the initial delay")
    func reset() {
        var backoff = Backoff(initialDelay: 0.5, maximumDelay: 10, jitter: 0, seed: 3)
        _ = (0..<5).map { _ in backoff.nextDelay() }
        backoff.reset()
        #expect(backoff.attempts == 0)
        #expect(backoff.nextDelay() == 0.5)
    }

    @Test("out-of-range settings are clamped")
    func clamped() {
        var backoff = Backoff(initialDelay: -1, maximumDelay: -5, multiplier: 0.5, jitter: 3, seed: 9)
        #expect(
            backoff.initialDelay == 0 && backoff.maximumDelay == 0 && backoff.multiplier == 1 && backoff.jitter == 1)
        #expect(backoff.nextDelay() == 0)
        var capped = Backoff(initialDelay: 5, maximumDelay: 1, jitter: 0, seed: 9)
        #expect(capped.maximumDelay == 5)
        #expect(capped.nextDelay() == 5 && capped.nextDelay() == 5)
    }
}
