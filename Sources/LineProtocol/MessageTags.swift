/// IRCv3 message tags: the optional `@key=value;key2;+client=value ` section that may start a
/// line. The server reads only client-only tags (`+` keys) from what clients send, and relays
/// them, still escaped, to the clients that negotiated `message-tags`.
public enum MessageTags {
    /// The most bytes of tags a client may send (the `@` and the trailing space excluded), as
    /// the message-tags specification says; more is 417.
    public static let maxClientTagBytes = 4094

    /// A line split into its tag section (without `@` and the space after it; empty when the
    /// line has none) and the rest.
    public struct Split {
        public let tags: UnsafeRawBufferPointer
        public let rest: UnsafeRawBufferPointer
    }

    /// Splits off a leading `@tags ` section.
    public static func split(_ line: UnsafeRawBufferPointer) -> Split {
        guard line.first == UInt8(ascii: "@") else {
            return Split(tags: UnsafeRawBufferPointer(rebasing: line[0..<0]), rest: line)
        }
        var end = 1
        while end < line.count && line[end] != UInt8(ascii: " ") { end += 1 }
        var restStart = end
        while restStart < line.count && line[restStart] == UInt8(ascii: " ") { restStart += 1 }
        return Split(
            tags: UnsafeRawBufferPointer(rebasing: line[1..<end]),
            rest: UnsafeRawBufferPointer(rebasing: line[restStart..<line.count]))
    }

    /// The client-only tags (`+` keys) of a tag section, still escaped, joined by `;`, in the
    /// order sent (a repeated key keeps its last value). Nil when there are none. Keys with
    /// characters the specification does not allow are dropped.
    public static func clientOnly(_ tags: UnsafeRawBufferPointer) -> String? {
        guard !tags.isEmpty else { return nil }
        var kept: [(key: Substring, tag: Substring)] = []
        let text = String(decoding: tags, as: UTF8.self)
        for tag in text.split(separator: ";", omittingEmptySubsequences: true) {
            let key = tag.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)[0]
            guard key.first == "+", key.count > 1, key.dropFirst().allSatisfy(isKeyCharacter) else { continue }
            // `+key=` is the same as `+key`.
            let cleaned = tag.hasSuffix("=") ? tag.dropLast() : tag
            if let index = kept.firstIndex(where: { $0.key == key }) {
                kept[index].tag = cleaned
            } else {
                kept.append((key, cleaned))
            }
        }
        return kept.isEmpty ? nil : kept.map { String($0.tag) }.joined(separator: ";")
    }

    private static func isKeyCharacter(_ character: Character) -> Bool {
        guard let ascii = character.asciiValue else { return false }
        return (ascii >= 0x30 && ascii <= 0x39) || (ascii >= 0x41 && ascii <= 0x5A) || (ascii >= 0x61 && ascii <= 0x7A)
            || ascii == UInt8(ascii: "-") || ascii == UInt8(ascii: "/") || ascii == UInt8(ascii: ".")
    }

    /// A tag value escaped for the wire (`;` `\:`, space `\s`, `\` `\\`, CR `\r`, LF `\n`).
    public static func escape(_ value: String) -> String {
        guard value.utf8.contains(where: { $0 == 59 || $0 == 32 || $0 == 92 || $0 == 13 || $0 == 10 }) else {
            return value
        }
        var result = ""
        // Scalars, not Characters: CR LF is one Character.
        for character in value.unicodeScalars {
            switch character {
            case ";": result += "\\:"
            case " ": result += "\\s"
            case "\\": result += "\\\\"
            case "\r": result += "\\r"
            case "\n": result += "\\n"
            default: result.unicodeScalars.append(character)
            }
        }
        return result
    }

    /// A tag value as sent, unescaped (an unknown escape drops its backslash; a lone trailing
    /// backslash is dropped).
    public static func unescape(_ value: Substring) -> String {
        guard value.contains("\\") else { return String(value) }
        var result = ""
        var escaping = false
        for character in value.unicodeScalars {
            if escaping {
                switch character {
                case ":": result += ";"
                case "s": result += " "
                case "r": result += "\r"
                case "n": result += "\n"
                default: result.unicodeScalars.append(character)
                }
                escaping = false
            } else if character == "\\" {
                escaping = true
            } else {
                result.unicodeScalars.append(character)
            }
        }
        return result
    }

    /// The value of one tag in a tag section, unescaped; nil when absent.
    public static func value(of key: String, in tags: UnsafeRawBufferPointer) -> String? {
        guard !tags.isEmpty else { return nil }
        let text = String(decoding: tags, as: UTF8.self)
        for tag in text.split(separator: ";") {
            let parts = tag.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            if parts[0] == key { return parts.count > 1 ? unescape(parts[1]) : "" }
        }
        return nil
    }
}
