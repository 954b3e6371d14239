/// Why a connection ended: the `reason` label of `linechat_disconnects_total`. Each accepted
/// connection is counted once, when its close is first requested.
public enum DisconnectReason: Int, CaseIterable, Sendable {
    /// The client sent QUIT.
    case quit
    /// The peer closed the connection without QUIT (EOF).
    case closed
    /// Its output queue passed --sendq-bytes, or it was among the largest when the server's
    /// output passed --max-output-bytes.
    case sendq
    /// Excess flood: too much unread input while throttled, or too much discarded input.
    case flood
    /// No registration within --registration-timeout, or the peer stopped answering TCP
    /// (keepalive or TCP_USER_TIMEOUT gave up).
    case timeout
    /// The operator's `kick <nick>`.
    case kicked
    /// A read or write error, a reset, a failed TLS handshake, an internal error.
    case error
    /// The server is shutting down.
    case shutdown
    /// Refused at accept (server full, too many from one address): not a disconnect of an
    /// accepted connection, so not counted here (see `linechat_connections_refused_total`).
    case refused

    /// The reasons the series has, in order.
    static let counted: [DisconnectReason] = allCases.filter { $0 != .refused }

    /// The label value.
    public var label: String {
        switch self {
        case .quit: "quit"
        case .closed: "closed"
        case .sendq: "sendq"
        case .flood: "flood"
        case .timeout: "timeout"
        case .kicked: "kicked"
        case .error: "error"
        case .shutdown: "shutdown"
        case .refused: "refused"
        }
    }
}
