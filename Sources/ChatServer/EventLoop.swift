import ChatCore
import LineProtocol
import Platform

/// One thread, one epoll: accepts from the shared listener, reads, frames and parses lines,
/// runs the chat logic and writes. Everything here is confined to the loop's thread; other
/// threads reach it only through its `EventLoopHandle`.
///
/// The work is split by job: accepting and admission (`EventLoop+Accept`), reading and flood
/// control (`+Input`), carrying out effects and writing (`+Delivery`), messages from other
/// threads (`+Inbox`), closing (`+Closing`) and timers (`+Timers`).
///
/// One rule keeps the loop safe: nothing removes a connection or edits a connection list
/// while a line's effects are being carried out. A close is only requested there
/// (`requestClose`) and carried out at the loop's safe point (`processCloseRequests`), after
/// the line, inbox message or event at hand is done. So a fan-out over the unretained
/// `registered` list never sees it change (debug builds check that with exclusivity
/// enforcement; release builds rely on it, see Package.swift).
final class EventLoop {
    let handle: EventLoopHandle
    let state: ServerState
    /// The settings in force: replaced by a reload (`reconfigure`), between two messages.
    var configuration: ServerConfiguration
    let epoll: Epoll
    let events = EpollEventBuffer(capacity: 512)
    /// One read buffer for every connection of the loop: no connection keeps input memory
    /// beyond an incomplete line.
    let readBuffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 16)

    /// Connections by descriptor.
    var connections: [Connection?] = []
    var liveCount = 0
    /// Registered connections: the recipients of a broadcast on this loop. Unretained: every
    /// entry is also held by `connections` and leaves this list (in `close`, at the safe point)
    /// before it leaves that one; skipping a retain and release per delivery is a third of a
    /// broadcast's cost.
    var registered: [Unmanaged<Connection>] = []
    /// This loop's members of each room, by room key.
    var rooms: [String: LocalRoom] = [:]
    /// The room of the last fan-out to one room, while it is in `rooms` (see `localRoom`).
    var lastFanOutRoom: LocalRoom?
    /// Counts multi-room fan-outs (see `fanOut(toRooms:)`).
    var fanoutGeneration: UInt64 = 0
    /// Connections with output to flush at the end of this wakeup.
    var dirty: [Connection] = []
    /// The batch `flushDirty` is working through (kept to reuse its storage).
    var flushing: [Connection] = []
    /// Closes requested since the last safe point, in order.
    var closeRequests: [(Connection, CloseCause)] = []
    var registrationDeadlines: DeadlineList
    var lastLineDeadlines: DeadlineList
    var lingerDeadlines: DeadlineList
    /// HTTP connections whose request head has not arrived in full (slowloris).
    var requestDeadlines: DeadlineList
    /// New connections waiting for their welcome notice, oldest first, with the time it is due.
    var pendingGreetings: [(connection: Connection, due: Int64)] = []
    var pendingGreetingsHead = 0
    /// Connections that ran out of flood tokens, to be refilled by the timer.
    var throttled: [Connection] = []
    /// Bytes queued for all of this loop's connections and not yet sent.
    var queuedOutputBytes = 0
    /// This loop's share of --max-output-bytes.
    var outputBudget: Int
    /// The flood settings every connection of this loop refers to.
    var floodLimits: FloodLimits

    /// Replaced with the chat settings by a reload (`reconfigure`).
    var context: ChatContext
    var effects = Effects()
    var inbox: [LoopMessage] = []
    var statistics = LocalStatistics()
    /// This loop's counters, published to once per wakeup (EventLoop+Metrics).
    let counters: LoopCounters
    var greeting: [UInt8]
    var shutdownDeadline: Int64?
    /// Bytes sent since the heap was last trimmed: after a burst, the first idle second hands
    /// the freed output buffers back to the system.
    var bytesSentSinceTrim = 0
    static let trimAfterBytes = 1 << 20
    /// Connections whose drained output storage is kept for their next lines while the loop is
    /// busy (no allocation, growth copy and free per connection and wakeup), and the storage
    /// bytes they hold. The first idle second frees them all, before the heap is trimmed.
    var keptOutput: [Connection] = []
    var keptOutputBytes = 0
    /// At most this much drained storage is kept per loop, in buffers of at most
    /// `keptBufferMaxBytes` (a larger one is a backlog, not a burst: it is freed when drained).
    static let keptOutputLimit = 128 << 20
    static let keptBufferMaxBytes = 256 << 10
    var listenerResumesAt: Int64?
    /// TLS connections to read again without waiting for epoll: OpenSSL may hold decrypted
    /// input the kernel no longer signals (a read stopped by its budget, a connection no longer
    /// throttled, a handshake that just ended).
    var tlsReadsDue: [Connection] = []

    /// How long a closing connection waits for the peer's EOF once its last line is out, and
    /// how long shutdown waits for every connection to finish.
    static let lingerNanoseconds: Int64 = 2_000_000_000
    static let backlogCheckNanoseconds: Int64 = 250_000_000

    init(handle: EventLoopHandle, state: ServerState) throws(SystemError) {
        self.handle = handle
        self.state = state
        self.configuration = state.configuration
        counters = state.loopCounters[handle.index]
        epoll = try Epoll()
        let now = Posix.monotonicNanoseconds()
        let wallClockMilliseconds = Posix.wallClockMilliseconds()
        context = ChatContext(
            directory: state.directory, config: state.chatConfig, now: now, wallClock: wallClockMilliseconds / 1000,
            wallClockMilliseconds: wallClockMilliseconds, history: state.configuration.history,
            messageIDs: MessageIDSource(
                loop: state.messageIDLoop(handle.index), after: state.configuration.history?.highestMessageID ?? 0))
        greeting = Session(id: ConnectionID(loop: 0, descriptor: 0, serial: 0), address: "", connectedAt: 0)
            .greeting(context)
        registrationDeadlines = DeadlineList(
            .registration, timeoutNanoseconds: Int64(configuration.registrationTimeoutSeconds) * 1_000_000_000)
        lastLineDeadlines = DeadlineList(
            .lastLine, timeoutNanoseconds: Int64(configuration.lastLineTimeoutSeconds) * 1_000_000_000)
        lingerDeadlines = DeadlineList(.linger, timeoutNanoseconds: Self.lingerNanoseconds)
        requestDeadlines = DeadlineList(
            .request, timeoutNanoseconds: Int64(configuration.httpRequestTimeoutMilliseconds) * 1_000_000)
        outputBudget = configuration.maxOutputBytes / max(state.handles.count, 1)
        floodLimits = FloodLimits(configuration: configuration)
        try epoll.add(handle.wakeup.fd, .readable)
        try addListeners()
    }

    /// Watches the listening sockets (each connection goes to one loop: EPOLLEXCLUSIVE).
    func addListeners() throws(SystemError) {
        if state.listener >= 0 { try epoll.add(state.listener, [.readable, .exclusive]) }
        if state.tlsListener >= 0 { try epoll.add(state.tlsListener, [.readable, .exclusive]) }
        if state.httpListener >= 0 { try epoll.add(state.httpListener, [.readable, .exclusive]) }
        if state.metricsListener >= 0 { try epoll.add(state.metricsListener, [.readable, .exclusive]) }
    }

    deinit { readBuffer.deallocate() }

    /// Runs until a shutdown message has closed every connection.
    func run() {
        while true {
            do {
                try events.wait(on: epoll, timeoutMilliseconds: nextTimeout())
            } catch {
                state.logger.error("epoll_wait failed: \(error)")
                break
            }
            context.now = Posix.monotonicNanoseconds()
            context.wallClockMilliseconds = Posix.wallClockMilliseconds()
            context.wallClock = context.wallClockMilliseconds / 1000
            if events.count == 0 {
                releaseKeptOutput()
                releaseScratchCapacity()
                if bytesSentSinceTrim >= Self.trimAfterBytes {
                    bytesSentSinceTrim = 0
                    Posix.releaseFreeMemory()
                }
            }
            for i in 0..<events.count {
                let fd = events.descriptor(at: i)
                let readiness = events.readiness(at: i)
                if fd == handle.wakeup.fd {
                    handle.wakeup.consume()
                    drainInbox()
                } else if fd == state.listener {
                    acceptConnections(from: fd, as: .plain)
                } else if fd == state.tlsListener {
                    acceptConnections(from: fd, as: .tls)
                } else if fd == state.httpListener {
                    acceptConnections(from: fd, as: .http(state.httpRoutes))
                } else if fd == state.metricsListener {
                    acceptConnections(from: fd, as: .http(.metrics))
                } else if let connection = connection(at: fd) {
                    if readiness.contains(.writable) { flush(connection) }
                    if !readiness.isDisjoint(with: [.readable, .hangup, .error]) { readable(connection, readiness) }
                }
                processCloseRequests()
            }
            if !tlsReadsDue.isEmpty {
                readDueTLSConnections()
                processCloseRequests()
            }
            runTimers()
            processCloseRequests()
            flushDirty()
            enforceOutputBudget()
            publishMetrics()
            if let deadline = shutdownDeadline, liveCount == 0 || context.now >= deadline { break }
        }
        for case let connection? in connections { finalClose(connection) }
    }

    /// Lets go of the capacity the loop's working lists grew to in a burst (a join storm makes
    /// every connection dirty and fills the inbox at once): an idle loop keeps at most a few
    /// thousand entries of each.
    private func releaseScratchCapacity() {
        let keep = 4096
        if dirty.isEmpty && dirty.capacity > keep { dirty = [] }
        if flushing.isEmpty && flushing.capacity > keep { flushing = [] }
        // Messages are wide (a line in every form): an idle loop keeps room for a few only,
        // here and in the handle's inbox that the next take swaps in.
        let keepMessages = 256
        if inbox.isEmpty && inbox.capacity > keepMessages { inbox = [] }
        handle.releaseInboxCapacity(keeping: keepMessages)
        if effects.isEmpty && effects.reply.capacity > 64 * keep { effects = Effects() }
    }

    private func nextTimeout() -> Int32 {
        if !dirty.isEmpty || !closeRequests.isEmpty || !tlsReadsDue.isEmpty { return 0 }
        var next = Int64.max
        if let deadline = registrationDeadlines.firstDeadline { next = min(next, deadline) }
        if let deadline = lastLineDeadlines.firstDeadline { next = min(next, deadline) }
        if let deadline = lingerDeadlines.firstDeadline { next = min(next, deadline) }
        if let deadline = requestDeadlines.firstDeadline { next = min(next, deadline) }
        if let deadline = shutdownDeadline { next = min(next, deadline) }
        if let deadline = listenerResumesAt { next = min(next, deadline) }
        if pendingGreetingsHead < pendingGreetings.count { next = min(next, pendingGreetings[pendingGreetingsHead].due) }
        if bytesSentSinceTrim >= Self.trimAfterBytes || !keptOutput.isEmpty {
            next = min(next, context.now + 1_000_000_000)
        }
        // A throttled connection is looked at again when its next token is due, and at least
        // every `backlogCheckNanoseconds` to see whether its unread backlog passed the limit.
        for connection in throttled {
            let untilToken = connection.flood.nanosecondsUntilToken(now: context.now)
            next = min(next, context.now + min(max(untilToken, 1_000_000), Self.backlogCheckNanoseconds))
        }
        guard next != Int64.max else { return -1 }
        let milliseconds = (next - Posix.monotonicNanoseconds() + 999_999) / 1_000_000
        return Int32(clamping: max(0, milliseconds))
    }

    func connection(at fd: Int32) -> Connection? {
        Int(fd) < connections.count ? connections[Int(fd)] : nil
    }

    /// The open connection with this id, if it is still there.
    func openConnection(_ id: ConnectionID) -> Connection? {
        guard let connection = connection(at: id.descriptor), connection.id.serial == id.serial, connection.isOpen
        else { return nil }
        return connection
    }
}
