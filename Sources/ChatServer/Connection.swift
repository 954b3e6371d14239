import ChatCore
import LineProtocol
import Platform
import TLS

/// One client socket and everything the loop knows about it: the chat session, the line
/// framer, pending output, flood control and counters. Owned by exactly one event loop and
/// touched only on that loop's thread.
final class Connection {
    // Stored properties are laid out in declaration order: the one-byte flags sit together
    // after `session` (whose size ends in a flag) instead of each padding out eight bytes.
    // An idle connection's size is most of the server's memory per user (Benchmarks/README).
    let fd: Int32
    /// The epoll interest currently registered.
    var interest: Epoll.Events = []
    var session: Session

    /// Where the connection is in its life. Changed only through the transition methods below.
    private(set) var lifecycle = Lifecycle.open
    /// Whether this connection holds a slot of --max-clients and --max-per-ip (released once,
    /// when the descriptor is closed).
    let holdsSlot: Bool
    /// Listed in the loop's dirty list (has output to flush this wakeup).
    var isDirty = false
    /// The welcome notice is still to be sent (or dropped, if the first line is CAP or USER).
    var greetingPending = false
    /// The session's line form and capabilities, copied after each line for the fan-outs.
    var lineForm: LineForm = .plain
    var capabilities: Capabilities = []
    /// Listed in the loop's `keptOutput` (its drained output storage is kept for the next
    /// burst), with the storage bytes counted for it in `keptOutputBytes`.
    var isKeepingOutput = false
    /// Why its close was requested, until the safe point counts it.
    var disconnectReason: DisconnectReason?

    // TLS (nil and false for a plain connection).
    /// The handshake is not complete: nothing is read or written but the handshake's own
    /// records, and queued output (the greeting) waits.
    var tlsHandshaking = false
    /// The handshake waits for the socket to be writable (else readable).
    var tlsHandshakeWantsWrite = false
    /// A read stopped on `.wantWrite`: read again once the socket is writable.
    var tlsReadWantsWrite = false
    /// A write stopped on `.wantRead`: write again once the socket is readable.
    var tlsWriteWantsRead = false
    /// Listed in the loop's `tlsReadsDue` (OpenSSL may hold decrypted input the kernel no
    /// longer signals).
    var tlsReadDue = false

    var output = OutputBuffer()
    var framer: LineFramer
    var flood: FloodControl
    /// Index in the loop's list of registered connections, or -1.
    var registeredIndex: Int32 = -1
    /// The connections-gauge cell this connection is counted in (kind and state), or -1
    /// (EventLoop+Metrics).
    var gaugeCell: Int32 = -1
    /// The rooms this connection is in, with its index in each one's member list on this loop.
    var roomSlots = RoomSlots()
    /// The fan-out that last reached this connection (`EventLoop.fanOut(toRooms:)` sends a
    /// line once to someone in several of the rooms).
    var fanoutMark: UInt64 = 0
    /// The storage bytes of `output` counted in the loop's `keptOutputBytes` while kept.
    var keptOutputCapacity = 0
    /// The deadline list this connection is in (registration, last-line flush or linger), if
    /// any: at most one at a time, because the three belong to different phases of its life.
    var timer = DeadlineList.Links()

    /// The TLS session over `fd`; dropped (set to nil) before the descriptor is closed.
    var tls: TLSConnection?
    /// Bytes at the front of `output` that the last write attempt offered and OpenSSL did not
    /// report sent: the retry must offer them again, so they are never dropped.
    var tlsPendingWriteLength = 0

    // HTTP and WebSocket (nil for plain and TLS connections).
    /// The request being read, the WebSocket codec and the framed output, for a connection
    /// that came in on an HTTP listener.
    var web: WebConnection?

    // Counters for the operator console.
    var linesIn = 0
    var bytesIn = 0
    var linesOut = 0
    var bytesOut = 0
    /// Monotonic nanoseconds of the last line received.
    var lastLineAt: Int64

    init(
        fd: Int32, id: ConnectionID, address: SocketAddress, now: Int64, maxLineBytes: Int, flood: FloodControl,
        holdsSlot: Bool
    ) {
        self.fd = fd
        self.session = Session(id: id, address: address.description, connectedAt: now)
        self.framer = LineFramer(maxLineBytes: maxLineBytes)
        self.flood = flood
        self.lastLineAt = now
        self.holdsSlot = holdsSlot
    }

    var id: ConnectionID { session.id }
    /// The peer's address without the port (its --max-per-ip slot), from the session's copy.
    var host: String { String(SocketAddress.host(ofDescription: session.address)) }

    /// Reading lines and taking output: the one check the delivery path makes.
    @inline(__always) var isOpen: Bool { lifecycle == .open }

    var isClosed: Bool { lifecycle == .closed }

    /// Sending its last line or waiting for the peer's EOF after it.
    var isLingering: Bool { lifecycle == .flushingLastLine || lifecycle == .awaitingEOF }

    // MARK: Transitions

    /// open -> closeRequested, or a lingering connection -> closeRequested (to stop lingering).
    /// Returns false when a close is already requested or done: a connection is closed once.
    func requestClose() -> Bool {
        switch lifecycle {
        case .open, .flushingLastLine, .awaitingEOF:
            lifecycle = .closeRequested
            return true
        case .closeRequested, .closed:
            return false
        }
    }

    /// closeRequested -> flushingLastLine: the ERROR line is queued behind whole lines.
    func beginLastLine() {
        precondition(lifecycle == .closeRequested, "a last line follows a close request")
        lifecycle = .flushingLastLine
    }

    /// flushingLastLine -> awaitingEOF, once every byte is out and the write side is shut.
    func lastLineSent() {
        precondition(lifecycle == .flushingLastLine, "the last line is sent once")
        lifecycle = .awaitingEOF
    }

    /// Any state -> closed. Returns false if it already was.
    func markClosed() -> Bool {
        guard lifecycle != .closed else { return false }
        lifecycle = .closed
        return true
    }

    func info(now: Int64) -> ConnectionInfo {
        ConnectionInfo(
            id: id, nickname: session.nickname?.name, address: session.address,
            connectedSeconds: Double(now - session.connectedAt) / 1e9, idleSeconds: Double(now - lastLineAt) / 1e9,
            linesIn: linesIn, bytesIn: bytesIn, linesOut: linesOut, bytesOut: bytesOut, isSecure: tls != nil,
            kind: kind)
    }

    /// What carries this connection's lines (a WebSocket upgrade changes it: the loop then
    /// calls `refreshGauge`).
    var kind: ConnectionKind {
        if let web { return web.phase == .websocket ? .webSocket : .http }
        return tls != nil ? .tls : .plain
    }

    /// Who this is in log lines: "127.0.0.1:5555 alice" or "127.0.0.1:5555 -".
    var logName: String { "\(session.address) \(session.nickname?.name ?? "-")" }
}

extension Connection {
    /// A connection's life, one state at a time:
    ///
    ///     open --requestClose--> closeRequested --(no last line)--------------------> closed
    ///                                  |                                                ^
    ///                                  +--beginLastLine--> flushingLastLine --lastLineSent--> awaitingEOF
    ///
    /// A lingering connection (flushingLastLine, awaitingEOF) that fails or times out goes
    /// back through closeRequested, so every close is carried out at the loop's one safe point.
    enum Lifecycle: UInt8 {
        /// Lines are read and handled; output is accepted.
        case open
        /// Waiting for the loop's safe point to be closed: no input handled, no output taken.
        case closeRequested
        /// The ERROR line is queued; output is being flushed; input is read and discarded.
        case flushingLastLine
        /// Everything was sent and the write side shut; input is drained until EOF or the linger
        /// deadline, so unread input does not turn the close into a reset that loses the ERROR.
        case awaitingEOF
        /// The descriptor is closed and the slot released; the object lives on only in queues
        /// that skip it.
        case closed
    }
}
