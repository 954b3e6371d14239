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
    case join = "JOIN"
    case part = "PART"
    case topic = "TOPIC"
    case names = "NAMES"
    case rooms = "ROOMS"
    case who = "WHO"
    case whois = "WHOIS"
    case away = "AWAY"
    case invite = "INVITE"
    case kick = "KICK"
    case mode = "MODE"
    case notice = "NOTICE"
    case userhost = "USERHOST"
    case ison = "ISON"
    case history = "HISTORY"
    case chathistory = "CHATHISTORY"
    case tagmsg = "TAGMSG"
    /// HELP's other name, which IRC clients send for /help.
    case helpop = "HELPOP"

    /// The grammar line, as PROTOCOL.md gives it.
    public var usage: String {
        switch self {
        case .nick: "NICK <nick>"
        case .privmsg: "PRIVMSG <nick|#room>[,...] <text>"
        case .broadcast: "BROADCAST <text>"
        case .list: "LIST"
        case .quit: "QUIT [<reason>]"
        case .ping: "PING <token>"
        case .pong: "PONG [<token>]"
        case .help: "HELP [<command>]"
        case .cap: "CAP LS [<version>] | CAP LIST | CAP REQ <caps> | CAP END"
        case .user: "USER <user> <mode> <unused> <realname>"
        case .join: "JOIN <#room>[,<#room>...] [<key>[,<key>...]]"
        case .part: "PART <#room>[,<#room>...] [<reason>]"
        case .topic: "TOPIC <#room> [<text>]"
        case .names: "NAMES [<#room>[,<#room>...]]"
        case .rooms: "ROOMS"
        case .who: "WHO <#room|nick>"
        case .whois: "WHOIS <nick>"
        case .away: "AWAY [<text>]"
        case .invite: "INVITE <nick> <#room>"
        case .kick: "KICK <#room> <nick> [<reason>]"
        case .mode: "MODE <#room|nick> [<modes> [<arguments>...]]"
        case .notice: "NOTICE <nick|#room>[,...] <text>"
        case .userhost: "USERHOST <nick> [<nick>...]"
        case .ison: "ISON <nick> [<nick>...]"
        case .history: "HISTORY <#room> [<count>]"
        case .chathistory: "CHATHISTORY <LATEST|BEFORE|AFTER|AROUND|BETWEEN|TARGETS> ..."
        case .tagmsg: "TAGMSG <nick|#room>"
        case .helpop: "HELPOP [<command>]"
        }
    }

    /// One line on what the command does.
    public var summary: String {
        switch self {
        case .nick: "Pick your nickname, or change it."
        case .privmsg: "Send a message to users or rooms."
        case .broadcast: "Send a message to the default room (where everyone starts)."
        case .list: "List the users (IRC clients: the rooms; LIST #* lists rooms)."
        case .quit: "Leave the chat."
        case .ping: "Check the server is there; it answers PONG."
        case .pong: "Answer a PING (accepted and ignored)."
        case .help: "Show this help, or the help for one command."
        case .cap: "IRC capability negotiation (IRCv3: message-tags, server-time, history ...)."
        case .user: "IRC registration: your user name and real name."
        case .join: "Join a room, or create it (you become its operator)."
        case .part: "Leave a room."
        case .topic: "Show a room's topic, or set it."
        case .names: "List the members of a room."
        case .rooms: "List the rooms, with their members and topics."
        case .who: "Show who is in a room, or who a user is."
        case .whois: "Show what the server knows of a user."
        case .away: "Mark yourself away with a message; AWAY alone is back."
        case .invite: "Invite a user to a room."
        case .kick: "Remove a user from a room (room operators)."
        case .mode: "Show or change a room's modes (+ntmik, +o, +v, +l, +k)."
        case .notice: "Send a notice (never answered automatically)."
        case .userhost: "Show users' user@host."
        case .ison: "Show which of these nicknames are online."
        case .history: "Show a room's earlier messages (the last 25, or <count> up to 500)."
        case .chathistory: "IRCv3 history for IRC clients (draft/chathistory)."
        case .tagmsg: "IRCv3: send only message tags (message-tags capability)."
        case .helpop: "The same as HELP."
        }
    }

    /// The verb spelled by `bytes` in any ASCII case (`Verb(rawValue: ASCIICase.uppercased(...))`
    /// without making strings: every line's verb is looked up here).
    init?(caseInsensitive bytes: UnsafeRawBufferPointer) {
        guard let key = Self.packedName(bytes) else { return nil }
        guard let entry = Self.byPackedName.first(where: { $0.name == key }) else { return nil }
        self = entry.verb
    }

    /// A name of at most 16 bytes, upper-cased and packed into two words with its length (a NUL
    /// byte packs like no byte); nil if longer.
    private static func packedName(_ bytes: UnsafeRawBufferPointer) -> PackedName? {
        guard bytes.count <= 16 else { return nil }
        var words: (UInt64, UInt64) = (0, 0)
        for (index, byte) in bytes.enumerated() {
            let upper = UInt64(byte >= 97 && byte <= 122 ? byte - 32 : byte)
            if index < 8 { words.0 |= upper << (8 * index) } else { words.1 |= upper << (8 * (index - 8)) }
        }
        return PackedName(first: words.0, second: words.1, count: bytes.count)
    }

    private struct PackedName: Equatable {
        let first: UInt64
        let second: UInt64
        let count: Int
    }

    /// Every verb by its packed name, in declaration order (the most common verbs first).
    private static let byPackedName: [(name: PackedName, verb: Verb)] = allCases.map { verb in
        let name = Array(verb.rawValue.utf8).withUnsafeBytes { packedName($0)! }
        return (name, verb)
    }

    /// Whether the command may be sent before a nickname is registered.
    public var allowedBeforeRegistration: Bool {
        switch self {
        case .nick, .help, .helpop, .ping, .pong, .quit, .cap, .user: true
        case .privmsg, .broadcast, .list, .join, .part, .topic, .names, .rooms, .who, .whois, .away, .invite, .kick,
            .mode, .notice, .userhost, .ison, .history, .chathistory, .tagmsg:
            false
        }
    }
}
