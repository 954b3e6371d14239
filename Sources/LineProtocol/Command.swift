/// One parsed client command. Free-text parameters (PRIVMSG, BROADCAST, QUIT) hold the rest of
/// the line with inner spacing kept.
public enum Command: Equatable, Sendable {
    case nick(String)
    case privmsg(targets: [String], text: String)
    case broadcast(String)
    case list
    /// A missing or empty reason is nil.
    case quit(String?)
    case ping(String)
    case pong(String?)
    /// A missing topic is nil.
    case help(String?)
    /// The subcommand upper-cased, then its parameters.
    case cap(subcommand: String, parameters: [String])
    /// USER <user> <mode> <unused> <realname>; a missing realname is the user name.
    case user(username: String, realname: String)
    /// JOIN <#room>[,...] [<key>[,...]]; `JOIN 0` is `.join(rooms: ["0"], keys: [])`.
    case join(rooms: [String], keys: [String])
    case part(rooms: [String], reason: String?)
    /// A nil text asks for the topic; an empty one clears it.
    case topic(room: String, text: String?)
    /// Nil: the rooms the user is in.
    case names(rooms: [String]?)
    case rooms
    /// LIST with a mask or room list, e.g. `LIST #*` or `LIST #a,#b`.
    case listRooms(mask: String)
    /// WHO <mask> [<%fields[,token]>] (the second parameter is WHOX).
    case who(mask: String, fields: String?)
    case whois(nick: String)
    /// A nil or empty text: back.
    case away(String?)
    case invite(nick: String, room: String)
    case kick(room: String, nicks: [String], reason: String?)
    /// MODE <target> [<modes> [<arguments>...]]; nil modes is a query.
    case mode(target: String, modes: String?, arguments: [String])
    case notice(targets: [String], text: String)
    case userhost([String])
    case ison([String])
    /// HISTORY <#room> [<count>]; the count as typed (the session checks it).
    case history(room: String, count: String?)
    /// CHATHISTORY <subcommand> <target> <parameters...>; the subcommand upper-cased.
    case chathistory(subcommand: String, parameters: [String])
    /// TAGMSG <target>[,...]: only tags (which the session reads from the line).
    case tagmsg(targets: [String])

    /// The verb this command was sent with.
    public var verb: Verb {
        switch self {
        case .nick: .nick
        case .privmsg: .privmsg
        case .broadcast: .broadcast
        case .list: .list
        case .quit: .quit
        case .ping: .ping
        case .pong: .pong
        case .help: .help
        case .cap: .cap
        case .user: .user
        case .join: .join
        case .part: .part
        case .topic: .topic
        case .names: .names
        case .rooms: .rooms
        case .listRooms: .list
        case .who: .who
        case .whois: .whois
        case .away: .away
        case .invite: .invite
        case .kick: .kick
        case .mode: .mode
        case .notice: .notice
        case .userhost: .userhost
        case .ison: .ison
        case .history: .history
        case .chathistory: .chathistory
        case .tagmsg: .tagmsg
        }
    }

    /// The command as a client sends it, without the line terminator. Parsing the result gives
    /// back an equal command.
    public var line: String {
        switch self {
        case .nick(let nick): "NICK \(Self.last(nick))"
        case .privmsg(let targets, let text):
            // A first target starting with ':' would read as the text: an empty target before it
            // (which the parser skips) keeps it a target.
            "PRIVMSG \(targets.first?.utf8.first == UInt8(ascii: ":") ? "," : "")\(targets.joined(separator: ",")) :\(text)"
        case .broadcast(let text): "BROADCAST :\(text)"
        case .list: "LIST"
        case .quit(let reason): reason.map { "QUIT :\($0)" } ?? "QUIT"
        case .ping(let token): "PING :\(token)"
        case .pong(let token): token.map { "PONG :\($0)" } ?? "PONG"
        case .help(let topic): topic.map { "HELP \(Self.last($0))" } ?? "HELP"
        case .cap(let subcommand, let parameters):
            parameters.isEmpty
                ? "CAP \(Self.last(subcommand))"
                : (["CAP", subcommand] + parameters.dropLast() + [Self.last(parameters.last!)]).joined(separator: " ")
        case .user(let username, let realname): "USER \(username) 0 * :\(realname)"
        case .join(let rooms, let keys):
            keys.isEmpty
                ? "JOIN \(Self.last(Self.list(rooms)))"
                : "JOIN \(Self.middle(Self.list(rooms))) \(Self.last(keys.joined(separator: ",")))"
        case .part(let rooms, let reason):
            reason.map { "PART \(Self.middle(Self.list(rooms))) :\($0)" } ?? "PART \(Self.last(Self.list(rooms)))"
        case .topic(let room, let text):
            text.map { "TOPIC \(Self.middle(room)) :\($0)" } ?? "TOPIC \(Self.last(room))"
        case .names(let rooms): rooms.map { "NAMES \(Self.last(Self.list($0)))" } ?? "NAMES"
        case .rooms: "ROOMS"
        case .listRooms(let mask): "LIST \(Self.last(mask))"
        case .who(let mask, let fields):
            fields.map { "WHO \(Self.middle(mask)) \(Self.last($0))" } ?? "WHO \(Self.last(mask))"
        case .whois(let nick): "WHOIS \(Self.last(nick))"
        case .away(let text): text.map { "AWAY :\($0)" } ?? "AWAY"
        case .invite(let nick, let room): "INVITE \(Self.middle(nick)) \(Self.last(room))"
        case .kick(let room, let nicks, let reason):
            reason.map { "KICK \(Self.middle(room)) \(Self.middle(Self.list(nicks))) :\($0)" }
                ?? "KICK \(Self.middle(room)) \(Self.last(Self.list(nicks)))"
        case .mode(let target, let modes, let arguments):
            Self.joined(["MODE", target] + (modes.map { [$0] } ?? []) + arguments)
        case .notice(let targets, let text):
            "NOTICE \(targets.first?.utf8.first == UInt8(ascii: ":") ? "," : "")\(targets.joined(separator: ",")) :\(text)"
        case .userhost(let nicks): Self.words("USERHOST", nicks)
        case .ison(let nicks): Self.words("ISON", nicks)
        case .history(let room, let count):
            count.map { "HISTORY \(Self.middle(room)) \(Self.last($0))" } ?? "HISTORY \(Self.last(room))"
        case .chathistory(let subcommand, let parameters): Self.joined(["CHATHISTORY", subcommand] + parameters)
        case .tagmsg(let targets): "TAGMSG \(Self.last(Self.list(targets)))"
        }
    }

    /// A comma-separated list as a parameter. An empty list (the parser drops empty items, so
    /// `JOIN ,` has no rooms) is a lone comma, which parses back to an empty list.
    private static func list(_ items: [String]) -> String {
        items.isEmpty ? "," : items.joined(separator: ",")
    }

    /// USERHOST and ISON: the parser splits every parameter, the trailing one too, at spaces, so
    /// a word that starts with ':' (only possible inside the trailing parameter) is written
    /// there, with the words after it.
    private static func words(_ verb: String, _ words: [String]) -> String {
        words.dropLast().contains { $0.utf8.first == UInt8(ascii: ":") }
            ? "\(verb) :" + words.joined(separator: " ") : joined([verb] + words)
    }

    /// Words joined by spaces, the last one written as a last parameter must be.
    private static func joined(_ words: [String]) -> String {
        (words.dropLast() + [last(words.last ?? "")]).joined(separator: " ")
    }

    /// A middle parameter as written: the parser reads a middle parameter up to a space, so one
    /// that starts with ':' cannot be written as a middle parameter; a leading ',' (an empty list
    /// item, which the parser skips) keeps it one.
    private static func middle(_ parameter: String) -> String {
        parameter.utf8.first == UInt8(ascii: ":") ? "," + parameter : parameter
    }

    /// A last parameter as it must be written: with a leading ':' when it is empty, holds a
    /// space or itself starts with ':'. Bytes, not Characters: a space followed by a combining
    /// accent is one Character but still splits parameters.
    private static func last(_ parameter: String) -> String {
        let bytes = parameter.utf8
        return bytes.isEmpty || bytes.contains(UInt8(ascii: " ")) || bytes.first == UInt8(ascii: ":")
            ? ":" + parameter : parameter
    }
}
