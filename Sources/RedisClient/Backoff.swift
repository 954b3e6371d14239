/// Delays between reconnection attempts: exponential from `initialDelay`, times `multiplier`
/// after each attempt, capped at `maximumDelay`, each shortened by a random fraction of up to
/// `jitter` so that nodes that lost the server together do not come back in step. Pure: the
/// randomness comes from a generator seeded by the caller, so a sequence can be replayed.
public struct Backoff: Sendable, Equatable {
    /// Seconds before the first retry (before jitter).
    public let initialDelay: Double
    /// The longest delay, in seconds.
    public let maximumDelay: Double
    /// How much each delay grows over the one before (at least 1).
    public let multiplier: Double
    /// The most of each delay that jitter may take off, from 0 (none) to 1 (anything down to 0).
    public let jitter: Double
    /// Delays handed out since the start or the last `reset()`.
    public private(set) var attempts = 0

    private var base: Double
    private var random: SplitMix64

    /// Out-of-range settings are clamped: a negative delay to 0, a multiplier below 1 to 1, a
    /// maximum below the initial delay to it, jitter into 0...1.
    public init(
        initialDelay: Double = 0.1, maximumDelay: Double = 30, multiplier: Double = 2, jitter: Double = 0.5,
        seed: UInt64
    ) {
        self.initialDelay = max(0, initialDelay)
        self.maximumDelay = max(self.initialDelay, maximumDelay)
        self.multiplier = max(1, multiplier)
        self.jitter = min(1, max(0, jitter))
        base = self.initialDelay
        random = SplitMix64(seed: seed)
    }

    /// The delay before the next attempt, in seconds: between `(1 - jitter)` times and once the
    /// current exponential step.
    public mutating func nextDelay() -> Double {
        let step = base
        base = min(maximumDelay, base * multiplier)
        attempts += 1
        let fraction = Double(random.next() >> 11) * 0x1p-53  // uniform in [0, 1)
        return step * (1 - jitter * fraction)
    }

    /// Starts again from `initialDelay`, after a connection that worked.
    public mutating func reset() {
        base = initialDelay
        attempts = 0
    }
}

/// SplitMix64: a tiny seeded generator for jitter.
struct SplitMix64: Sendable, Equatable {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
