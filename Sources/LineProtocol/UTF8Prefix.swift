/// Cutting UTF-8 text short without splitting a character.
public enum UTF8Prefix {
    /// The length of the longest prefix of `bytes` that is at most `limit` bytes long and does
    /// not end inside a multi-byte character. `bytes.count` when it is not longer than `limit`.
    public static func length<Bytes: RandomAccessCollection<UInt8>>(of bytes: Bytes, atMost limit: Int) -> Int {
        guard bytes.count > limit else { return bytes.count }
        var length = max(0, limit)
        var index = bytes.index(bytes.startIndex, offsetBy: length)
        // The byte at `index` is the first one cut off: while it continues a character, the
        // character started inside the prefix, so the prefix ends before that character.
        while length > 0 && bytes[index] & 0xC0 == 0x80 {
            length -= 1
            bytes.formIndex(before: &index)
        }
        return length
    }

    /// `text` cut to at most `limit` bytes of UTF-8, at a character boundary; `text` itself when
    /// it fits.
    public static func of(_ text: String, atMost limit: Int) -> String {
        let utf8 = text.utf8
        guard utf8.count > limit else { return text }
        var end = utf8.index(utf8.startIndex, offsetBy: max(0, limit))
        while end > utf8.startIndex && utf8[end] & 0xC0 == 0x80 {
            utf8.formIndex(before: &end)
        }
        return String(decoding: utf8[..<end], as: UTF8.self)
    }
}
