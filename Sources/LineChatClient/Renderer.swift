import LineProtocol
import TerminalUI

/// Turns server lines into lines for a person: `alice -> you: hi`, `alice: hello all`,
/// `* alice has joined the chat room`, errors in words, the user list as a table. Pure: it
/// keeps only what rendering needs (who "you" are, the server's name, a LIST being
/// collected).
public struct Renderer {
    /// How lines look.
    public var style: Style
    /// The user's own nickname once registered: private messages to it read "-> you".
    public var me: String?
    /// Whether to add hints meant for a person at a terminal (after the MOTD).
    public var hints: Bool
    /// The server's name, learned from the source of its numerics and notices.
    public private(set) var serverName: String?
    private var listRows: [UserTable.Row] = []

    public init(style: Style = .plain, me: String? = nil, hints: Bool = false) {
        self.style = style
        self.me = me
        self.hints = hints
    }

    /// The lines to show for one line from the server (none for lines that carry nothing a
    /// person needs, like 004/005, or a LIST entry still being collected).
    public mutating func render(line: String) -> [String] {
        guard let message = ServerMessage(parsing: line) else { return [] }
        return render(message)
    }

    /// The lines to show for one parsed server message.
    public mutating func render(_ message: ServerMessage) -> [String] {
        if message.isNumeric {
            if let source = message.source { serverName = source }
            guard let numeric = message.numeric else { return [unknownNumeric(message)] }
            return render(numeric, message)
        }
        let from = TerminalText.sanitized(message.sourceNick ?? "")
        let text = TerminalText.sanitized(message.hasTrailing ? message.last ?? "" : "")
        switch message.command {
        case "PRIVMSG":
            let target = TerminalText.sanitized(message.parameter(0) ?? "")
            let text = TerminalText.sanitized(message.last ?? "")
            if isMe(target) { return ["\(style.nick(from)) -> you: \(text)"] }
            return ["\(style.nick(from)) -> \(style.nick(target)): \(text)"]
        case "BROADCAST":
            let text = TerminalText.sanitized(message.last ?? "")
            if isServer(message.source) { return [style.announcement("Announcement from server: \(text)")] }
            return ["\(style.nick(from)): \(text)"]
        case "NOTICE":
            // Only the server sends notices in this protocol (the welcome, before any numeric).
            if serverName == nil, let source = message.source { serverName = source }
            return [TerminalText.sanitized(message.last ?? "")]
        case "JOIN":
            if isMe(from) { return [style.event("* You have joined the chat room")] }
            return [style.event("* \(style.nick(from)) has joined the chat room")]
        case "QUIT":
            return [style.event("* \(style.nick(from)) has left the chat room" + Self.quitReason(text))]
        case "NICK":
            let new = TerminalText.sanitized(message.parameter(0) ?? "")
            if isMe(from) { return [style.event("* You are now known as \(style.nick(new))")] }
            return [style.event("* \(style.nick(from)) is now known as \(style.nick(new))")]
        case "ERROR":
            return [style.error("Disconnected: \(TerminalText.sanitized(message.last ?? "no reason given"))")]
        case "PONG":
            return ["PONG from \(TerminalText.sanitized(message.parameter(0) ?? from)): \(text)"]
        case "PING":
            return []
        default:
            return [plain(message)]
        }
    }

    private mutating func render(_ numeric: Numeric, _ message: ServerMessage) -> [String] {
        let text = TerminalText.sanitized(message.last ?? "")
        // The first parameter of every numeric is the user it is addressed to.
        let subject = TerminalText.sanitized(message.parameter(1) ?? "")
        switch numeric {
        case .welcome, .yourHost, .created, .motdStart, .helpStart, .helpText:
            return [text]
        case .myInfo, .isupport, .helpEnd:
            return []
        case .motd:
            return [text.hasPrefix("- ") ? String(text.dropFirst(2)) : text == "-" ? "" : text]
        case .motdEnd:
            return hints
                ? [style.event("Type a message and press Enter to send it to everyone; /help shows the commands.")]
                : []
        case .list:
            listRows.append(UserTable.Row(nick: subject, info: message.parameters.count > 2 ? text : ""))
            return []
        case .listEnd:
            let rows = listRows
            listRows = []
            return UserTable.render(rows, me: me, style: style)
        case .unknownError:
            let refused = "Line refused: "
            if text.hasPrefix(refused) {
                return [style.error("The server refused that line: " + text.dropFirst(refused.count))]
            }
            return [style.error("Server error: \(text)")]
        case .noSuchNick:
            return [style.error("No such user: \(subject)")]
        case .tooManyTargets:
            return [style.error("Too many recipients" + Self.parenthetical(text, or: ""))]
        case .invalidCapCommand:
            return [style.error("Invalid CAP command: \(subject)")]
        case .noRecipient:
            return [style.error("No recipient given: say who the message is for")]
        case .noTextToSend:
            return [style.error("No text to send")]
        case .inputTooLong:
            return [style.error("That line was too long for the server" + Self.parenthetical(text, or: ""))]
        case .unknownCommand:
            return [style.error("Unknown command: \(subject)")]
        case .noNicknameGiven:
            return [style.error("No nickname given")]
        case .erroneousNickname:
            return [style.error(Self.nickRefusal(nick: subject, reason: text))]
        case .nicknameInUse:
            return [style.error("Nickname already in use: \(subject)")]
        case .notRegistered:
            return [style.error("You have not joined yet: pick a nickname first")]
        case .needMoreParams:
            return [style.error("Not enough parameters for \(subject)")]
        case .helpNotFound:
            return [style.error("No help on \(subject)")]
        default:
            // Room and query numerics: shown as the server words them until the client
            // renders each of them.
            return [unknownNumeric(message)]
        }
    }

    /// What a 432 says, in words: `Invalid nickname 9lives: it must not start with a digit or -`.
    static func nickRefusal(nick: String, reason: String) -> String {
        let prefix = "Erroneous nickname: "
        let why = reason.hasPrefix(prefix) ? String(reason.dropFirst(prefix.count)) : reason
        return why.isEmpty ? "Invalid nickname: \(nick)" : "Invalid nickname \(nick): \(why)"
    }

    private func unknownNumeric(_ message: ServerMessage) -> String {
        let words = TerminalText.sanitized(message.parameters.dropFirst().joined(separator: " "))
        let code = Int(message.command) ?? 0
        return (400..<600).contains(code) ? style.error("Error \(message.command): \(words)") : words
    }

    /// A line we have no words for, shown as the server sent it (sanitized).
    private func plain(_ message: ServerMessage) -> String {
        var parts: [String] = []
        if let source = message.source { parts.append(":" + source) }
        parts.append(message.command)
        for (index, parameter) in message.parameters.enumerated() {
            parts.append(index == message.parameters.count - 1 && message.hasTrailing ? ":" + parameter : parameter)
        }
        return TerminalText.sanitized(parts.joined(separator: " "))
    }

    private func isMe(_ nick: String) -> Bool {
        guard let me else { return false }
        return Nickname.fold(me) == Nickname.fold(nick)
    }

    /// Lines with no source, from the server's name, or from a name that cannot be a nickname
    /// (it has a dot) come from the server.
    private func isServer(_ source: String?) -> Bool {
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

    /// The last "(...)" part of a server's text, with a leading space, or `fallback`.
    static func parenthetical(_ text: String, or fallback: String) -> String {
        guard let open = text.lastIndex(of: "("), text.last == ")" else { return fallback }
        return " " + text[open...]
    }
}
