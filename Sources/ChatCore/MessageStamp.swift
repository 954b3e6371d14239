import Synchronization

/// A message's identity on the wire: its `msgid` tag and `time` tag.
public struct MessageStamp: Sendable, Equatable {
    public let msgid: String
    /// Milliseconds since the Unix epoch.
    public let time: Int64

    public init(msgid: String, time: Int64) {
        self.msgid = msgid
        self.time = time
    }
}

/// Hands out message ids unique across restarts: the server's start time and the event loop's
/// index (each loop has its own source), then a counter, in base 36 (`mh3k2a9q1-0-1z`).
public final class MessageIDSource: Sendable {
    private let prefix: String
    /// One source per event loop, so the atomic is never contended.
    private let counter = Atomic<UInt64>(0)

    public init(startMilliseconds: Int64, loop: Int) {
        prefix = String(startMilliseconds, radix: 36) + "-" + String(loop, radix: 36) + "-"
    }

    public func next(time: Int64) -> MessageStamp {
        let value = counter.wrappingAdd(1, ordering: .relaxed).newValue
        return MessageStamp(msgid: prefix + String(value, radix: 36), time: time)
    }
}
