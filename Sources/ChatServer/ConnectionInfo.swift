import ChatCore

/// One connection as the operator console lists it: a copy taken on its loop's thread.
public struct ConnectionInfo: Sendable {
    public let id: ConnectionID
    /// Nil before registration.
    public let nickname: String?
    /// "address:port".
    public let address: String
    public let connectedSeconds: Double
    public let idleSeconds: Double
    public let linesIn: Int
    public let bytesIn: Int
    public let linesOut: Int
    public let bytesOut: Int
}

/// The server's counters at one moment, for the operator console's `stats`.
public struct StatisticsSnapshot: Sendable {
    public let uptimeSeconds: Double
    public let connections: Int
    public let peakConnections: Int
    public let registeredUsers: Int
    public let linesIn: Int
    public let messagesRelayed: Int
    public let deliveries: Int
    public let bytesIn: Int
    public let bytesOut: Int
    public let sendQueueDisconnects: Int
    public let floodDisconnects: Int
    public let residentMemoryBytes: Int
}
