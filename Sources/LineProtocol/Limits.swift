/// The protocol's named limits. PROTOCOL.md cites each by name.
public enum Limits {
    /// The longest nickname, in bytes (all nickname characters are ASCII). Advertised as NICKLEN.
    public static let nicknameMaxLength = 30
    /// The default longest inbound line, in bytes, terminator included. Advertised as LINELEN.
    public static let defaultMaxLineBytes = 512
    /// The smallest `--max-line-bytes` a server accepts: room for any command with a nickname.
    public static let minimumMaxLineBytes = 64
    /// The most recipients one PRIVMSG may name. Advertised as TARGMAX=PRIVMSG:10.
    public static let maxTargets = 10
    /// The longest line the server sends, in bytes, CRLF included, whatever `--max-line-bytes`
    /// says. `ServerLine` shortens any line that would be longer.
    public static let maxServerLineBytes = 512
    /// The longest text of a PRIVMSG or BROADCAST, in bytes: what is left of
    /// `maxServerLineBytes` by the longer relayed form,
    /// `:<nick> PRIVMSG <nick> :<text>` CRLF, with both nicknames at `nicknameMaxLength`
    /// (1 + 30 + 9 + 30 + 2 + 2 = 74 bytes). The maximum nickname, not the sender's, so the limit
    /// is the same for everyone and a rename cannot make a message that fitted stop fitting.
    ///
    /// That is the floor for messages to a nickname. The server accepts more when the actual
    /// relayed line is shorter (see `messageTextBytes(source:command:target:)`), as IRC servers do.
    public static let maxMessageTextBytes =
        maxServerLineBytes
        - (":".utf8.count + nicknameMaxLength + " PRIVMSG ".utf8.count + nicknameMaxLength
            + " :".utf8.count + "\r\n".utf8.count)
    /// The longest QUIT reason that is passed on, in bytes; a longer one is cut. It leaves room in
    /// `ERROR :Closing link: <who> (Quit: <reason>)` for `<who>` being an IPv6 `[address]:port`.
    public static let maxQuitReasonBytes = 400
    /// The most bytes a telnet subnegotiation (`IAC SB` ... `IAC SE`) may hold between its `IAC SB`
    /// and its `IAC SE`. Past it the subnegotiation is abandoned and what follows is data again.
    public static let maxTelnetSubnegotiationBytes = 64
    /// The longest room name, `#` included. Advertised as CHANNELLEN.
    public static let roomNameMaxLength = 50
    /// The longest topic, in bytes. Advertised as TOPICLEN; longer is cut.
    public static let topicMaxLength = 390
    /// The longest KICK reason, in bytes. Advertised as KICKLEN; longer is cut.
    public static let kickReasonMaxLength = 390
    /// The longest AWAY message, in bytes. Advertised as AWAYLEN; longer is cut.
    public static let awayMaxLength = 200
    /// Rooms one user may be in at once. Advertised as CHANLIMIT=#:<n>.
    public static let roomsPerUser = 50
    /// What a message-tags client's lines may hold beyond `--max-line-bytes`: `@`, 4094 bytes of
    /// tags and the space after them (IRCv3 message-tags).
    public static let tagAllowanceBytes = 4096
    /// Mode changes with a parameter in one MODE command. Advertised as MODES.
    public static let modesPerCommand = 4

    /// The most text the parser takes in PRIVMSG, NOTICE and BROADCAST: what fits in a relayed line
    /// with a one-character nickname and target (`:a PRIVMSG b :<text>` CRLF). The session then
    /// checks the real limit for the sender and target.
    public static let maxParsedTextBytes = maxServerLineBytes - ":a PRIVMSG b :\r\n".utf8.count

    /// The most text that fits in `:<source> <command> <target> :<text>` CRLF within the 512 bytes
    /// of a server line.
    public static func messageTextBytes(source: String, command: String, target: String) -> Int {
        messageTextBytes(sourceBytes: source.utf8.count, command: command, target: target)
    }

    /// `messageTextBytes(source:command:target:)` for a source `sourceBytes` long.
    public static func messageTextBytes(sourceBytes: Int, command: String, target: String) -> Int {
        maxServerLineBytes - (1 + sourceBytes + 1 + command.utf8.count + 1 + target.utf8.count + 2 + 2)
    }
}
