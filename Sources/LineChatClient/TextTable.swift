import LineProtocol
import TerminalUI

/// Aligned columns for the tables the client prints (rooms, WHO replies): cells padded by
/// their plain width, two spaces apart, so colour sequences in a cell do not upset the
/// alignment.
enum TextTable {
    /// One cell: what it measures as, and what is printed (the same text, maybe coloured).
    struct Cell {
        var plain: String
        var shown: String

        init(_ plain: String, shown: String? = nil) {
            self.plain = plain
            self.shown = shown ?? plain
        }
    }

    /// The header line (styled) and one line per row, each indented by two spaces, without
    /// trailing spaces.
    static func lines(header: [String], rows: [[Cell]], style: Style) -> [String] {
        var widths = header.map(DisplayWidth.of)
        for row in rows {
            for (index, cell) in row.enumerated() where index < widths.count {
                widths[index] = max(widths[index], DisplayWidth.of(cell.plain))
            }
        }
        var lines = [style.heading(line(header.map { Cell($0) }, widths))]
        for row in rows { lines.append(line(row, widths)) }
        return lines
    }

    private static func line(_ cells: [Cell], _ widths: [Int]) -> String {
        var text = "  "
        for (index, cell) in cells.enumerated() {
            if index == cells.count - 1 {
                text += cell.shown
            } else {
                text +=
                    cell.shown + String(repeating: " ", count: max(0, widths[index] - DisplayWidth.of(cell.plain)) + 2)
            }
        }
        while text.hasSuffix(" ") { text.removeLast() }
        return text
    }
}

/// The room list (ROOMS, or LIST for rooms: 321, 322 per room, 323) as a table.
enum RoomTable {
    /// One 322 line for a room: its name, member count and `[+modes] topic` text.
    struct Row: Equatable {
        var room: String
        var members: String
        var topic: String
    }

    static func render(_ rows: [Row], current: String?, style: Style) -> [String] {
        guard !rows.isEmpty else { return ["There are no rooms."] }
        let cells = rows.map { row -> [TextTable.Cell] in
            var modes = ""
            var topic = row.topic
            if topic.hasPrefix("["), let close = topic.firstIndex(of: "]") {
                modes = String(topic[topic.index(after: topic.startIndex)..<close])
                topic = String(topic[topic.index(after: close)...].drop { $0 == " " })
            }
            let isCurrent = current.map { RoomName.fold($0) == RoomName.fold(row.room) } ?? false
            return [.init(row.room + (isCurrent ? " (here)" : "")), .init(row.members), .init(modes), .init(topic)]
        }
        let count = rows.count == 1 ? "1 room:" : "\(rows.count) rooms:"
        return [style.heading(count)]
            + TextTable.lines(header: ["ROOM", "USERS", "MODES", "TOPIC"], rows: cells, style: style)
    }
}

/// WHO replies (352 lines, then 315) as a table.
enum WhoTable {
    /// One 352 line.
    struct Row: Equatable {
        var nick: String
        /// `@` for an operator, `+` for voice, or empty.
        var prefix: String
        /// `user@host`.
        var address: String
        var away: Bool
        var realname: String
    }

    static func render(_ rows: [Row], mask: String, me: String?, style: Style) -> [String] {
        guard !rows.isEmpty else {
            return [RoomName.isRoom(mask) ? "Nobody is in \(mask)." : "No user matches \(mask)."]
        }
        let heading = RoomName.isRoom(mask) ? "Who is in \(mask):" : "Who is \(mask):"
        let cells = rows.map { row -> [TextTable.Cell] in
            let you = me.map { Nickname.fold($0) == Nickname.fold(row.nick) } == true ? " (you)" : ""
            let name = row.prefix + row.nick + you
            return [
                .init(name, shown: row.prefix + style.nick(row.nick) + you), .init(row.address),
                .init(row.away ? "away" : "here"), .init(row.realname),
            ]
        }
        return [style.heading(heading)]
            + TextTable.lines(header: ["NICK", "USER@HOST", "STATUS", "NAME"], rows: cells, style: style)
    }
}
