import LineProtocol

/// What handling one line asks the I/O layer to do, in order: send `reply` to the connection
/// the line came from, then carry out `outbound`, then close if `close` is set. A loop keeps
/// one `Effects` and reuses its storage across lines.
public struct Effects {
    /// Bytes for the connection whose line was handled.
    public var reply: [UInt8] = []
    /// Lines for other connections.
    public var outbound: [Outbound] = []
    /// Set when the connection must be closed after its reply is sent.
    public var close: CloseRequest?
    /// What to log.
    public var events: [ChatEvent] = []

    public init() {}

    public var isEmpty: Bool { reply.isEmpty && outbound.isEmpty && close == nil && events.isEmpty }

    public mutating func removeAll() {
        reply.removeAll(keepingCapacity: true)
        outbound.removeAll(keepingCapacity: true)
        close = nil
        events.removeAll(keepingCapacity: true)
    }
}

/// A line for connections other than the one being handled. The bytes are formatted once and
/// shared by every recipient.
public enum Outbound: Sendable {
    case send(to: ConnectionID, bytes: [UInt8])
    /// To every registered user except `except`.
    case broadcast(bytes: [UInt8], except: ConnectionID?)
}

/// Closing a connection: `error` is the text of its last line, `ERROR :<error>`.
public struct CloseRequest: Equatable, Sendable {
    public let error: String
    /// What the others are told in `:<nick> QUIT :<quitReason>` if the user was registered.
    public let quitReason: String

    public init(error: String, quitReason: String) {
        self.error = error
        self.quitReason = quitReason
    }
}

/// Something worth a log line.
public enum ChatEvent: Equatable, Sendable {
    case registered(Nickname)
    case renamed(from: Nickname, to: Nickname)
}
