/// Just enough of a terminal to check what a person would see: text, CR, LF, and the
/// sequences linechat and the operator console write (erase in line, cursor forward, clear screen, colours, which are
/// dropped). Rows grow downwards without limit; there is no wrapping (the prompt line never
/// reaches the last column).
public struct Screen {
    public private(set) var rows: [[Character]] = [[]]
    public private(set) var row = 0
    public private(set) var column = 0
    private var pending: [UInt8] = []

    /// Sequences the model did not know; a test can insist there are none.
    public private(set) var unknownSequences: [String] = []

    public init() {}

    /// Applies what the program wrote.
    public mutating func feed(_ bytes: [UInt8]) {
        pending += bytes
        var index = 0
        while index < pending.count {
            let byte = pending[index]
            if byte == 0x1B {
                guard let length = escapeLength(at: index) else { break }
                apply(Array(pending[index..<(index + length)]))
                index += length
                continue
            }
            if byte == 13 {
                column = 0
                index += 1
                continue
            }
            if byte == 10 {
                row += 1
                if row == rows.count { rows.append([]) }
                index += 1
                continue
            }
            if byte == 7 || byte == 8 {
                if byte == 8 { column = max(0, column - 1) }
                index += 1
                continue
            }
            let length = byte < 0x80 ? 1 : byte < 0xE0 ? 2 : byte < 0xF0 ? 3 : 4
            guard index + length <= pending.count else { break }
            let text = String(decoding: pending[index..<(index + length)], as: UTF8.self)
            for character in text { put(character) }
            index += length
        }
        pending.removeFirst(index)
    }

    private mutating func put(_ character: Character) {
        while rows[row].count < column { rows[row].append(" ") }
        if column < rows[row].count {
            rows[row][column] = character
        } else {
            rows[row].append(character)
        }
        column += 1
    }

    /// The length of the escape sequence at `index`, or nil if it is not complete yet.
    private func escapeLength(at index: Int) -> Int? {
        guard index + 1 < pending.count else { return nil }
        guard pending[index + 1] == UInt8(ascii: "[") else { return 2 }
        var end = index + 2
        while end < pending.count && (0x20...0x3F).contains(pending[end]) { end += 1 }
        guard end < pending.count else { return nil }
        return end - index + 1
    }

    private mutating func apply(_ sequence: [UInt8]) {
        let text = String(decoding: sequence.dropFirst(), as: UTF8.self)
        guard text.hasPrefix("[") else {
            unknownSequences.append(text)
            return
        }
        let parameters = String(text.dropFirst().dropLast())
        let count = Int(parameters) ?? 1
        switch text.last {
        case "K":
            if parameters == "2" {
                rows[row] = []
            } else if column < rows[row].count {
                rows[row].removeSubrange(column...)
            }
        case "C": column += count
        case "D": column = max(0, column - count)
        case "H":
            row = 0
            column = 0
        case "J":
            if parameters == "2" {
                rows = Array(repeating: [], count: rows.count)
            }
        case "m": break
        default: unknownSequences.append(text)
        }
    }

    /// Each row as text.
    public var lines: [String] { rows.map { String($0) } }

    /// The row the cursor is on.
    public var cursorLine: String { lines[row] }
}
