/// Tests on eight bytes at once, loaded as a `UInt64` (in either byte order: each test looks at
/// every byte alike), for the scans every inbound line goes through: most lines are printable
/// ASCII with no CR, LF or telnet IAC until their end, and a loop that looked at one byte at a
/// time cost ten instructions a byte.
///
/// Each test is exact: a byte's seven low bits plus a constant below 0x80 cannot carry into the
/// next byte, so a high bit of the sum says something about its own byte only.
enum ByteWord {
    static let ones: UInt64 = 0x0101_0101_0101_0101
    static let highBits: UInt64 = 0x8080_8080_8080_8080
    static let lowBits: UInt64 = 0x7F7F_7F7F_7F7F_7F7F

    /// The eight bytes at `pointer`, which need not be aligned.
    @inline(__always)
    static func load(_ pointer: UnsafeRawPointer) -> UInt64 {
        pointer.loadUnaligned(as: UInt64.self)
    }

    /// Every byte is printable ASCII, 0x20 to 0x7E.
    @inline(__always)
    static func isPrintableASCII(_ word: UInt64) -> Bool {
        let low = word & lowBits
        // The low bits plus 1 reach the high bit only for 0x7F; plus 0x60, for 0x20 and up.
        let aboveTilde = (word | (low &+ ones)) & highBits
        let atLeastSpace = (low &+ ones &* 0x60) & highBits
        return aboveTilde == 0 && atLeastSpace == highBits
    }

    /// Some byte is below `limit` (1 to 0x80).
    @inline(__always)
    static func hasByte(below limit: UInt8, _ word: UInt64) -> Bool {
        // The low bits plus (0x80 - limit) stay below the high bit exactly when they are below
        // `limit`; a byte with its own high bit set is not below it.
        let reachesHighBit = (word & lowBits) &+ ones &* UInt64(0x80 &- limit)
        return ~reachesHighBit & ~word & highBits != 0
    }

    /// Some byte is `byte`.
    @inline(__always)
    static func contains(_ byte: UInt8, _ word: UInt64) -> Bool {
        hasByte(below: 1, word ^ (ones &* UInt64(byte)))
    }
}
