import ChatCore
import Cluster

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
    /// The connection came in on the TLS port.
    public let isSecure: Bool
    /// What carries the connection: plain TCP, TLS, WebSocket, or HTTP before an upgrade.
    public let kind: ConnectionKind
    /// The rooms the user is in, by name, in the order joined (none before registration).
    public var rooms: [String] = []

    public init(
        id: ConnectionID, nickname: String?, address: String, connectedSeconds: Double, idleSeconds: Double,
        linesIn: Int, bytesIn: Int, linesOut: Int, bytesOut: Int, isSecure: Bool = false,
        kind: ConnectionKind? = nil
    ) {
        self.kind = kind ?? (isSecure ? .tls : .plain)
        self.id = id
        self.nickname = nickname
        self.address = address
        self.connectedSeconds = connectedSeconds
        self.idleSeconds = idleSeconds
        self.linesIn = linesIn
        self.bytesIn = bytesIn
        self.linesOut = linesOut
        self.bytesOut = bytesOut
        self.isSecure = isSecure
    }
}

/// One room as the operator console lists it: a copy of the directory's entry.
public struct RoomInfo: Sendable, Equatable {
    /// The room's name as its creator wrote it (`#Rust`).
    public let name: String
    /// Members in join order, each with its prefix (`@` operator, `+` voiced): `@alice`, `bob`.
    public let members: [String]
    /// The topic, or nil when none is set.
    public let topic: String?
    /// The modes with their arguments, the key shown: `+ntk secret`.
    public let modes: String

    public init(name: String, members: [String], topic: String?, modes: String) {
        self.name = name
        self.members = members
        self.topic = topic
        self.modes = modes
    }
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
    /// Connections refused at accept (server full, too many from one address).
    public var connectionsRefused = 0
    /// Clients dropped because the server-wide output budget (--max-output-bytes) was spent.
    public var outputBudgetDisconnects = 0
    /// Input bytes thrown away unread: overlong lines and telnet negotiation.
    public var discardedInputBytes = 0
    /// Whether TLS is served; TLS handshakes completed, and failed (not TLS, no common
    /// protocol, closed or timed out before the end).
    public var servesTLS = false
    public var tlsHandshakes = 0
    public var tlsHandshakeFailures = 0
    /// Connections ended, by reason, in `DisconnectReason` order (empty when not known).
    public var disconnects: [(reason: DisconnectReason, count: Int)] = []
    /// The history store's figures; nil without history.
    public var history: HistoryStatus?
    /// This node's cluster figures; nil on a server on its own.
    public var cluster: ClusterStatus?

    public init(
        uptimeSeconds: Double, connections: Int, peakConnections: Int, registeredUsers: Int, linesIn: Int,
        messagesRelayed: Int, deliveries: Int, bytesIn: Int, bytesOut: Int, sendQueueDisconnects: Int,
        floodDisconnects: Int, residentMemoryBytes: Int
    ) {
        self.uptimeSeconds = uptimeSeconds
        self.connections = connections
        self.peakConnections = peakConnections
        self.registeredUsers = registeredUsers
        self.linesIn = linesIn
        self.messagesRelayed = messagesRelayed
        self.deliveries = deliveries
        self.bytesIn = bytesIn
        self.bytesOut = bytesOut
        self.sendQueueDisconnects = sendQueueDisconnects
        self.floodDisconnects = floodDisconnects
        self.residentMemoryBytes = residentMemoryBytes
    }
}
