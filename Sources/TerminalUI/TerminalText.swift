/// Makes text from the network safe to print: control characters other than TAB (C0, DEL and
/// C1, which could move the cursor, clear the screen or recolour it) become U+FFFD.
public enum TerminalText {
    /// `text` with every control character but TAB replaced.
    public static func sanitized(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var result = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            result.append(isControl(scalar) ? "\u{FFFD}" : scalar)
        }
        return String(result)
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        return (value < 0x20 && value != 0x09) || (0x7F...0x9F).contains(value)
    }
}
