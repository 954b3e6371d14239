import LineProtocol
import TerminalUI

/// The LIST reply (322 lines, then 323) as an aligned table. The server's info text,
/// `connected 3m 12s, idle 5s[, from 10.0.0.7:51234]`, is split into columns when every row
/// has the same `<word> <value>` parts; otherwise it is shown whole in one INFO column.
public enum UserTable {
    /// One 322 line: a nickname and the server's info about it.
    public struct Row: Equatable, Sendable {
        public var nick: String
        public var info: String

        public init(nick: String, info: String) {
            self.nick = nick
            self.info = info
        }
    }

    /// The table's lines: a count, a header, one line per user (yours marked "(you)").
    public static func render(_ rows: [Row], me: String?, style: Style) -> [String] {
        guard !rows.isEmpty else { return ["Nobody is in the chat room."] }
        let (headers, cells) = columns(rows)
        let names = rows.map { row in
            me.map { Nickname.fold($0) == Nickname.fold(row.nick) } == true ? row.nick + " (you)" : row.nick
        }
        var widths = [max(4, names.map(DisplayWidth.of).max() ?? 0)]
        for (index, header) in headers.enumerated() {
            widths.append(max(header.count, cells.map { DisplayWidth.of($0[index]) }.max() ?? 0))
        }
        let count = rows.count == 1 ? "1 user" : "\(rows.count) users"
        var lines = [style.heading("\(count) in the chat room:")]
        lines.append(style.heading(line(["NICK"] + headers, widths)))
        for (row, (name, values)) in zip(rows, zip(names, cells)) {
            // Colour the nickname only, and pad by its plain width, so escape sequences do not
            // upset the alignment.
            let colouredName = style.nick(row.nick) + name.dropFirst(row.nick.count)
            lines.append(line([name] + values, widths, replacingFirstWith: colouredName))
        }
        return lines
    }

    /// Column headers and each row's cells.
    static func columns(_ rows: [Row]) -> (headers: [String], cells: [[String]]) {
        let split: [[(key: String, value: String)]] = rows.map { row in
            guard !row.info.isEmpty else { return [] }
            return row.info.split(separator: ", ", omittingEmptySubsequences: false).map { part in
                let words = part.split(separator: " ", maxSplits: 1)
                return (key: String(words.first ?? ""), value: words.count > 1 ? String(words[1]) : "")
            }
        }
        let keys = split.first.map { $0.map(\.key) } ?? []
        let uniform =
            !keys.isEmpty && split.allSatisfy { $0.map(\.key) == keys }
            && split.allSatisfy { $0.allSatisfy { !$0.value.isEmpty } }
        if uniform {
            return (keys.map { $0.uppercased() }, split.map { $0.map { $0.value } })
        }
        if rows.allSatisfy({ $0.info.isEmpty }) { return ([], rows.map { _ in [] }) }
        return (["INFO"], rows.map { [$0.info] })
    }

    /// Cells padded to their column widths, two spaces apart, without trailing spaces.
    private static func line(_ cells: [String], _ widths: [Int], replacingFirstWith first: String? = nil) -> String {
        var text = "  "
        for (index, cell) in cells.enumerated() {
            let shown = index == 0 ? first ?? cell : cell
            if index == cells.count - 1 {
                text += shown
            } else {
                text += shown + String(repeating: " ", count: max(0, widths[index] - DisplayWidth.of(cell)) + 2)
            }
        }
        return text
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        text + String(repeating: " ", count: max(0, width - DisplayWidth.of(text)))
    }
}
