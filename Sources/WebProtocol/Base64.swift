/// Base64 (RFC 4648, standard alphabet, with padding): what the WebSocket handshake needs.
public enum Base64 {
    private static let alphabet: [UInt8] = Array(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// `bytes` in base64, padded with `=` to a multiple of four characters.
    public static func encode(_ bytes: some Collection<UInt8>) -> String {
        let input = Array(bytes)
        var output: [UInt8] = []
        output.reserveCapacity((input.count + 2) / 3 * 4)
        var i = 0
        while i + 3 <= input.count {
            let n = UInt32(input[i]) << 16 | UInt32(input[i + 1]) << 8 | UInt32(input[i + 2])
            output += [
                alphabet[Int(n >> 18 & 63)], alphabet[Int(n >> 12 & 63)], alphabet[Int(n >> 6 & 63)],
                alphabet[Int(n & 63)],
            ]
            i += 3
        }
        switch input.count - i {
        case 1:
            let n = UInt32(input[i]) << 16
            output += [alphabet[Int(n >> 18 & 63)], alphabet[Int(n >> 12 & 63)], 61, 61]
        case 2:
            let n = UInt32(input[i]) << 16 | UInt32(input[i + 1]) << 8
            output += [alphabet[Int(n >> 18 & 63)], alphabet[Int(n >> 12 & 63)], alphabet[Int(n >> 6 & 63)], 61]
        default: break
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// The bytes `text` encodes, or nil when it is not canonical padded base64 (wrong length,
    /// a character outside the alphabet, padding in the middle or bits left over).
    public static func decode(_ text: some StringProtocol) -> [UInt8]? {
        let input = Array(text.utf8)
        guard input.count % 4 == 0 else { return nil }
        var output: [UInt8] = []
        output.reserveCapacity(input.count / 4 * 3)
        var i = 0
        while i < input.count {
            var n: UInt32 = 0
            var padding = 0
            for k in 0..<4 {
                let c = input[i + k]
                let value: UInt32
                if c == 61 {
                    // `=` only at the end, at most two.
                    guard i + 4 == input.count, k >= 2 else { return nil }
                    padding += 1
                    value = 0
                } else {
                    guard padding == 0, let v = Self.value(of: c) else { return nil }
                    value = v
                }
                n = n << 6 | value
            }
            output.append(UInt8(n >> 16 & 0xFF))
            if padding < 2 { output.append(UInt8(n >> 8 & 0xFF)) }
            if padding < 1 { output.append(UInt8(n & 0xFF)) }
            // Canonical: the bits the padding hides are zero.
            if padding == 1 && n & 0xFF != 0 { return nil }
            if padding == 2 && n & 0xFFFF != 0 { return nil }
            i += 4
        }
        return output
    }

    private static func value(of c: UInt8) -> UInt32? {
        switch c {
        case 65...90: UInt32(c - 65)
        case 97...122: UInt32(c - 97 + 26)
        case 48...57: UInt32(c - 48 + 52)
        case 43: 62
        case 47: 63
        default: nil
        }
    }
}
