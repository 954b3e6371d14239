/// Checks that a line's bytes are text another user's terminal can safely show: valid UTF-8
/// (no overlong forms, no surrogates, nothing above U+10FFFF) and no control characters other
/// than TAB (C0, DEL and the C1 range U+0080-U+009F, which some terminals also obey).
public enum LineContent {
    /// Why a line's bytes were refused.
    public enum Problem: Equatable, Sendable {
        case invalidUTF8
        /// The offending code point, for example 0x1B for ESC.
        case controlCharacter(UInt32)
    }

    /// The first problem in `bytes`, or nil when they are safe text.
    public static func problem(in bytes: UnsafeRawBufferPointer) -> Problem? {
        let count = bytes.count
        var i = 0
        while i < count {
            let b0 = bytes[i]
            if b0 < 0x80 {
                if (b0 < 0x20 && b0 != 0x09) || b0 == 0x7F { return .controlCharacter(UInt32(b0)) }
                i += 1
                continue
            }
            // Multi-byte sequence: the lead byte fixes the length and the range of the second byte.
            let length: Int
            var low: UInt8 = 0x80
            var high: UInt8 = 0xBF
            switch b0 {
            case 0xC2...0xDF: length = 2
            case 0xE0: length = 3; low = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED: length = 3; high = 0x9F
            case 0xF0: length = 4; low = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4: length = 4; high = 0x8F
            default: return .invalidUTF8
            }
            guard i + length <= count else { return .invalidUTF8 }
            let b1 = bytes[i + 1]
            guard b1 >= low && b1 <= high else { return .invalidUTF8 }
            for k in 2..<max(length, 2) where bytes[i + k] & 0xC0 != 0x80 {
                return .invalidUTF8
            }
            if b0 == 0xC2 && b1 <= 0x9F { return .controlCharacter(UInt32(b1)) }
            i += length
        }
        return nil
    }
}
