@testable import ChatServer

extension FloodControl {
    /// A bucket with limits of its own (the server shares one `FloodLimits` per loop).
    init(burst: Int, linesPerSecond: Double, discardedBytesPerToken: Int, now: Int64) {
        self.init(
            limits: FloodLimits(burst: burst, linesPerSecond: linesPerSecond, discardedBytesPerToken: discardedBytesPerToken),
            now: now)
    }

    /// `reconfigure` with new figures and the same discarded-input price.
    mutating func reconfigure(burst: Int, linesPerSecond: Double, now: Int64) {
        reconfigure(
            FloodLimits(burst: burst, linesPerSecond: linesPerSecond, discardedBytesPerToken: limits.discardedBytesPerToken),
            now: now)
    }
}
