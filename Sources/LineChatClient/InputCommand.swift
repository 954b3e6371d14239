/// What a line typed at the prompt asks for. Plain text is a message to the current room; a
/// line starting with `/` is a command (`//` sends a line that starts with `/`); the original
/// chat room's guided commands (`<private>`, `<announce>`, `<list>`, `<help>`, `<quit>`,
/// `<clear>`) work too. Room arguments may leave out the `#`: `/join rust` is `/join #rust`.
public enum InputCommand: Equatable, Sendable {
    /// An empty or all-blank line: nothing to do.
    case nothing
    /// Text for the current room.
    case say(String)
    /// `/msg <nick|#room> <text>`.
    case privateMessage(to: String, text: String)
    /// `/me <action>`: a CTCP ACTION to the current room.
    case action(String)
    /// `/join #room [key]`.
    case join(room: String, key: String?)
    /// `/switch #room`.
    case switchRoom(String)
    /// `/part [#room] [reason]`.
    case part(room: String?, reason: String?)
    /// `/rooms`.
    case rooms
    /// `/names [#room]`.
    case names(String?)
    /// `/who [#room|nick]`.
    case who(String?)
    /// `/whois <nick>`.
    case whois(String)
    /// `/away [text]`: without text, back.
    case away(String?)
    /// `/topic [text]`: without text, show it.
    case topic(String?)
    /// `/history [n]`: the current room's last `n` messages (the server's default without
    /// `n`; the server checks the count).
    case history(count: String?)
    /// `/kick <nick> [reason]`.
    case kick(nick: String, reason: String?)
    /// `/invite <nick> [#room]`.
    case invite(nick: String, room: String?)
    /// `/list` or `<list>`.
    case list
    /// `/nick <new>`.
    case nick(String)
    /// `/help` or `<help>`.
    case help
    /// `/quit [reason]` or `<quit>`.
    case quit(reason: String?)
    /// `/clear` or `<clear>`.
    case clear
    /// `/raw <protocol line>`: sent as typed.
    case raw(String)
    /// `<private>`: ask whom, then what.
    case guidedPrivate
    /// `<announce>`: ask what to tell everyone.
    case guidedAnnounce
    /// A known command used wrongly: how to use it.
    case usage(String)
    /// `/something` we do not know.
    case unknown(String)

    /// The usage lines `/help` shows.
    public static let helpLines = [
        "Type a message and press Enter to send it to the current room (shown in the prompt). Commands:",
        "  /join #room [key]        join a room, or switch to one you are in, and talk there",
        "  /switch #room            talk in another room you are in",
        "  /part [#room] [reason]   leave the current room (or the one named)",
        "  /rooms                   list the rooms",
        "  /names [#room]           who is in the current room (or the one named)",
        "  /who [#room|nick]        details of a room's members, or of one user",
        "  /whois <nick>            details of one user",
        "  /msg <nick> <message>    send a private message",
        "  /me <action>             act in the current room: /me waves",
        "  /topic [text]            show or set the current room's topic",
        "  /history [n]             the current room's earlier messages (the last n)",
        "  /away [text]             say you are away (no text: you are back)",
        "  /kick <nick> [reason]    remove someone from the current room (operators)",
        "  /invite <nick> [#room]   invite someone to the current room (or the one named)",
        "  /list                    list the users on the server",
        "  /nick <new nick>         change your nickname",
        "  /clear                   clear the screen",
        "  /raw <protocol line>     send a line of the protocol as it is",
        "  /help                    show this help",
        "  /quit [<reason>]         leave the chat",
        "  //text                   send text that starts with /",
        "Guided: <private> <announce> <list> <help> <quit> <clear> ask for what they need.",
        "Keys: Left/Right, Ctrl-A/Ctrl-E, Ctrl-U/Ctrl-K/Ctrl-W delete, Up/Down history,",
        "      Ctrl-L clears the screen, Ctrl-C or Ctrl-D (on an empty line) quits.",
    ]

    /// What the client says about itself at the end of the server's message of the day, in
    /// place of the protocol commands the MOTD teaches nc users.
    public static let startupLines = [
        "Type a message and press Enter to talk in the room shown in the prompt.",
        "Commands: /join #room  /switch #room  /part  /rooms  /names  /who  /whois <nick>",
        "  /msg <nick> <text>  /me <action>  /topic [text]  /away [text]  /kick <nick>",
        "  /history [n]  /nick <new>  /quit   (/help explains each)",
    ]

    /// The original chat room's commands, written whole on a line.
    private static let guided: [String: InputCommand] = [
        "<private>": .guidedPrivate, "<announce>": .guidedAnnounce, "<list>": .list, "<help>": .help,
        "<quit>": .quit(reason: nil), "<clear>": .clear,
    ]

    /// Reads one typed line.
    public init(parsing line: String) {
        let trimmed = line.trimmingSpaces
        if trimmed.isEmpty {
            self = .nothing
            return
        }
        if let guided = Self.guided[trimmed.lowercased()] {
            self = guided
            return
        }
        guard line.first == "/" else {
            self = .say(line)
            return
        }
        if line.hasPrefix("//") {
            self = .say(String(line.dropFirst()))
            return
        }
        let (name, rest) = line.dropFirst().splitFirstWord()
        let (first, afterFirst) = rest.splitFirstWord()
        let text = rest.trimmingSpaces.isEmpty ? nil : String(rest.trimmingTrailingSpaces)
        let word = first.isEmpty ? nil : String(first)
        let tail = afterFirst.trimmingSpaces.isEmpty ? nil : String(afterFirst.trimmingTrailingSpaces)
        switch name.lowercased() {
        case "msg", "query":
            if first.isEmpty || afterFirst.trimmingSpaces.isEmpty {
                self = .usage("Usage: /msg <nick> <message>")
            } else {
                self = .privateMessage(to: String(first), text: String(afterFirst))
            }
        case "me":
            self = text.map { .action($0) } ?? .usage("Usage: /me <action>")
        case "join", "j":
            let (key, extra) = afterFirst.splitFirstWord()
            if first.isEmpty || !extra.isEmpty {
                self = .usage("Usage: /join #room [key]")
            } else {
                self = .join(room: Self.room(first), key: key.isEmpty ? nil : String(key))
            }
        case "switch", "sw", "go":
            self =
                first.isEmpty || tail != nil ? .usage("Usage: /switch #room") : .switchRoom(Self.room(first))
        case "part", "leave":
            if let word, word.hasPrefix("#") {
                self = .part(room: word, reason: tail)
            } else {
                self = .part(room: nil, reason: text)
            }
        case "rooms":
            self = .rooms
        case "names":
            self = tail != nil ? .usage("Usage: /names [#room]") : .names(word.map(Self.room))
        case "who":
            self = tail != nil ? .usage("Usage: /who [#room|nick]") : .who(word)
        case "whois":
            self = word == nil || tail != nil ? .usage("Usage: /whois <nick>") : .whois(String(first))
        case "away":
            self = .away(text)
        case "back":
            self = .away(nil)
        case "topic":
            self = .topic(text)
        case "history":
            self = tail != nil ? .usage("Usage: /history [n]") : .history(count: word)
        case "kick":
            self = word.map { .kick(nick: $0, reason: tail) } ?? .usage("Usage: /kick <nick> [reason]")
        case "invite":
            let (room, extra) = afterFirst.splitFirstWord()
            if first.isEmpty || !extra.isEmpty {
                self = .usage("Usage: /invite <nick> [#room]")
            } else {
                self = .invite(nick: String(first), room: room.isEmpty ? nil : Self.room(room))
            }
        case "list", "users":
            self = .list
        case "nick":
            self = first.isEmpty || tail != nil ? .usage("Usage: /nick <new nick>") : .nick(String(first))
        case "help":
            self = .help
        case "quit", "exit":
            self = .quit(reason: text)
        case "clear":
            self = .clear
        case "raw", "quote":
            self = rest.trimmingSpaces.isEmpty ? .usage("Usage: /raw <protocol line>") : .raw(String(rest))
        default:
            self = .unknown(String(name))
        }
    }

    /// A room name as typed, with the `#` added when it was left out.
    static func room(_ word: some StringProtocol) -> String {
        word.hasPrefix("#") ? String(word) : "#" + word
    }
}

extension StringProtocol {
    /// Without leading and trailing spaces and tabs.
    var trimmingSpaces: Substring {
        let text = Substring(self)
        guard let first = text.firstIndex(where: { $0 != " " && $0 != "\t" }),
            let last = text.lastIndex(where: { $0 != " " && $0 != "\t" })
        else { return text[text.endIndex...] }
        return text[first...last]
    }

    /// Without trailing spaces and tabs.
    var trimmingTrailingSpaces: Substring {
        let text = Substring(self)
        guard let last = text.lastIndex(where: { $0 != " " && $0 != "\t" }) else { return text[text.endIndex...] }
        return text[...last]
    }

    /// The first space-separated word and the rest after the spaces that follow it (the
    /// rest's inner spacing kept).
    func splitFirstWord() -> (word: Substring, rest: Substring) {
        let text = Substring(self)
        guard let start = text.firstIndex(where: { $0 != " " }) else { return ("", "") }
        let end = text[start...].firstIndex(of: " ") ?? text.endIndex
        let restStart = text[end...].firstIndex(where: { $0 != " " }) ?? text.endIndex
        return (text[start..<end], text[restStart...])
    }
}
