/// What the chat logic needs to know about the server it runs in.
public struct ChatConfig: Sendable {
    /// The server's own source on every line it originates; reserved as a nickname.
    public var serverName: String
    /// The longest inbound line, terminator included (advertised as LINELEN).
    public var maxLineBytes: Int
    /// The message of the day, one entry per 372 line.
    public var motd: [String]
    /// Whether LIST shows every user's address to everyone.
    public var listAddresses: Bool
    /// When the server started, as text for the 003 reply.
    public var createdText: String

    public static let version = "0.1.0"

    /// The default message of the day: how to chat from nc or telnet.
    public static let defaultMOTD = [
        "Welcome to LineChat. Type a command and press Enter:",
        "  BROADCAST <text>         send a message to everyone",
        "  PRIVMSG <nick> <text>    send a private message",
        "  LIST                     see who is here",
        "  NICK <new nick>          change your nickname",
        "  HELP                     every command; HELP <command> for one",
        "  QUIT [<reason>]          leave the chat room",
    ]

    public init(
        serverName: String = "linechat", maxLineBytes: Int = 512, motd: [String] = ChatConfig.defaultMOTD,
        listAddresses: Bool = false, createdText: String = "at start-up"
    ) {
        self.serverName = serverName
        self.maxLineBytes = maxLineBytes
        self.motd = motd
        self.listAddresses = listAddresses
        self.createdText = createdText
    }
}
