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
