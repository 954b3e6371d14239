/// What a line a client receives must look like: literal text, `{*}` wildcards (each matching
/// any run of characters, none included) and placeholders for values a transcript cannot know
/// but whose shape it can: `{duration}`, `{date}`, `{time}`, `{address}`, `{number}`. `{server}` and `{{`
/// were already replaced by the parser.
public struct Pattern: Equatable, Sendable, CustomStringConvertible {
    /// One piece of a pattern.
    public enum Part: Equatable, Sendable {
        case literal(String)
        /// `{*}`: any run of characters, possibly empty.
        case wildcard
        /// A value of a known shape, such as a duration.
        case placeholder(Placeholder)
    }

    /// A value whose shape PROTOCOL.md fixes but whose value the transcript cannot know.
    public enum Placeholder: String, CaseIterable, Equatable, Sendable {
        /// LIST's `45s`, `3m 12s`, `2h 5m` or `3d 4h` (section 4.5).
        case duration
        /// `yyyy-MM-dd`, as in 003.
        case date
        /// `HH:mm:ss`, as in 003.
        case time
        /// `<IPv4 address>:<port>` or `[<IPv6 address>]:<port>`.
        case address
        /// A decimal number without leading zeros, at most 10 digits: a Unix time (333, 329),
        /// seconds idle (317).
        case number
        /// `HH:mm`, the time a history line shows in its text.
        case clock
        /// `yyyy-MM-ddTHH:mm:ss.SSSZ`, an IRCv3 `time` tag (server-time).
        case servertime

        /// How a transcript writes it: `{duration}`.
        public var written: String { "{\(rawValue)}" }
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
        if parts.contains(where: { if case .placeholder = $0 { true } else { false } }) {
            var memo = [UInt8](repeating: 0, count: (parts.count + 1) * (subject.count + 1))
            return matches(subject, part: 0, at: 0, &memo)
        }
        return matchesLiteralsAndWildcards(subject)
    }

    /// The pattern as a transcript writes it, with `{*}` for each wildcard.
    public var description: String {
        parts.map { part in
            switch part {
            case .literal(let text): text
            case .wildcard: "{*}"
            case .placeholder(let placeholder): placeholder.written
            }
        }.joined()
    }

    /// With placeholders: whether `parts[part...]` matches `subject[position...]`, trying every
    /// split a wildcard allows. `memo` remembers each (part, position) already tried: 1 no, 2 yes.
    private func matches(_ subject: [UInt8], part: Int, at position: Int, _ memo: inout [UInt8]) -> Bool {
        if part == parts.count { return position == subject.count }
        let key = part * (subject.count + 1) + position
        if memo[key] != 0 { return memo[key] == 2 }
        var result = false
        switch parts[part] {
        case .literal(let text):
            let needle = Array(text.utf8)
            result =
                subject.count - position >= needle.count
                && subject[position..<(position + needle.count)].elementsEqual(needle)
                && matches(subject, part: part + 1, at: position + needle.count, &memo)
        case .wildcard:
            var end = position
            while !result && end <= subject.count {
                result = matches(subject, part: part + 1, at: end, &memo)
                end += 1
            }
        case .placeholder(let placeholder):
            if let end = Self.end(of: placeholder, in: subject, from: position) {
                result = matches(subject, part: part + 1, at: end, &memo)
            }
        }
        memo[key] = result ? 2 : 1
        return result
    }

    /// Without placeholders: a literal between two wildcards is best matched at its leftmost
    /// occurrence, so one pass does it (and long lines stay linear).
    private func matchesLiteralsAndWildcards(_ subject: [UInt8]) -> Bool {
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
                guard let found = Self.firstIndex(of: needle, in: subject, from: position) else { return false }
                position = found + needle.count
            }
        }
        // Reached only when the pattern is empty or ends with a wildcard.
        return parts.last == .wildcard || position == subject.count
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

    // MARK: Placeholders

    /// Where the value `placeholder` describes ends when it starts at `start`; nil when none
    /// starts there. Each shape has at most one reading, so there is one end.
    static func end(of placeholder: Placeholder, in subject: [UInt8], from start: Int) -> Int? {
        var reader = Reader(bytes: subject, position: start)
        let matched: Bool
        switch placeholder {
        case .duration: matched = reader.duration()
        case .date: matched = reader.date()
        case .time: matched = reader.time()
        case .address: matched = reader.address()
        case .number: matched = reader.number(0...9_999_999_999)
        case .clock: matched = reader.clock()
        case .servertime:
            matched =
                reader.date() && reader.byte("T") && reader.time() && reader.byte(".")
                && reader.number(0...999, digits: 3) && reader.byte("Z")
        }
        return matched ? reader.position : nil
    }

    /// Reads the shapes of placeholders, advancing only as far as what it accepted.
    private struct Reader {
        let bytes: [UInt8]
        var position: Int

        /// A decimal number in `range`, without leading zeros; `digits` fixes its width (leading
        /// zeros then required).
        mutating func number(_ range: ClosedRange<Int>, digits: Int? = nil) -> Bool {
            var end = position
            while end < bytes.count, (48...57).contains(bytes[end]), end - position < 10 { end += 1 }
            let count = end - position
            guard count > 0 else { return false }
            if let digits {
                guard count == digits else { return false }
            } else if count > 1 && bytes[position] == 48 {
                return false
            }
            let value = bytes[position..<end].reduce(0) { $0 * 10 + Int($1 - 48) }
            guard range.contains(value) else { return false }
            position = end
            return true
        }

        mutating func byte(_ ascii: Unicode.Scalar) -> Bool {
            guard position < bytes.count, bytes[position] == UInt8(ascii: ascii) else { return false }
            position += 1
            return true
        }

        /// `45s`, `3m 12s`, `2h 5m`, `3d 4h`: the larger unit is at least 1, the smaller one
        /// within its range.
        mutating func duration() -> Bool {
            let start = position
            guard number(0...Int.max / 10) else { return false }
            let big = bytes[start..<position].reduce(0) { $0 * 10 + Int($1 - 48) }
            if byte("s") { return big < 60 }
            for (unit, smallUnit, smallMax) in [("m", "s", 59), ("h", "m", 59), ("d", "h", 23)]
                as [(Unicode.Scalar, Unicode.Scalar, Int)]
            {
                let saved = position
                if byte(unit) {
                    guard big >= 1, unit != "m" || big < 60, unit != "h" || big < 24 else { return false }
                    guard byte(" "), number(0...smallMax), byte(smallUnit) else { return false }
                    return true
                }
                position = saved
            }
            return false
        }

        /// `yyyy-MM-dd`.
        mutating func date() -> Bool {
            number(0...9999, digits: 4) && byte("-") && number(1...12, digits: 2) && byte("-")
                && number(1...31, digits: 2)
        }

        /// `HH:mm`.
        mutating func clock() -> Bool {
            number(0...23, digits: 2) && byte(":") && number(0...59, digits: 2)
        }

        /// `HH:mm:ss` (a leap second allowed).
        mutating func time() -> Bool {
            number(0...23, digits: 2) && byte(":") && number(0...59, digits: 2) && byte(":")
                && number(0...60, digits: 2)
        }

        /// `192.0.2.7:40000` or `[2001:db8::1]:40000`.
        mutating func address() -> Bool {
            if byte("[") {
                let start = position
                while position < bytes.count, Self.isIPv6Byte(bytes[position]) { position += 1 }
                let text = bytes[start..<position]
                guard text.count >= 2, text.contains(UInt8(ascii: ":")), byte("]") else { return false }
            } else {
                guard number(0...255), byte("."), number(0...255), byte("."), number(0...255), byte("."),
                    number(0...255)
                else { return false }
            }
            return byte(":") && number(0...65535)
        }

        private static func isIPv6Byte(_ byte: UInt8) -> Bool {
            (48...57).contains(byte) || (65...70).contains(byte) || (97...102).contains(byte) || byte == 58
                || byte == 46
        }
    }
}
