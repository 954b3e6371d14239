/// What a handler may consult besides its own session.
public struct ChatContext: Sendable {
    public let directory: any ChatDirectory
    public let config: ChatConfig
    /// Nanoseconds on the server's monotonic clock.
    public var now: Int64
    /// Seconds since 1970 (topic and room creation times).
    public var wallClock: Int64

    public init(directory: any ChatDirectory, config: ChatConfig, now: Int64, wallClock: Int64 = 0) {
        self.directory = directory
        self.config = config
        self.now = now
        self.wallClock = wallClock
    }
}
