/// Every command verb a client may send, with the facts the dispatcher and HELP need.
/// Verbs are matched case-insensitively.
public enum Verb: String, CaseIterable, Sendable {
    case nick = "NICK"
    case privmsg = "PRIVMSG"
    case broadcast = "BROADCAST"
    case list = "LIST"
    case quit = "QUIT"
    case ping = "PING"
    case pong = "PONG"
    case help = "HELP"
    case cap = "CAP"
    case user = "USER"

    /// The grammar line, as PROTOCOL.md gives it.
    public var usage: String {
        switch self {
        case .nick: "NICK <nick>"
        case .privmsg: "PRIVMSG <nick>[,<nick>...] <text>"
        case .broadcast: "BROADCAST <text>"
        case .list: "LIST"
        case .quit: "QUIT [<reason>]"
        case .ping: "PING <token>"
        case .pong: "PONG [<token>]"
        case .help: "HELP [<command>]"
        case .cap: "CAP LS [<version>] | CAP LIST | CAP REQ <caps> | CAP END"
        case .user: "USER <user> <mode> <unused> <realname>"
        }
    }

    /// One line on what the command does.
    public var summary: String {
        switch self {
        case .nick: "Pick your nickname, or change it."
        case .privmsg: "Send a private message to one or more users."
        case .broadcast: "Send a message to everyone in the chat room."
        case .list: "List the users in the chat room."
        case .quit: "Leave the chat room."
        case .ping: "Check the server is there; it answers PONG."
        case .pong: "Answer a PING (accepted and ignored)."
        case .help: "Show this help, or the help for one command."
        case .cap: "IRC capability negotiation (no capabilities are offered)."
        case .user: "IRC registration detail (accepted and ignored)."
        }
    }

    /// Whether the command may be sent before a nickname is registered.
    public var allowedBeforeRegistration: Bool {
        switch self {
        case .nick, .help, .ping, .pong, .quit, .cap, .user: true
        case .privmsg, .broadcast, .list: false
        }
    }
}
