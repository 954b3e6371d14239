import LineProtocol

// A room's earlier messages, as the server shows them to a client without IRCv3 batches: a
// NOTICE from the server to the room opens the replay (`--- 2 earlier messages (times UTC)
// ---`), the messages follow with their time put before their text (`[09:14] hi all`, or
// `[2026-11-29 23:59] hi all` when not from today), and a NOTICE closes it (`--- end of
// earlier messages ---`). They are shown dimmed with the time first, so old lines do not read
// as new: `[09:14] alice: hi all`, `[09:14] [#lobby] alice: hi all` from another room.
extension Renderer {
    /// The lines for a PRIVMSG or NOTICE to a room that belongs to a replay of its earlier
    /// messages (the server's opening and closing notices included); nil for a live message,
    /// which is rendered as usual.
    ///
    /// The opening, closing and "no earlier messages" notices always name the room (they
    /// head a block read later in the scrollback); the messages name it, as live ones do,
    /// only when it is not the current room.
    ///
    /// A replay cut short (the connection dropped between its opening and its end) must not
    /// leave live messages dimmed, so a room's replay also ends at the first message to the
    /// room without a time before its text (the server writes a replay in one piece, so such
    /// a message is live, and is shown as live), when the user joins the room again, and at
    /// a new registration (001). So the only live message that can be dimmed is one whose own
    /// text starts with a time, sent to a room whose replay was cut short, before any other.
    mutating func historyLines(_ message: ServerMessage, from: String) -> [String]? {
        guard let target = message.parameter(0), RoomName.isRoom(target), message.parameters.count > 1 else {
            return nil
        }
        let key = RoomName.fold(target)
        let room = IRCText.clean(target)
        let raw = message.last ?? ""
        if message.command == "NOTICE", isServer(message.source), let marker = HistoryMarker(raw) {
            switch marker {
            case .opening(let count, let note):
                replaying.insert(key)
                let plural = count == "1" ? "" : "s"
                return [style.history("--- \(count) earlier message\(plural) in \(room)\(IRCText.clean(note)) ---")]
            case .nothing:
                replaying.remove(key)
                return [style.history("--- no earlier messages in \(room) ---")]
            case .end:
                replaying.remove(key)
                return [style.history("--- end of earlier messages in \(room) ---")]
            }
        }
        guard replaying.contains(key) else { return nil }
        // An action carries its time inside: `\u{1}ACTION [09:14] waves\u{1}`.
        let action = "\u{1}ACTION "
        let timed: (time: String, text: String)?
        if raw.hasPrefix(action), let (time, rest) = Self.historyTime(String(raw.dropFirst(action.count))) {
            timed = (time, action + rest)
        } else {
            timed = Self.historyTime(raw).map { ($0.time, String($0.text)) }
        }
        guard let (time, replayed) = timed else {
            replaying.remove(key)
            return nil
        }
        // The nick is left plain: its colour's reset would end the dimming halfway.
        let prefix = "\(time) " + (isCurrent(target) ? "" : "[\(room)] ")
        let line: String
        switch (message.command, IRCText.content(of: String(replayed))) {
        case ("NOTICE", .text(let text)): line = "-\(from)- \(IRCText.clean(text))"
        case ("NOTICE", .action(let action)): line = "-\(from)- * \(IRCText.clean(action))"
        case ("NOTICE", .ctcp(let command, let rest)):
            line = "-\(from)- CTCP \(IRCText.clean(command)) \(IRCText.clean(rest))"
        case (_, .text(let text)): line = "\(from): \(IRCText.clean(text))"
        case (_, .action(let action)): line = "* \(from) \(IRCText.clean(action))"
        case (_, .ctcp(let command, _)): line = "\(from) sent a CTCP \(IRCText.clean(command))"
        }
        return [style.history(prefix + line)]
    }

    /// The time the server put before a replayed message's text, `[HH:MM]` or
    /// `[YYYY-MM-DD HH:MM]` (brackets kept), and the text after it and its space; nil when
    /// the text does not start with one.
    static func historyTime(_ text: String) -> (time: String, text: Substring)? {
        for pattern in ["[00:00] ", "[0000-00-00 00:00] "] {
            var end = text.utf8.startIndex
            var matches = true
            for expected in pattern.utf8 {
                guard end != text.utf8.endIndex else {
                    matches = false
                    break
                }
                let byte = text.utf8[end]
                let isDigit = byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
                guard expected == UInt8(ascii: "0") ? isDigit : byte == expected else {
                    matches = false
                    break
                }
                end = text.utf8.index(after: end)
            }
            // Only ASCII was matched, so `end` is on a character boundary.
            if matches { return (String(text[..<end].dropLast()), text[end...]) }
        }
        return nil
    }
}

/// The server's notices around a replay, read from their text.
enum HistoryMarker: Equatable {
    /// `--- 2 earlier messages (times UTC) ---`: the count, and what follows the count's
    /// words (` (times UTC)`).
    case opening(count: String, note: String)
    /// `--- no earlier messages ---`.
    case nothing
    /// `--- end of earlier messages ---`.
    case end

    init?(_ text: String) {
        guard text.hasPrefix("--- "), text.hasSuffix(" ---"), text.count > 8 else { return nil }
        let inner = text.dropFirst(4).dropLast(4)
        switch inner {
        case "no earlier messages":
            self = .nothing
        case "end of earlier messages":
            self = .end
        default:
            let count = inner.prefix { $0.isASCII && $0.isNumber }
            let words = inner.dropFirst(count.count)
            guard !count.isEmpty else { return nil }
            for spelling in [" earlier messages", " earlier message"] where words.hasPrefix(spelling) {
                self = .opening(count: String(count), note: String(words.dropFirst(spelling.count)))
                return
            }
            return nil
        }
    }
}
