// The UTF-8 bytes of strings, read from the strings' own storage: the generic collection
// methods of a `String.UTF8View` go byte by byte through its index type, at about thirty
// instructions a byte, on text every message goes through.

extension String {
    /// Whether some UTF-8 byte of the string is in `range`.
    func containsUTF8Byte(in range: ClosedRange<UInt8>) -> Bool {
        if let found = utf8.withContiguousStorageIfAvailable({ $0.contains { range.contains($0) } }) { return found }
        return utf8.contains { range.contains($0) }
    }
}
