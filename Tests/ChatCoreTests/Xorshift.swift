/// A tiny seeded generator, so a random input that fails is the same on every run.
struct Xorshift {
    private var state: UInt64

    init(seed: UInt64) { state = seed == 0 ? 1 : seed }

    /// A value in `0..<bound` (bound > 0).
    mutating func below(_ bound: Int) -> Int {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return Int(state % UInt64(bound))
    }
}
