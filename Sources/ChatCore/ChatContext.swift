/// What a handler may consult besides its own session.
public struct ChatContext: Sendable {
    public let registry: Registry
    public let config: ChatConfig
    /// Nanoseconds on the server's monotonic clock.
    public var now: Int64

    public init(registry: Registry, config: ChatConfig, now: Int64) {
        self.registry = registry
        self.config = config
        self.now = now
    }
}
