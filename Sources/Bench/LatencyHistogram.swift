/// A log-linear histogram of non-negative nanosecond values: exact below 128, then 64 buckets
/// per power of two (under 1.6% error), a fixed 30 KB whatever the count. Records in O(1).
public struct LatencyHistogram: Sendable {
    private static let linear = 128
    private static let perOctave = 64
    private static let bucketCount = linear + 57 * perOctave

    private var buckets: [UInt64]
    public private(set) var count = 0
    public private(set) var maximum: Int64 = 0
    public private(set) var minimum: Int64 = .max
    private var total: Double = 0

    public init() { buckets = [UInt64](repeating: 0, count: Self.bucketCount) }

    /// Adds one value (negative values count as 0).
    @inline(__always)
    public mutating func record(_ nanoseconds: Int64) {
        let value = UInt64(max(0, nanoseconds))
        buckets[Self.index(of: value)] &+= 1
        count += 1
        total += Double(value)
        if Int64(value) > maximum { maximum = Int64(value) }
        if Int64(value) < minimum { minimum = Int64(value) }
    }

    /// Adds every value of `other`.
    public mutating func merge(_ other: LatencyHistogram) {
        for index in buckets.indices { buckets[index] &+= other.buckets[index] }
        count += other.count
        total += other.total
        maximum = max(maximum, other.maximum)
        minimum = min(minimum, other.minimum)
    }

    public var mean: Double { count == 0 ? 0 : total / Double(count) }

    /// The value at `percentile` (0...100): the middle of the bucket holding it, clamped to the
    /// range seen. 0 when empty.
    public func value(atPercentile percentile: Double) -> Int64 {
        guard count > 0 else { return 0 }
        let rank = max(1, UInt64((percentile / 100 * Double(count)).rounded(.up)))
        var seen: UInt64 = 0
        for (index, bucketCount) in buckets.enumerated() where bucketCount > 0 {
            seen += bucketCount
            if seen >= rank {
                let (low, high) = Self.bounds(of: index)
                return min(max(Int64((low + high) / 2), minimum), maximum)
            }
        }
        return maximum
    }

    @inline(__always)
    static func index(of value: UInt64) -> Int {
        if value < UInt64(linear) { return Int(value) }
        let highestBit = 63 - value.leadingZeroBitCount
        let shift = highestBit - 6
        return linear + (shift - 1) * perOctave + Int(value >> UInt64(shift)) - perOctave
    }

    /// The lowest and highest value of bucket `index`.
    static func bounds(of index: Int) -> (UInt64, UInt64) {
        if index < linear { return (UInt64(index), UInt64(index)) }
        let offset = index - linear
        let shift = UInt64(offset / perOctave + 1)
        let mantissa = UInt64(offset % perOctave + perOctave)
        return (mantissa << shift, ((mantissa + 1) << shift) - 1)
    }
}
