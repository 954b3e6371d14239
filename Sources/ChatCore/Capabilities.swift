/// The IRCv3 capabilities a connection negotiated with `CAP REQ`. `CAP LS` offers exactly
/// `Capabilities.offered`.
public struct Capabilities: OptionSet, Sendable, Hashable {
    public let rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    /// `@tags` on what the client gets: `msgid`, and the client-only `+tags` others send; TAGMSG.
    public static let messageTags = Capabilities(rawValue: 1 << 0)
    /// `@time=` on messages.
    public static let serverTime = Capabilities(rawValue: 1 << 1)
    /// `BATCH` around history replays.
    public static let batch = Capabilities(rawValue: 1 << 2)
    /// The sender gets its own messages back, as others get them.
    public static let echoMessage = Capabilities(rawValue: 1 << 3)
    /// AWAY changes of those sharing a room.
    public static let awayNotify = Capabilities(rawValue: 1 << 4)
    /// NAMES and WHO show every prefix (`@+`).
    public static let multiPrefix = Capabilities(rawValue: 1 << 5)
    /// `draft/chathistory`: CHATHISTORY, and no automatic replay on JOIN (the client asks).
    public static let chathistory = Capabilities(rawValue: 1 << 6)
    /// `draft/event-playback`: history includes joins, parts, quits, kicks, nick and topic changes.
    public static let eventPlayback = Capabilities(rawValue: 1 << 7)
    /// `cap-notify` (implied by `CAP LS 302`; nothing is ever added or removed at run time).
    public static let capNotify = Capabilities(rawValue: 1 << 8)
    /// NAMES shows `nick!user@host`.
    public static let userhostInNames = Capabilities(rawValue: 1 << 9)
    /// The answer to a command sent with `@label=` carries the label (`LabeledResponse`).
    public static let labeledResponse = Capabilities(rawValue: 1 << 10)

    /// Every capability by its wire name, in the order `CAP LS` lists them.
    public static let names: [(name: String, capability: Capabilities)] = [
        ("away-notify", .awayNotify),
        ("batch", .batch),
        ("cap-notify", .capNotify),
        ("draft/chathistory", .chathistory),
        ("draft/event-playback", .eventPlayback),
        ("echo-message", .echoMessage),
        ("labeled-response", .labeledResponse),
        ("message-tags", .messageTags),
        ("multi-prefix", .multiPrefix),
        ("server-time", .serverTime),
        ("userhost-in-names", .userhostInNames),
    ]

    /// The capability called `name` (case-sensitive, as the specification says), if offered.
    public static func named(_ name: String) -> Capabilities? {
        names.first { $0.name == name }?.capability
    }

    /// The wire names of these capabilities, space-separated.
    public var wireNames: String {
        Self.names.filter { contains($0.capability) }.map(\.name).joined(separator: " ")
    }

    /// The form of user-sourced lines a client with these capabilities gets.
    public func lineForm(isIRCClient: Bool) -> LineForm {
        if contains(.messageTags) { return .tagged }
        if contains(.serverTime) { return .timed }
        return isIRCClient ? .full : .plain
    }
}
