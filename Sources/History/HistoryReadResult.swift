/// What a history read found.
public enum HistoryReadResult: Sendable, Equatable {
    /// The records of a LATEST, BEFORE, AFTER, AROUND or BETWEEN read, oldest first.
    case records([HistoryRecord])
    /// The rooms of a TARGETS read, ordered by their latest message's time.
    case targets([HistoryTarget])
    /// A msgid anchor that is not stored in the queried room (never was, or was pruned). The
    /// chathistory spec names no error for this; Ergo answers with an empty batch. The server
    /// chooses: an empty batch, or FAIL CHATHISTORY with a message of its own.
    case unknownMessage(msgid: String)
}

/// A room in the answer to a TARGETS read.
public struct HistoryTarget: Sendable, Equatable {
    /// The room's key (case-folded).
    public var room: String
    /// The room's name as displayed, from its latest message.
    public var roomName: String
    /// The time of its latest message in the range, in milliseconds since the epoch.
    public var latest: Int64

    public init(room: String, roomName: String, latest: Int64) {
        self.room = room
        self.roomName = roomName
        self.latest = latest
    }
}
