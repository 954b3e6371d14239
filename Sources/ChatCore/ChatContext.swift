import Synchronization

/// What a handler may consult besides its own session. A class: an event loop keeps one, sets
/// its clock once per wakeup and hands it to every line's handler (a struct of this many
/// references was copied, each retained and released, for every line handled).
///
/// The clock is kept in atomics although only the loop's thread uses it: that keeps the class
/// Sendable without a lock, and its reads free of the exclusivity checks that the stored
/// `var`s of a class get (a runtime call for each read, on every line).
public final class ChatContext: Sendable {
    public let directory: any ChatDirectory
    public let config: ChatConfig
    /// Nanoseconds on the server's monotonic clock.
    public var now: Int64 {
        get { nowStorage.load(ordering: .relaxed) }
        set { nowStorage.store(newValue, ordering: .relaxed) }
    }
    /// Seconds since 1970 (topic and room creation times).
    public var wallClock: Int64 {
        get { wallClockStorage.load(ordering: .relaxed) }
        set { wallClockStorage.store(newValue, ordering: .relaxed) }
    }
    /// Milliseconds since 1970 (message times).
    public var wallClockMilliseconds: Int64 {
        get { wallClockMillisecondsStorage.load(ordering: .relaxed) }
        set { wallClockMillisecondsStorage.store(newValue, ordering: .relaxed) }
    }
    private let nowStorage: Atomic<Int64>
    private let wallClockStorage: Atomic<Int64>
    private let wallClockMillisecondsStorage: Atomic<Int64>
    /// Where room messages and events are kept; nil without history.
    public let history: (any ChatHistory)?
    /// The loop's message ids.
    public let messageIDs: MessageIDSource

    public init(
        directory: any ChatDirectory, config: ChatConfig, now: Int64, wallClock: Int64 = 0,
        wallClockMilliseconds: Int64? = nil, history: (any ChatHistory)? = nil, messageIDs: MessageIDSource? = nil
    ) {
        self.directory = directory
        self.config = config
        nowStorage = Atomic(now)
        wallClockStorage = Atomic(wallClock)
        wallClockMillisecondsStorage = Atomic(wallClockMilliseconds ?? wallClock * 1000)
        self.history = history
        self.messageIDs = messageIDs ?? MessageIDSource(loop: 0)
    }

    /// A new message id and the time of now.
    public func stamp() -> MessageStamp { messageIDs.next(time: wallClockMilliseconds) }
}
