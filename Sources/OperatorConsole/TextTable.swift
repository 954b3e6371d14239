import TerminalUI

/// Rows of cells laid out in aligned columns, two spaces apart, for a terminal or a pipe.
/// Widths are measured in terminal columns (a wide character counts two).
struct TextTable {
    /// How one column is laid out.
    struct Column {
        /// The heading, or "" for a table without a header row.
        var header = ""
        /// Numbers read best aligned to the right.
        var alignRight = false
    }

    let columns: [Column]
    /// Spaces before each line.
    var indent = 0

    /// The table's lines: the header (when any column has one), then one line per row. Trailing
    /// spaces are left off.
    func lines(_ rows: [[String]]) -> [String] {
        let hasHeader = columns.contains { !$0.header.isEmpty }
        let all = (hasHeader ? [columns.map(\.header)] : []) + rows
        let widths = columns.indices.map { index in
            all.map { index < $0.count ? DisplayWidth.of($0[index]) : 0 }.max() ?? 0
        }
        return all.map { row in
            var line = String(repeating: " ", count: indent)
            for (index, column) in columns.enumerated() {
                let cell = index < row.count ? row[index] : ""
                let padding = String(repeating: " ", count: widths[index] - DisplayWidth.of(cell))
                if index > 0 { line += "  " }
                line += column.alignRight ? padding + cell : cell + padding
            }
            while line.last == " " { line.removeLast() }
            return line
        }
    }
}
