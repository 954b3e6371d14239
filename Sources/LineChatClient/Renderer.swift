import LineProtocol
import TerminalUI

/// Turns server lines into lines for a person: `bob: hi` in the current room, `[#lobby] bob: hi`
/// from another, `alice -> you: hi`, `* bob waves`, `bob joined #rust`, errors in words, lists
/// as tables. Pure: it keeps only what rendering needs (who "you" are, the current room, the
/// server's name, replies being collected until their end line, the rooms whose earlier
/// messages are being replayed).
public struct Renderer {
    /// How lines look.
    public var style: Style
    /// The user's own nickname once registered: private messages to it read "-> you".
    public var me: String?
    /// The room plain text goes to: its messages are shown without the room's name.
    public var currentRoom: String?
    /// The server's name, learned from the source of its numerics and notices.
    public private(set) var serverName: String?
    var listRows: [UserTable.Row] = []
    var roomRows: [RoomTable.Row] = []
    var listIsRooms = false
    /// NAMES replies being collected, per room, in the order the rooms came.
    var names: [(room: String, members: [String])] = []
    var whoRows: [WhoTable.Row] = []
    /// The message of the day, held until its end so the client's own commands can replace
    /// the protocol commands it lists; nil when not in one.
    var motd: [String]?
    /// The message of the day's first line (375).
    var motdHeading: String?
    /// The rooms (as `RoomName.fold` keys) whose earlier messages are being shown: after the
    /// server's `--- N earlier messages ---` notice, until its end notice (or what else ends a
    /// replay, see `historyLines`).
    var replaying: Set<String> = []

    public init(style: Style = .plain, me: String? = nil) {
        self.style = style
        self.me = me
    }

    /// The lines to show for one line from the server (none for lines that carry nothing a
    /// person needs, like 004/005, or a reply still being collected).
    public mutating func render(line: String) -> [String] {
        guard let message = ServerMessage(parsing: line) else { return [] }
        return render(message)
    }

    /// The lines to show for one parsed server message.
    public mutating func render(_ message: ServerMessage) -> [String] {
        var lines: [String] = []
        if motd != nil && !(message.numeric == .motd || message.numeric == .motdEnd) {
            // A message of the day cut short: show what came of it.
            lines += endMOTD()
        }
        if message.numeric == .welcome {
            // A new registration: nothing from an earlier connection is being replayed.
            replaying = []
        }
        if message.isNumeric {
            if let source = message.source { serverName = source }
            guard let numeric = message.numeric else { return lines + [unknownNumeric(message)] }
            return lines + render(numeric, message)
        }
        return lines + renderCommand(message)
    }

    private mutating func renderCommand(_ message: ServerMessage) -> [String] {
        let from = IRCText.clean(message.sourceNick ?? "")
        let room = IRCText.clean(message.parameter(0) ?? "")
        let text = IRCText.clean(message.hasTrailing ? message.last ?? "" : "")
        switch message.command {
        case "PRIVMSG":
            return historyLines(message, from: from) ?? [privateOrRoomMessage(message, from: from)]
        case "NOTICE":
            return historyLines(message, from: from) ?? [notice(message, from: from)]
        case "BROADCAST":
            let text = IRCText.clean(message.last ?? "")
            if isServer(message.source) { return [style.announcement("Announcement from server: \(text)")] }
            return ["\(style.nick(from)): \(text)"]
        case "JOIN":
            let joined = message.parameters.isEmpty ? "" : " " + room
            if isMe(from) {
                // A replay of this room cut short before is over; the join's own one follows.
                replaying.remove(RoomName.fold(message.parameter(0) ?? ""))
                return [style.event("You joined\(joined)")]
            }
            return [style.event("\(style.nick(from)) joined\(joined)")]
        case "PART":
            let reason = message.parameters.count > 1 ? Self.parenthesised(IRCText.clean(message.last ?? "")) : ""
            if isMe(from) { return [style.event("You left \(room)\(reason)")] }
            return [style.event("\(style.nick(from)) left \(room)\(reason)")]
        case "KICK":
            let kicked = IRCText.clean(message.parameter(1) ?? "")
            var reason = message.parameters.count > 2 ? IRCText.clean(message.last ?? "") : ""
            if Nickname.fold(reason) == Nickname.fold(from) { reason = "" }
            let who = isMe(from) ? "You" : style.nick(from)
            let whom = isMe(kicked) ? "you" : style.nick(kicked)
            return [style.event("\(who) kicked \(whom) from \(room)\(Self.parenthesised(reason))")]
        case "TOPIC":
            let who = isMe(from) ? "You" : style.nick(from)
            let topic = IRCText.clean(message.parameter(1) ?? "")
            if topic.isEmpty { return [style.event("\(who) cleared the topic of \(room)")] }
            return [style.event("\(who) set the topic of \(room): \(topic)")]
        case "MODE":
            let who = isMe(from) ? "You" : isServer(message.source) ? "The server" : style.nick(from)
            let change = IRCText.clean(message.parameters.dropFirst().joined(separator: " "))
            if RoomName.isRoom(room) { return [style.event("\(who) set mode \(change) on \(room)")] }
            return [style.event("Your user mode is now \(change)")]
        case "INVITE":
            let invited = IRCText.clean(message.parameter(1) ?? "")
            return [style.event("\(style.nick(from)) invites you to \(invited) (/join \(invited) to accept)")]
        case "QUIT":
            return [style.event("\(style.nick(from)) left the chat" + Self.quitReason(text))]
        case "NICK":
            let new = IRCText.clean(message.parameter(0) ?? "")
            if isMe(from) { return [style.event("You are now known as \(style.nick(new))")] }
            return [style.event("\(style.nick(from)) is now known as \(style.nick(new))")]
        case "ERROR":
            return [style.error("Disconnected: \(IRCText.clean(message.last ?? "no reason given"))")]
        case "PONG":
            return ["PONG from \(IRCText.clean(message.parameter(0) ?? from)): \(text)"]
        case "PING":
            return []
        default:
            return [plain(message)]
        }
    }

    /// A PRIVMSG to a room (`bob: hi`, `[#lobby] bob: hi`), to me (`alice -> you: hi`) or, for
    /// my own messages, to someone else (`you -> alice: hi`); CTCP ACTION as `* bob waves`.
    private func privateOrRoomMessage(_ message: ServerMessage, from: String) -> String {
        let target = IRCText.clean(message.parameter(0) ?? "")
        let content = IRCText.content(of: message.parameters.count > 1 ? message.last ?? "" : "")
        let nick = style.nick(from)
        if RoomName.isRoom(target) {
            let prefix = isCurrent(target) ? "" : "[\(target)] "
            switch content {
            case .text(let text): return "\(prefix)\(nick): \(IRCText.clean(text))"
            case .action(let text): return "\(prefix)* \(nick) \(IRCText.clean(text))"
            case .ctcp(let command, _): return style.event("\(prefix)\(nick) sent a CTCP \(IRCText.clean(command))")
            }
        }
        let toMe = isMe(target)
        let arrow =
            toMe ? "\(nick) -> you" : isMe(from) ? "you -> \(style.nick(target))" : "\(nick) -> \(style.nick(target))"
        switch content {
        case .text(let text):
            return "\(arrow): \(IRCText.clean(text))"
        case .action(let text):
            return toMe ? "* \(nick) \(IRCText.clean(text)) (to you)" : "\(arrow): * \(nick) \(IRCText.clean(text))"
        case .ctcp(let command, _):
            return style.event("\(arrow): CTCP \(IRCText.clean(command))")
        }
    }

    /// A server's notice (before registering: its welcome; after: an announcement) or a user's
    /// (`-alice- text`, with the room's name when it is not the current room).
    private mutating func notice(_ message: ServerMessage, from: String) -> String {
        let text = IRCText.clean(message.last ?? "")
        // Before registering only the server talks; after, its notices go to `*` (everyone).
        if isServer(message.source) || me == nil || message.parameter(0) == "*" {
            if serverName == nil, let source = message.source { serverName = source }
            return me == nil ? text : style.announcement("Announcement from server: \(text)")
        }
        let target = IRCText.clean(message.parameter(0) ?? "")
        let prefix = RoomName.isRoom(target) && !isCurrent(target) ? "[\(target)] " : ""
        let stripped: String
        switch IRCText.content(of: message.last ?? "") {
        case .text(let plain): stripped = IRCText.clean(plain)
        case .action(let action): stripped = "* " + IRCText.clean(action)
        case .ctcp(let command, let rest): stripped = "CTCP \(IRCText.clean(command)) \(IRCText.clean(rest))"
        }
        return "\(prefix)-\(style.nick(from))- \(stripped)"
    }

    /// What a 432 says, in words: `Invalid nickname 9lives: it must not start with a digit or -`.
    static func nickRefusal(nick: String, reason: String) -> String {
        let prefix = "Erroneous nickname: "
        let why = reason.hasPrefix(prefix) ? String(reason.dropFirst(prefix.count)) : reason
        return why.isEmpty ? "Invalid nickname: \(nick)" : "Invalid nickname \(nick): \(why)"
    }

    func unknownNumeric(_ message: ServerMessage) -> String {
        let words = IRCText.clean(message.parameters.dropFirst().joined(separator: " "))
        let code = Int(message.command) ?? 0
        return (400..<600).contains(code) ? style.error("Error \(message.command): \(words)") : words
    }

    /// A line we have no words for, shown as the server sent it (cleaned).
    private func plain(_ message: ServerMessage) -> String {
        var parts: [String] = []
        if let source = message.source { parts.append(":" + source) }
        parts.append(message.command)
        for (index, parameter) in message.parameters.enumerated() {
            parts.append(index == message.parameters.count - 1 && message.hasTrailing ? ":" + parameter : parameter)
        }
        return IRCText.clean(parts.joined(separator: " "))
    }

    func isMe(_ nick: String) -> Bool {
        guard let me else { return false }
        return Nickname.fold(me) == Nickname.fold(nick)
    }

    func isCurrent(_ room: String) -> Bool {
        guard let currentRoom else { return false }
        return RoomName.fold(currentRoom) == RoomName.fold(room)
    }

    /// Lines with no source, from the server's name, or from a name that cannot be a nickname
    /// (it has a dot) come from the server.
    func isServer(_ source: String?) -> Bool {
        guard let source else { return true }
        if let serverName, Nickname.fold(serverName) == Nickname.fold(source) { return true }
        return source.contains(".") || (serverName == nil && (try? Nickname(validating: source)) == nil)
    }

    /// " (bye)" for "Quit: bye", nothing for a bare "Quit", " (why)" for anything else.
    static func quitReason(_ reason: String) -> String {
        if reason.isEmpty || reason == "Quit" { return "" }
        if reason.hasPrefix("Quit: ") { return " (\(reason.dropFirst(6)))" }
        return " (\(reason))"
    }

    /// " (text)", or nothing for empty text.
    static func parenthesised(_ text: String) -> String {
        text.isEmpty ? "" : " (\(text))"
    }

    /// The last "(...)" part of a server's text, with a leading space, or `fallback`.
    static func parenthetical(_ text: String, or fallback: String) -> String {
        guard let open = text.lastIndex(of: "("), text.last == ")" else { return fallback }
        return " " + text[open...]
    }
}
