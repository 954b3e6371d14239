/// What a handler may consult besides its own session.
public struct ChatContext: Sendable {
    public let directory: any ChatDirectory
    public let config: ChatConfig
    /// Nanoseconds on the server's monotonic clock.
    public var now: Int64
    /// Seconds since 1970 (topic and room creation times).
    public var wallClock: Int64
    /// Milliseconds since 1970 (message times).
    public var wallClockMilliseconds: Int64
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
        self.now = now
        self.wallClock = wallClock
        self.wallClockMilliseconds = wallClockMilliseconds ?? wallClock * 1000
        self.history = history
        self.messageIDs = messageIDs ?? MessageIDSource(loop: 0)
    }

    /// A new message id and the time of now.
    public func stamp() -> MessageStamp { messageIDs.next(time: wallClockMilliseconds) }
}
