import LineProtocol

/// Flood control for one connection: a token bucket refilled from the loop's clock, and the
/// lines read while it was empty, waiting their turn. A value with no I/O: the loop decides
/// what throttling means for the socket (it stops reading it).
///
/// Every line costs a token. Input the framer discarded (an overlong line, telnet noise) and
/// large replies cost extra tokens (`charge`), so neither garbage nor a command with a huge
/// answer is free; the balance may go below zero and is paid back by waiting.
struct FloodControl {
    /// The burst and rate, shared by every connection of a loop (one reference here, not 24
    /// bytes of the same figures in each idle connection).
    private(set) var limits: FloodLimits
    private(set) var tokens: Double
    private var updatedAt: Int64
    /// Out of tokens: the loop stops reading the socket until `release`.
    private(set) var isThrottled = false
    /// Lines read while throttled, oldest first.
    var held = HeldLines()

    /// Tokens the bucket holds when full: lines a client may send in a burst.
    var burst: Double { limits.burst }
    var tokensPerSecond: Double { limits.linesPerSecond }
    /// A reply costs one extra token per this many bytes of output (LIST on a big server).
    static let replyBytesPerToken = 4096

    init(limits: FloodLimits, now: Int64) {
        self.limits = limits
        self.tokens = limits.burst
        self.updatedAt = now
    }

    /// Takes one token for a line. False when the bucket is empty: hold the line and throttle.
    mutating func take(now: Int64) -> Bool {
        refill(now: now)
        guard tokens >= 1 else { return false }
        tokens -= 1
        return true
    }

    /// Takes `cost` tokens whatever the balance (it may go negative).
    mutating func charge(_ cost: Double, now: Int64) {
        guard cost > 0 else { return }
        refill(now: now)
        tokens -= cost
    }

    /// Charges for `bytes` of input the framer threw away.
    mutating func chargeDiscarded(bytes: Int, now: Int64) {
        charge(Double(bytes) / Double(limits.discardedBytesPerToken), now: now)
    }

    /// Charges for a reply of `bytes` bytes: free below `replyBytesPerToken`.
    mutating func chargeReply(bytes: Int, now: Int64) {
        charge(Double(bytes / Self.replyBytesPerToken), now: now)
    }

    /// New limits from `now` on (a reload): the tokens earned so far at the old rate are kept,
    /// up to the new burst.
    mutating func reconfigure(_ limits: FloodLimits, now: Int64) {
        refill(now: now)
        self.limits = limits
        tokens = min(tokens, limits.burst)
    }


    mutating func throttle() { isThrottled = true }

    mutating func release() { isThrottled = false }

    /// Nanoseconds from `now` until a whole token is available.
    func nanosecondsUntilToken(now: Int64) -> Int64 {
        let missing = 1 - (tokens + Double(now - updatedAt) / 1e9 * tokensPerSecond)
        guard missing > 0 else { return 0 }
        return Int64((missing / tokensPerSecond * 1e9).rounded(.up))
    }

    private mutating func refill(now: Int64) {
        if tokens < burst {
            tokens = min(burst, tokens + Double(now - updatedAt) / 1e9 * tokensPerSecond)
        }
        updatedAt = now
    }
}

/// A loop's flood settings, replaced as a whole on reload.
final class FloodLimits: Sendable {
    let burst: Double
    let linesPerSecond: Double
    /// Discarded input costs one token per this many bytes (a maximum-length line's worth,
    /// from --max-line-bytes).
    let discardedBytesPerToken: Int

    init(burst: Int, linesPerSecond: Double, discardedBytesPerToken: Int) {
        self.burst = Double(burst)
        self.linesPerSecond = linesPerSecond
        self.discardedBytesPerToken = max(1, discardedBytesPerToken)
    }

    convenience init(configuration: ServerConfiguration) {
        self.init(
            burst: configuration.floodBurst, linesPerSecond: configuration.floodLinesPerSecond,
            discardedBytesPerToken: configuration.maxLineBytes)
    }
}
