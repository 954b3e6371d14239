/// What a history record is about.
public enum HistoryKind: UInt8, Sendable, CaseIterable {
    case privmsg = 0, notice, join, part, quit, kick, nick, topic

    /// Messages (PRIVMSG, NOTICE) as opposed to events, which only `draft/event-playback`
    /// clients get back.
    public var isMessage: Bool { self == .privmsg || self == .notice }
}

/// One thing said or done in a room, as history keeps it. A value with one reference inside:
/// a record is copied into its room's ring and into the history queue for every message, and
/// a copy of six strings cost twelve reference-count calls where this costs two.
public struct HistoryRecord: Sendable, Equatable {
    @usableFromInline final class Storage: Sendable {
        @usableFromInline let id: Int64
        @usableFromInline let time: Int64
        @usableFromInline let room: String
        @usableFromInline let roomName: String
        @usableFromInline let kind: HistoryKind
        @usableFromInline let nick: String
        @usableFromInline let source: String
        @usableFromInline let text: String
        @usableFromInline let target: String

        init(
            id: Int64, time: Int64, room: String, roomName: String, kind: HistoryKind, nick: String, source: String,
            text: String, target: String
        ) {
            self.id = id
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

    // Inlinable readers: the history thread reads every field of every record it writes.
    @usableFromInline let storage: Storage

    /// The message id (`MessageID`): unique, and it orders the room's history.
    @inlinable public var id: Int64 { storage.id }
    /// Milliseconds since the Unix epoch, UTC.
    @inlinable public var time: Int64 { storage.time }
    /// The room's key (its case-folded name): what queries use.
    @inlinable public var room: String { storage.room }
    /// The room's name as displayed.
    @inlinable public var roomName: String { storage.roomName }
    @inlinable public var kind: HistoryKind { storage.kind }
    /// The source's nickname.
    @inlinable public var nick: String { storage.nick }
    /// The full source, `nick!user@host`.
    @inlinable public var source: String { storage.source }
    /// The message; the part, quit or kick reason; the new topic; for `.nick` the new nickname.
    @inlinable public var text: String { storage.text }
    /// The kicked nickname for `.kick`; empty otherwise.
    @inlinable public var target: String { storage.target }

    public init(
        id: Int64, time: Int64, room: String, roomName: String, kind: HistoryKind, nick: String, source: String,
        text: String, target: String = ""
    ) {
        storage = Storage(
            id: id, time: time, room: room, roomName: roomName, kind: kind, nick: nick, source: source, text: text,
            target: target)
    }

    public static func == (a: HistoryRecord, b: HistoryRecord) -> Bool {
        a.storage === b.storage
            || (a.id == b.id && a.time == b.time && a.room == b.room && a.roomName == b.roomName && a.kind == b.kind
                && a.nick == b.nick && a.source == b.source && a.text == b.text && a.target == b.target)
    }

    /// The `msgid` tag.
    public var msgid: String { MessageID.string(id) }
}

/// A point in a room's history: a message, or a time.
public enum HistoryAnchor: Sendable, Equatable {
    case msgid(String)
    /// Milliseconds since the Unix epoch.
    case timestamp(Int64)
}

/// A question to the history store (IRCv3 `draft/chathistory` semantics). Records come back
/// oldest first.
public enum HistoryQuery: Sendable, Equatable {
    /// The newest `limit` records (after the anchor, if given).
    case latest(room: String, after: HistoryAnchor?, limit: Int)
    /// The `limit` records just before the anchor (excluded).
    case before(room: String, HistoryAnchor, limit: Int)
    /// The `limit` records just after the anchor (excluded).
    case after(room: String, HistoryAnchor, limit: Int)
    /// About `limit / 2` records each side of the anchor, the anchor's own message included.
    case around(room: String, HistoryAnchor, limit: Int)
    /// Records between the two anchors (both excluded); if the first is later, the `limit`
    /// closest to the first.
    case between(room: String, HistoryAnchor, HistoryAnchor, limit: Int)
    /// Rooms among `rooms` with messages between the two times, with their latest message time.
    case targets(from: Int64, to: Int64, rooms: [String], limit: Int)
}

/// A room with messages in a TARGETS window.
public struct HistoryTarget: Sendable, Equatable {
    public var room: String
    public var roomName: String
    /// Milliseconds since the epoch of its latest message in the window.
    public var latest: Int64

    public init(room: String, roomName: String, latest: Int64) {
        self.room = room
        self.roomName = roomName
        self.latest = latest
    }
}

/// What a history read found.
public enum HistoryReadResult: Sendable, Equatable {
    case records([HistoryRecord])
    case targets([HistoryTarget])
    /// A msgid anchor that is not stored in the queried room (never was, or was pruned).
    /// The chathistory specification names no error for it: the answer is an empty batch.
    case unknownMessage(msgid: String)
    /// The read failed; the text says why.
    case failed(String)
}

/// Where the chat logic keeps and finds history. The server's store writes on its own thread;
/// none of these calls waits for a disk.
public protocol ChatHistory: AnyObject, Sendable {
    /// Hands a record to the store; false if it was dropped (the store's queue is full).
    @discardableResult func record(_ record: HistoryRecord) -> Bool
    /// The newest `limit` messages of a room from memory, oldest first.
    func recent(room: String, limit: Int) -> [HistoryRecord]
    /// Answers a query on the store's thread, after everything recorded before the call is
    /// stored, and calls `reply` there.
    func fetch(_ query: HistoryQuery, includeEvents: Bool, reply: @escaping @Sendable (HistoryReadResult) -> Void)
    /// The store's figures now, for the operator's `stats`.
    func status() -> HistoryStatus
    /// The highest message id stored when the store opened: new ids start above it.
    var highestMessageID: Int64 { get }
}

/// How the history store is doing.
public struct HistoryStatus: Sendable, Equatable {
    /// Records waiting to be written.
    public var queued = 0
    /// Records written since the start.
    public var stored = 0
    /// Records dropped since the start (queue full while the disk was slow or failing).
    public var dropped = 0
    public var commits = 0
    /// The last and the longest group commit, in microseconds.
    public var lastCommitMicroseconds = 0
    public var maxCommitMicroseconds = 0
    /// Rows deleted by pruning since the start.
    public var pruned = 0
    /// Why writing fails now; nil when it works.
    public var degraded: String?

    public init() {}
}
