import LineProtocol

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
    /// The room every user joins on registering and BROADCAST talks to; nil: none.
    public var defaultRoom: RoomName?
    /// The default room's topic when it is created.
    public var defaultTopic: String
    /// How many of a room's latest messages a joiner gets (0: none).
    public var joinReplay = 25
    /// The most lines one HISTORY or CHATHISTORY returns (advertised as CHATHISTORY=).
    public static let historyMaxLines = 500

    /// The default room unless `--default-room` says otherwise.
    public static let lobby = try! RoomName(validating: "#lobby")

    public static let version = "0.1.0"

    /// The default message of the day: how to chat from nc or telnet.
    public static let defaultMOTD = [
        "Welcome to LineChat. Type a command and press Enter:",
        "  BROADCAST <text>         talk in #lobby, where everyone starts",
        "  PRIVMSG <nick> <text>    send a private message",
        "  JOIN #<room>             join or create a room; PRIVMSG #<room> <text> talks there",
        "  LIST                     see who is here; ROOMS lists the rooms",
        "  HISTORY #<room>          what was said in a room before you came",
        "  NICK <new nick>          change your nickname",
        "  HELP                     every command; HELP <command> for one",
        "  QUIT [<reason>]          leave the chat",
    ]

    public init(
        serverName: String = "linechat", maxLineBytes: Int = 512, motd: [String] = ChatConfig.defaultMOTD,
        listAddresses: Bool = false, createdText: String = "at start-up", defaultRoom: RoomName? = ChatConfig.lobby,
        defaultTopic: String = "Welcome to LineChat! BROADCAST <text> talks here; HELP lists every command."
    ) {
        self.defaultRoom = defaultRoom
        self.defaultTopic = defaultTopic
        self.serverName = serverName
        self.maxLineBytes = maxLineBytes
        self.motd = motd
        self.listAddresses = listAddresses
        self.createdText = createdText
    }
}
