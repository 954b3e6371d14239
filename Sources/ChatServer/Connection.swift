import ChatCore
import LineProtocol
import Platform

/// One client socket and everything the loop knows about it: the chat session, the line
/// framer, pending output, flood control and counters. Owned by exactly one event loop and
/// touched only on that loop's thread.
final class Connection {
    enum State {
        case open
        /// Output is being flushed; then the write side is shut and input drained until EOF
        /// or the loop's linger deadline.
        case closing
        /// The descriptor is closed; the object lingers only in queues that will skip it.
        case closed
    }

    let fd: Int32
    let id: ConnectionID
    let host: String
    var session: Session
    var framer: LineFramer
    var output = OutputBuffer()
    var state = State.open
    /// Whether this connection counts against --max-clients and --max-per-ip.
    let counted: Bool

    /// The epoll interest currently registered.
    var interest: Epoll.Events = []
    /// Listed in the loop's dirty list (has output to flush this wakeup).
    var isDirty = false
    /// Index in the loop's list of registered connections, or -1.
    var registeredIndex = -1
    /// Set once the loop has scheduled this connection to close.
    var closeScheduled = false
    /// Open and not scheduled to close: the one flag the delivery path checks.
    var acceptsOutput = true
    var shutWrite = false

    // Flood control: a token bucket refilled lazily from the loop's clock.
    var tokens: Double
    var tokensUpdatedAt: Int64
    /// Lines read while out of tokens, waiting their turn (each ends with LF; see EventLoop).
    var heldInput: [UInt8] = []
    var isThrottled = false

    // Counters for the operator console.
    var linesIn = 0
    var bytesIn = 0
    var linesOut = 0
    var bytesOut = 0
    /// Monotonic nanoseconds of the last line received.
    var lastLineAt: Int64

    init(fd: Int32, id: ConnectionID, address: SocketAddress, now: Int64, maxLineBytes: Int, floodBurst: Int, counted: Bool) {
        self.fd = fd
        self.id = id
        self.host = address.host
        self.session = Session(id: id, address: address.description, connectedAt: now)
        self.framer = LineFramer(maxLineBytes: maxLineBytes)
        self.tokens = Double(floodBurst)
        self.tokensUpdatedAt = now
        self.lastLineAt = now
        self.counted = counted
    }

    var isOpen: Bool {
        if case .open = state { return true }
        return false
    }

    func info(now: Int64) -> ConnectionInfo {
        ConnectionInfo(
            id: id, nickname: session.nickname?.name, address: session.address,
            connectedSeconds: Double(now - session.connectedAt) / 1e9, idleSeconds: Double(now - lastLineAt) / 1e9,
            linesIn: linesIn, bytesIn: bytesIn, linesOut: linesOut, bytesOut: bytesOut)
    }

    /// Who this is in log lines: "127.0.0.1:5555 alice" or "127.0.0.1:5555 -".
    var logName: String { "\(session.address) \(session.nickname?.name ?? "-")" }
}
