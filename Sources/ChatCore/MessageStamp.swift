import Synchronization

/// A message's identity on the wire: its `msgid` tag and `time` tag.
public struct MessageStamp: Sendable, Equatable {
    /// The message id (`MessageID`).
    public let id: Int64
    /// Milliseconds since the Unix epoch.
    public let time: Int64

    public init(id: Int64, time: Int64) {
        self.id = id
        self.time = time
    }

    /// The `msgid` tag, made when a line needs it (most recipients take no tags).
    public var msgid: String { MessageID.string(id) }
}

/// Message ids: 64-bit numbers that order a room's history and say where it is stored, shown as
/// `msgid` tags in base 36 (`1l0e7y2ak1xc`). An id is the millisecond it was stamped shifted
/// left 20 bits, then a 12-bit sequence within that millisecond, then the 8-bit index of the
/// event loop that stamped it: ids from one loop only grow, ids from two loops never collide,
/// and a time converts to the range of ids stamped in it.
public enum MessageID {
    static let timeShift: Int64 = 20
    /// The lowest bits: the event loop's index (up to 256 loops).
    static let loopBits: Int64 = 8
    static let loopMask: Int64 = (1 << loopBits) - 1
    /// Event loops that can stamp ids that never collide.
    public static let maximumLoops = 1 << Int(loopBits)

    /// The msgid tag of `id`.
    public static func string(_ id: Int64) -> String { String(id, radix: 36) }

    /// The id a msgid tag names, or nil when it is not one of ours.
    public static func parse(_ msgid: String) -> Int64? {
        guard !msgid.isEmpty, msgid.utf8.count <= 13, let id = Int64(msgid, radix: 36), id > 0 else { return nil }
        return id
    }

    /// The lowest id stamped in millisecond `time`.
    public static func first(at time: Int64) -> Int64 { max(time, 0) << timeShift }

    /// The highest id stamped in millisecond `time`.
    public static func last(at time: Int64) -> Int64 { first(at: time) | ((1 << timeShift) - 1) }

    /// The millisecond `id` was stamped in (or, for ids stamped faster than 4,096 a millisecond
    /// by one loop, a few milliseconds later).
    public static func time(of id: Int64) -> Int64 { id >> timeShift }
}

/// Hands out the message ids of one event loop (`MessageID`): unique across loops and across
/// restarts (each source starts above the highest id the history holds), increasing.
public final class MessageIDSource: Sendable {
    private let loop: Int64
    /// The last id handed out. One source per event loop: only that loop's thread uses it.
    private let last: Atomic<Int64>

    /// A source for event loop `loop` whose ids are all above `highestUsed`.
    public init(loop: Int, after highestUsed: Int64 = 0) {
        self.loop = Int64(loop) & MessageID.loopMask
        let base = (max(highestUsed, 0) >> MessageID.loopBits) << MessageID.loopBits
        last = Atomic(base | self.loop)
    }

    /// The next id, stamped at `time` (ms since the epoch).
    public func nextID(time: Int64) -> Int64 {
        let candidate = MessageID.first(at: time) | loop
        let id = max(candidate, last.load(ordering: .relaxed) + (1 << MessageID.loopBits))
        last.store(id, ordering: .relaxed)
        return id
    }

    public func next(time: Int64) -> MessageStamp {
        MessageStamp(id: nextID(time: time), time: time)
    }
}
