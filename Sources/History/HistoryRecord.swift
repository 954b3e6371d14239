/// What a stored line was: a message, or an event that changed a room's state.
public enum HistoryKind: UInt8, Sendable {
    case privmsg = 0, notice, join, part, quit, kick, nick, topic

    /// PRIVMSG and NOTICE: what every client is replayed. The others are events, replayed only
    /// to clients that negotiated draft/event-playback (as Ergo does).
    public var isMessage: Bool { self == .privmsg || self == .notice }
}

/// One line of a room's history, as stored.
public struct HistoryRecord: Sendable, Equatable {
    /// Unique across the database (server-generated, ASCII, at most 32 bytes).
    public var msgid: String
    /// Milliseconds since the Unix epoch, UTC.
    public var time: Int64
    /// The room's key (case-folded name, e.g. "#lobby"): what queries use.
    public var room: String
    /// The room's name as displayed (e.g. "#Lobby").
    public var roomName: String
    public var kind: HistoryKind
    /// The source's nickname.
    public var nick: String
    /// The full IRC source, "nick!user@host".
    public var source: String
    /// The message text; the part, quit or kick reason; the new topic; for `.nick` the new nickname.
    public var text: String
    /// The kicked nickname for `.kick`; "" otherwise.
    public var target: String

    public init(
        msgid: String, time: Int64, room: String, roomName: String, kind: HistoryKind, nick: String,
        source: String, text: String, target: String = ""
    ) {
        self.msgid = msgid
        self.time = time
        self.room = room
        self.roomName = roomName
        self.kind = kind
        self.nick = nick
        self.source = source
        self.text = text
        self.target = target
    }
}
