/// Strict UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF), as
/// RFC 6455 requires of text messages.
public enum UTF8Text {
    /// The length of the valid sequence starting at `i`, or nil when the bytes there are not
    /// one (invalid, or cut short by the end).
    @inline(__always)
    static func sequenceLength(_ bytes: UnsafeRawBufferPointer, at i: Int) -> Int? {
        let b0 = bytes[i]
        if b0 < 0x80 { return 1 }
        let length: Int
        var low: UInt8 = 0x80
        var high: UInt8 = 0xBF
        switch b0 {
        case 0xC2...0xDF: length = 2
        case 0xE0:
            length = 3
            low = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED:
            length = 3
            high = 0x9F
        case 0xF0:
            length = 4
            low = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4:
            length = 4
            high = 0x8F
        default: return nil
        }
        guard i + length <= bytes.count else { return nil }
        guard bytes[i + 1] >= low && bytes[i + 1] <= high else { return nil }
        for k in 2..<max(length, 2) where bytes[i + k] & 0xC0 != 0x80 { return nil }
        return length
    }

    /// Whether `bytes` are valid UTF-8.
    public static func isValid(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var i = 0
        while i < bytes.count {
            guard let length = sequenceLength(bytes, at: i) else { return false }
            i += length
        }
        return true
    }

    /// Whether `bytes` are valid UTF-8.
    public static func isValid(_ bytes: [UInt8]) -> Bool { bytes.withUnsafeBytes { isValid($0) } }

    /// Appends `bytes` with each invalid sequence replaced by U+FFFD: one for a bad lead byte
    /// and the continuation bytes after it that its length allows (close to the Unicode
    /// standard's "maximal subpart" rule; a surrogate's bytes may give one U+FFFD fewer).
    public static func appendReplacingInvalid(_ bytes: UnsafeRawBufferPointer, to out: inout [UInt8]) {
        var i = 0
        while i < bytes.count {
            if let length = sequenceLength(bytes, at: i) {
                for k in 0..<length { out.append(bytes[i + k]) }
                i += length
                continue
            }
            out += [0xEF, 0xBF, 0xBD]
            // Skip the lead byte and the continuation bytes that could still belong to it.
            let lead = bytes[i]
            i += 1
            let expected =
                switch lead {
                case 0xC2...0xDF: 1
                case 0xE0...0xEF: 2
                case 0xF0...0xF4: 3
                default: 0
                }
            var k = 0
            while k < expected - 1 && i < bytes.count && bytes[i] & 0xC0 == 0x80 {
                i += 1
                k += 1
            }
        }
    }

    /// The longest prefix of `bytes` of at most `maxBytes` that does not cut a character.
    public static func prefix(_ bytes: [UInt8], maxBytes: Int) -> [UInt8] {
        guard bytes.count > maxBytes else { return bytes }
        var end = maxBytes
        while end > 0 && bytes[end] & 0xC0 == 0x80 { end -= 1 }
        return Array(bytes[..<end])
    }
}
