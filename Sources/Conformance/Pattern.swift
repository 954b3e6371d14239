/// What a line a client receives must look like: literal text with `{*}` wildcards, each
/// matching any run of characters (none included). `{server}` and `{{` were already replaced
/// by the parser, so a pattern holds only literal text and wildcards.
public struct Pattern: Equatable, Sendable, CustomStringConvertible {
    /// One piece of a pattern.
    public enum Part: Equatable, Sendable {
        case literal(String)
        /// `{*}`: any run of characters, possibly empty.
        case wildcard
    }

    /// The pieces in order; adjacent literals are merged and adjacent wildcards collapse.
    public let parts: [Part]

    public init(parts: [Part]) {
        var merged: [Part] = []
        for part in parts {
            switch (merged.last, part) {
            case (.literal(let a)?, .literal(let b)):
                merged[merged.count - 1] = .literal(a + b)
            case (.wildcard?, .wildcard):
                continue
            case (_, .literal(let text)) where text.isEmpty:
                continue
            default:
                merged.append(part)
            }
        }
        self.parts = merged
    }

    /// A pattern that matches exactly `text`.
    public init(literal text: String) {
        self.init(parts: [.literal(text)])
    }

    /// Whether the whole of `line` matches, comparing UTF-8 bytes.
    public func matches(_ line: String) -> Bool {
        let subject = Array(line.utf8)
        var position = 0
        for (index, part) in parts.enumerated() {
            guard case .literal(let text) = part else { continue }
            let needle = Array(text.utf8)
            let anchoredStart = index == 0
            let anchoredEnd = index == parts.count - 1
            if anchoredStart {
                guard subject.count >= needle.count, subject[0..<needle.count].elementsEqual(needle) else {
                    return false
                }
                position = needle.count
                if anchoredEnd { return position == subject.count }
            } else if anchoredEnd {
                // The last literal must end the line, after everything already matched.
                guard subject.count - needle.count >= position,
                    subject[(subject.count - needle.count)...].elementsEqual(needle)
                else { return false }
                return true
            } else {
                // A literal between two wildcards: its leftmost occurrence is always the best choice.
                guard let found = Self.firstIndex(of: needle, in: subject, from: position) else { return false }
                position = found + needle.count
            }
        }
        // Reached only when the pattern is empty or ends with a wildcard.
        return parts.last == .wildcard || position == subject.count
    }

    /// The pattern as a transcript writes it, with `{*}` for each wildcard.
    public var description: String {
        parts.map { part in
            switch part {
            case .literal(let text): text
            case .wildcard: "{*}"
            }
        }.joined()
    }

    private static func firstIndex(of needle: [UInt8], in subject: [UInt8], from start: Int) -> Int? {
        guard !needle.isEmpty else { return start }
        var index = start
        while index + needle.count <= subject.count {
            if subject[index..<(index + needle.count)].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }
}
