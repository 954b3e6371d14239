/// What carries a connection's lines: the operator console's `list` mark and the `kind` label
/// of `linechat_connections`.
public enum ConnectionKind: Int, CaseIterable, Sendable {
    /// TCP on the plain port (nc, telnet, IRC clients without TLS).
    case plain
    /// TCP on the TLS port.
    case tls
    /// IRC lines in WebSocket messages (`GET /ws` on the HTTP listener).
    case webSocket
    /// An HTTP request not (or not yet) upgraded.
    case http

    /// The metrics label value.
    public var label: String {
        switch self {
        case .plain: "plain"
        case .tls: "tls"
        case .webSocket: "websocket"
        case .http: "http"
        }
    }

    /// How the console names it ("TLS", "WebSocket").
    public var displayName: String {
        switch self {
        case .plain: "plain"
        case .tls: "TLS"
        case .webSocket: "WebSocket"
        case .http: "HTTP"
        }
    }
}
