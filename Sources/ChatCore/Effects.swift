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
    /// What to log or count.
    public var events: [ChatEvent] = []
    /// History reads for the connection whose line was handled: answered later, on the
    /// store's thread, and sent to the connection when they arrive.
    public var historyReads: [HistoryRead] = []

    public init() {}

    /// Inlinable: the event loop asks after every line, and a call copied the whole struct out
    /// of the loop for it.
    @inlinable public var isEmpty: Bool {
        reply.isEmpty && outbound.isEmpty && close == nil && events.isEmpty && historyReads.isEmpty
    }

    public mutating func removeAll() {
        // Most lists are empty after most lines, and emptying one is a call even then.
        if !reply.isEmpty { reply.removeAll(keepingCapacity: true) }
        // Nearly always one entry: popping it costs a tenth of the general removeAll.
        while outbound.popLast() != nil {}
        close = nil
        if !events.isEmpty { events.removeAll(keepingCapacity: true) }
        if !historyReads.isEmpty { historyReads.removeAll(keepingCapacity: true) }
    }
}

/// What must happen for connections other than the one being handled (or to its room lists),
/// in order. The bytes are formatted once and shared by every recipient.
public enum Outbound: Sendable {
    case send(to: ConnectionID, line: OutboundLine)
    /// To every member of a room (by key) except `except`.
    case toRoom(String, line: OutboundLine, except: ConnectionID?)
    /// To everyone who is in at least one of these rooms, once each, except `except`.
    case toRooms([String], line: OutboundLine, except: ConnectionID?)
    /// To everyone in at least one of these rooms who negotiated away-notify, once each.
    case toRoomsAwayNotify([String], line: OutboundLine, except: ConnectionID?)
    /// To every registered user except `except`.
    case toEveryone(line: OutboundLine, except: ConnectionID?)
    /// The handled connection joined a room: its loop adds it to its member list.
    case joinedRoom(String)
    /// A member left a room (PART, KICK, JOIN 0): its loop removes it from its member list.
    case leftRoom(String, id: ConnectionID)
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

/// Something worth a log line or a count.
public enum ChatEvent: Equatable, Sendable {
    case registered(Nickname)
    case renamed(from: Nickname, to: Nickname)
    /// An error numeric was sent to a client that has not registered (a nickname in use,
    /// erroneous or missing, a command before registration): counted, by numeric.
    case registrationFailed(Numeric)
}
