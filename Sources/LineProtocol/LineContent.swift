/// Checks that a line's bytes are text another user's terminal can safely show: valid UTF-8
/// (no overlong forms, no surrogates, nothing above U+10FFFF) and no control characters other
/// than TAB and IRC's formatting codes (C0, DEL and the C1 range U+0080-U+009F, which some
/// terminals also obey).
///
/// IRC's formatting codes and the CTCP delimiter (0x01 CTCP, 0x02 bold, 0x03 colour, 0x0F
/// reset, 0x11 monospace, 0x16 reverse, 0x1D italic, 0x1E strikethrough, 0x1F underline) are
/// allowed: terminals ignore them, IRC clients draw them, and `/me` needs 0x01. ESC, NUL, BS,
/// BEL, SO, DEL and the rest are what garble another user's terminal, and stay refused.
public enum LineContent {
    /// The C0 bytes IRC clients use for formatting and CTCP.
    public static func isFormattingCode(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x01, 0x02, 0x03, 0x0F, 0x11, 0x16, 0x1D, 0x1E, 0x1F: true
        default: false
        }
    }

    /// Why a line's bytes were refused.
    public enum Problem: Equatable, Sendable {
        case invalidUTF8
        /// The offending code point, for example 0x1B for ESC.
        case controlCharacter(UInt32)
    }

    /// The first problem in `bytes`, or nil when they are safe text. Formatting codes are
    /// allowed unless `allowingFormatting` is false (names).
    public static func problem(in bytes: UnsafeRawBufferPointer, allowingFormatting: Bool = true) -> Problem? {
        guard let base = bytes.baseAddress else { return nil }
        let count = bytes.count
        var i = 0
        while i < count {
            let b0 = bytes[i]
            if b0 < 0x80 {
                if (b0 < 0x20 && b0 != 0x09 && !(allowingFormatting && isFormattingCode(b0))) || b0 == 0x7F {
                    return .controlCharacter(UInt32(b0))
                }
                i += 1
                // More printable ASCII usually follows: it is passed eight bytes at a time.
                while i &+ 8 <= count && ByteWord.isPrintableASCII(ByteWord.load(base + i)) { i &+= 8 }
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
