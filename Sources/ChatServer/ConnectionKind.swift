/// How a client reached the server: the `kind` label of `linechat_connections`.
public enum ConnectionKind: Int, CaseIterable, Sendable {
    /// TCP on the plain port (nc, telnet, IRC clients without TLS).
    case plain
    /// TCP on the TLS port.
    case tls
    /// A WebSocket on the HTTP listener (`GET /ws`).
    case websocket

    /// The label value.
    public var label: String {
        switch self {
        case .plain: "plain"
        case .tls: "tls"
        case .websocket: "websocket"
        }
    }
}

/// Where a connection is in its life, as the `state` label of `linechat_connections` counts it.
public enum ConnectionState: Int, CaseIterable, Sendable {
    /// Connected, no nickname yet (a TLS handshake in progress included).
    case unregistered
    case registered
    /// Its close is requested: sending its last line or waiting for the peer's EOF.
    case closing

    /// The label value.
    public var label: String {
        switch self {
        case .unregistered: "unregistered"
        case .registered: "registered"
        case .closing: "closing"
        }
    }
}
