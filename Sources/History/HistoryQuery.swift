/// A position in a room's history, as CHATHISTORY names it: `msgid=...` or `timestamp=...`.
public enum HistoryAnchor: Sendable, Equatable {
    /// A stored message. One that is not in the queried room makes the read `.unknownMessage`.
    case msgid(String)
    /// Milliseconds since the Unix epoch; compared with the messages' times.
    case timestamp(Int64)
}

/// A CHATHISTORY request (IRCv3 draft/chathistory). Every form returns at most `limit` records,
/// oldest first, in storage order (insertion order, which orders messages of the same
/// millisecond); anchors are exclusive unless said otherwise. A `limit` of 0 or less reads nothing.
public enum HistoryQuery: Sendable, Equatable {
    /// LATEST: the newest `limit` messages; with an anchor, only those after it (LATEST `*` is nil).
    case latest(room: String, after: HistoryAnchor?, limit: Int)
    /// BEFORE: the `limit` messages closest to the anchor, strictly before it.
    case before(room: String, HistoryAnchor, limit: Int)
    /// AFTER: the `limit` messages closest to the anchor, strictly after it.
    case after(room: String, HistoryAnchor, limit: Int)
    /// AROUND: up to limit/2 messages before the anchor, then the anchor's message itself (for
    /// a msgid; for a timestamp, those at that millisecond) and those after it, `limit` in all.
    case around(room: String, HistoryAnchor, limit: Int)
    /// BETWEEN: messages strictly between the two anchors, counted from the first: when the
    /// first is later than the second, the `limit` closest to the first (still oldest first).
    case between(room: String, HistoryAnchor, HistoryAnchor, limit: Int)
    /// TARGETS: which of `rooms` have messages with a time strictly between `from` and `to`
    /// (either order), with the time of the latest one there; at most `limit`, ordered by that
    /// time, counted from `from`'s side as BETWEEN is.
    case targets(from: Int64, to: Int64, rooms: [String], limit: Int)
}
