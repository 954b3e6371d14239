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
    case user

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
        case .user: "USER"
        }
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
