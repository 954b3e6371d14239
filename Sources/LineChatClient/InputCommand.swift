/// What a line typed at the prompt asks for. Plain text is a broadcast; a line starting with
/// `/` is a command (`//` sends a line that starts with `/`); the original chat room's guided
/// commands (`<private>`, `<announce>`, `<list>`, `<help>`, `<quit>`, `<clear>`) work too.
public enum InputCommand: Equatable, Sendable {
    /// An empty or all-blank line: nothing to do.
    case nothing
    /// Text for everyone.
    case broadcast(String)
    /// `/msg <nick> <text>`.
    case privateMessage(to: String, text: String)
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
        "Type a message and press Enter to send it to everyone. Commands:",
        "  /msg <nick> <message>   send a private message",
        "  /list                   list the users in the chat room",
        "  /nick <new nick>        change your nickname",
        "  /clear                  clear the screen",
        "  /raw <protocol line>    send a line of the protocol as it is",
        "  /help                   show this help",
        "  /quit [<reason>]        leave the chat room",
        "  //text                  send text that starts with /",
        "Guided: <private> <announce> <list> <help> <quit> <clear> ask for what they need.",
        "Keys: Left/Right, Ctrl-A/Ctrl-E, Ctrl-U/Ctrl-K/Ctrl-W delete, Up/Down history,",
        "      Ctrl-L clears the screen, Ctrl-C or Ctrl-D (on an empty line) quits.",
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
            self = .broadcast(line)
            return
        }
        if line.hasPrefix("//") {
            self = .broadcast(String(line.dropFirst()))
            return
        }
        let (name, rest) = line.dropFirst().splitFirstWord()
        switch name.lowercased() {
        case "msg":
            let (nick, text) = rest.splitFirstWord()
            if nick.isEmpty || text.trimmingSpaces.isEmpty {
                self = .usage("Usage: /msg <nick> <message>")
            } else {
                self = .privateMessage(to: String(nick), text: String(text))
            }
        case "list":
            self = .list
        case "nick":
            let (nick, extra) = rest.splitFirstWord()
            self =
                nick.isEmpty || !extra.trimmingSpaces.isEmpty ? .usage("Usage: /nick <new nick>") : .nick(String(nick))
        case "help":
            self = .help
        case "quit":
            let reason = rest.trimmingSpaces
            self = .quit(reason: reason.isEmpty ? nil : String(reason))
        case "clear":
            self = .clear
        case "raw":
            self = rest.trimmingSpaces.isEmpty ? .usage("Usage: /raw <protocol line>") : .raw(String(rest))
        default:
            self = .unknown(String(name))
        }
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
