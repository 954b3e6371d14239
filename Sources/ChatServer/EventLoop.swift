import ChatCore
import LineProtocol
import Platform

/// One thread, one epoll: accepts from the shared listener, reads, frames and parses lines,
/// runs the chat logic and writes. Everything here is confined to the loop's thread; other
/// threads reach it only through its `EventLoopHandle`.
final class EventLoop {
    private let handle: EventLoopHandle
    private let state: ServerState
    private let configuration: ServerConfiguration
    private let epoll: Epoll
    private let events = EpollEventBuffer(capacity: 512)
    /// One read buffer for every connection of the loop: no connection keeps input memory
    /// beyond an incomplete line.
    private let readBuffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 16)

    /// Connections by descriptor.
    private var connections: [Connection?] = []
    private var liveCount = 0
    /// Registered connections: the recipients of a broadcast on this loop. Unretained: every
    /// entry is also held by `connections` and leaves this list before it leaves that one, and
    /// skipping a retain and release per delivery is a third of a broadcast's cost.
    private var registered: [Unmanaged<Connection>] = []
    /// Connections with output to flush at the end of this wakeup.
    private var dirty: [Connection] = []
    /// The batch `flushDirty` is working through (kept to reuse its storage).
    private var flushing: [Connection] = []
    private var closeRequests: [(Connection, error: String?, quitReason: String)] = []
    private var registrationDeadlines = DeadlineQueue()
    private var lingerDeadlines = DeadlineQueue()
    private var throttled: [Connection] = []

    private var context: ChatContext
    private var effects = Effects()
    private var inbox: [LoopMessage] = []
    private var statistics = LocalStatistics()
    private let greeting: [UInt8]
    private var shutdownDeadline: Int64?
    /// Bytes sent since the heap was last trimmed: after a burst, the first idle second hands
    /// the freed output buffers back to the system.
    private var bytesSentSinceTrim = 0
    private static let trimAfterBytes = 1 << 20
    private var listenerResumesAt: Int64?

    private static let lingerNanoseconds: Int64 = 2_000_000_000

    init(handle: EventLoopHandle, state: ServerState) throws(SystemError) {
        self.handle = handle
        self.state = state
        self.configuration = state.configuration
        epoll = try Epoll()
        context = ChatContext(registry: state.registry, config: state.chatConfig, now: Posix.monotonicNanoseconds())
        greeting = Session(id: ConnectionID(loop: 0, descriptor: 0, serial: 0), address: "", connectedAt: 0)
            .greeting(context)
        try epoll.add(handle.wakeup.fd, .readable)
        try epoll.add(state.listener, [.readable, .exclusive])
    }

    deinit { readBuffer.deallocate() }

    // MARK: The loop

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
            if events.count == 0 && bytesSentSinceTrim >= Self.trimAfterBytes {
                bytesSentSinceTrim = 0
                Posix.releaseFreeMemory()
            }
            for i in 0..<events.count {
                let fd = events.descriptor(at: i)
                let readiness = events.readiness(at: i)
                if fd == handle.wakeup.fd {
                    handle.wakeup.consume()
                    drainInbox()
                } else if fd == state.listener {
                    acceptConnections()
                } else if let connection = connection(at: fd) {
                    if readiness.contains(.writable) { flush(connection) }
                    if !readiness.isDisjoint(with: [.readable, .hangup, .error]) { readable(connection, readiness) }
                }
                processCloseRequests()
            }
            runTimers()
            processCloseRequests()
            flushDirty()
            statistics.publish(to: state.statistics)
            if let deadline = shutdownDeadline, liveCount == 0 || context.now >= deadline { break }
        }
        for case let connection? in connections { finalClose(connection) }
    }

    private func nextTimeout() -> Int32 {
        if !dirty.isEmpty || !closeRequests.isEmpty { return 0 }
        var next = Int64.max
        if let deadline = registrationDeadlines.first { next = min(next, deadline) }
        if let deadline = lingerDeadlines.first { next = min(next, deadline) }
        if let deadline = shutdownDeadline { next = min(next, deadline) }
        if let deadline = listenerResumesAt { next = min(next, deadline) }
        if bytesSentSinceTrim >= Self.trimAfterBytes { next = min(next, context.now + 1_000_000_000) }
        if !throttled.isEmpty {
            next = min(next, context.now + max(Int64(1e9 / configuration.floodLinesPerSecond), 1_000_000))
        }
        guard next != Int64.max else { return -1 }
        let milliseconds = (next - Posix.monotonicNanoseconds() + 999_999) / 1_000_000
        return Int32(clamping: max(0, milliseconds))
    }

    private func connection(at fd: Int32) -> Connection? {
        Int(fd) < connections.count ? connections[Int(fd)] : nil
    }

    private func connection(_ id: ConnectionID) -> Connection? {
        guard let connection = connection(at: id.descriptor), connection.id.serial == id.serial,
            connection.isOpen, !connection.closeScheduled
        else { return nil }
        return connection
    }

    // MARK: Accepting

    private func acceptConnections() {
        for _ in 0..<64 {
            let accepted: (Int32, SocketAddress)
            do {
                switch try Posix.accept(state.listener) {
                case .wouldBlock: return
                case .done(let result): accepted = result
                }
            } catch {
                if error.isOutOfDescriptors {
                    state.logger.warning("accept: out of file descriptors; pausing accepts for 100 ms")
                    epoll.remove(state.listener)
                    listenerResumesAt = context.now + 100_000_000
                } else {
                    state.logger.warning("accept failed: \(error)")
                }
                return
            }
            adopt(fd: accepted.0, address: accepted.1)
        }
    }

    private func adopt(fd: Int32, address: SocketAddress) {
        try? Posix.setNoDelay(fd)
        try? Posix.enableKeepalive(fd, idle: configuration.keepaliveIdleSeconds, interval: 10, count: 6)
        let rejection = shutdownDeadline != nil ? "Server shutting down" : state.admit(host: address.host)
        let id = ConnectionID(loop: handle.index, descriptor: fd, serial: state.makeSerial())
        let connection = Connection(
            fd: fd, id: id, address: address, now: context.now, maxLineBytes: configuration.maxLineBytes,
            floodBurst: configuration.floodBurst, counted: rejection == nil)
        if Int(fd) >= connections.count {
            connections.append(contentsOf: repeatElement(nil, count: Int(fd) + 1 - connections.count + 256))
        }
        connections[Int(fd)] = connection
        liveCount += 1
        do {
            try epoll.add(fd, .readable)
            connection.interest = .readable
        } catch {
            state.logger.error("epoll_ctl for \(address) failed: \(error)")
            finalClose(connection)
            return
        }
        if let rejection {
            state.logger.info("refused \(address): \(rejection)")
            startClosing(connection, error: rejection)
            return
        }
        state.logger.info("connected \(address)")
        greeting.withUnsafeBytes { enqueue($0, to: connection) }
        registrationDeadlines.append(
            connection, deadline: context.now + Int64(configuration.registrationTimeoutSeconds) * 1_000_000_000)
    }

    // MARK: Reading

    private func readable(_ connection: Connection, _ readiness: Epoll.Events) {
        if case .closing = connection.state {
            drainClosing(connection)
            return
        }
        guard connection.isOpen, !connection.closeScheduled else { return }
        // A throttled connection is not read (TCP backpressure) unless the peer hung up or failed.
        if connection.isThrottled && readiness.isDisjoint(with: [.hangup, .error]) { return }
        let count: Int
        do {
            switch try Posix.read(connection.fd, readBuffer) {
            case .wouldBlock: return
            case .done(let n): count = n
            }
        } catch {
            requestClose(
                connection, error: nil,
                quitReason: error.isConnectionReset ? "Connection reset by peer" : "Read error: \(error.reason)")
            return
        }
        guard count > 0 else {
            requestClose(connection, error: nil, quitReason: "Connection closed")
            return
        }
        connection.bytesIn += count
        statistics.bytesIn += count
        connection.framer.feed(UnsafeMutableRawBufferPointer(rebasing: readBuffer[..<count])) { event in
            guard connection.isOpen, !connection.closeScheduled else { return }
            if connection.isThrottled || !takeToken(connection) {
                hold(event, for: connection)
            } else {
                handle(event, from: connection)
            }
        }
        if connection.isThrottled { checkBacklog(connection) }
    }

    /// Runs one line (or an overlong-line report) through the chat logic.
    private func handle(_ event: LineFramer.Event, from connection: Connection) {
        connection.linesIn += 1
        connection.lastLineAt = context.now
        statistics.linesIn += 1
        let wasRegistered = connection.session.isRegistered
        switch event {
        case .line(let bytes): connection.session.handle(line: bytes, context, &effects)
        case .overlong: connection.session.handleOverlong(context, &effects)
        }
        if connection.session.isRegistered != wasRegistered {
            if wasRegistered { removeRegistered(connection) } else { addRegistered(connection) }
        }
        if !effects.isEmpty { perform(for: connection) }
    }

    // MARK: Flood control

    private func takeToken(_ connection: Connection) -> Bool {
        let burst = Double(configuration.floodBurst)
        if connection.tokens < burst {
            let elapsed = Double(context.now - connection.tokensUpdatedAt) / 1e9
            connection.tokens = min(burst, connection.tokens + elapsed * configuration.floodLinesPerSecond)
        }
        connection.tokensUpdatedAt = context.now
        if connection.tokens >= 1 {
            connection.tokens -= 1
            return true
        }
        connection.isThrottled = true
        throttled.append(connection)
        updateInterest(connection)
        return false
    }

    /// Keeps a line for later: a kind byte (0 line, 1 overlong), the bytes, LF.
    private func hold(_ event: LineFramer.Event, for connection: Connection) {
        switch event {
        case .line(let bytes):
            connection.heldInput.append(0)
            connection.heldInput.append(contentsOf: bytes)
        case .overlong:
            connection.heldInput.append(1)
        }
        connection.heldInput.append(10)
    }

    /// Disconnects a throttled client whose unread backlog passed the hard limit.
    private func checkBacklog(_ connection: Connection) {
        let unread = (try? Posix.bytesReadable(connection.fd)) ?? 0
        if connection.heldInput.count + unread > configuration.floodBacklogBytes {
            statistics.floodDisconnects += 1
            requestClose(connection, error: "Excess flood", quitReason: "Excess flood")
        }
    }

    /// Gives throttled connections the tokens that have accrued and runs their held lines.
    private func refillThrottled() {
        guard !throttled.isEmpty else { return }
        let waiting = throttled
        throttled.removeAll(keepingCapacity: true)
        for connection in waiting {
            guard connection.isOpen, !connection.closeScheduled else { continue }
            connection.isThrottled = false
            var consumed = 0
            let held = connection.heldInput
            while consumed < held.count {
                guard takeToken(connection) else { break }  // throttled again: back on the list
                let end = held[consumed...].firstIndex(of: 10)!
                held.withUnsafeBytes { raw in
                    let event: LineFramer.Event =
                        raw[consumed] == 1
                        ? .overlong : .line(UnsafeRawBufferPointer(rebasing: raw[(consumed + 1)..<end]))
                    handle(event, from: connection)
                }
                consumed = end + 1
                if !connection.isOpen || connection.closeScheduled { break }
            }
            connection.heldInput.removeFirst(min(consumed, connection.heldInput.count))
            if connection.isThrottled {
                checkBacklog(connection)
            } else {
                connection.heldInput = []
                updateInterest(connection)
            }
        }
    }

    // MARK: Effects

    private func perform(for connection: Connection) {
        if !effects.reply.isEmpty {
            effects.reply.withUnsafeBytes { enqueue($0, to: connection) }
            connection.linesOut += effects.reply.reduce(0) { $1 == 10 ? $0 + 1 : $0 } - 1
        }
        for outbound in effects.outbound {
            statistics.messagesRelayed += 1
            switch outbound {
            case .send(let id, let bytes):
                if id.loop == handle.index {
                    if let recipient = self.connection(id) {
                        statistics.deliveries += 1
                        bytes.withUnsafeBytes { enqueue($0, to: recipient) }
                    }
                } else {
                    state.handles[id.loop].post(.send(id, bytes))
                }
            case .broadcast(let bytes, let except):
                broadcastLocally(bytes, except: except)
                for other in state.handles where other.index != handle.index {
                    other.post(.broadcast(bytes, except: except))
                }
            }
        }
        for event in effects.events {
            switch event {
            case .registered(let nickname):
                state.logger.info("registered \(connection.session.address) \(nickname)")
            case .renamed(let old, let new):
                state.logger.info("renamed \(connection.session.address) \(old) -> \(new)")
            }
        }
        let close = effects.close
        effects.removeAll()
        if let close { requestClose(connection, error: close.error, quitReason: close.quitReason) }
    }

    private func broadcastLocally(_ bytes: [UInt8], except: ConnectionID?) {
        let skipped = except?.loop == handle.index ? except?.serial : nil
        bytes.withUnsafeBytes { raw in
            registered.withUnsafeBufferPointer { recipients in
                for recipient in recipients {
                    recipient._withUnsafeGuaranteedRef { connection in
                        if connection.id.serial != skipped { enqueue(raw, to: connection) }
                    }
                }
            }
        }
        statistics.deliveries += registered.count - (skipped == nil ? 0 : 1)
    }

    private func drainInbox() {
        handle.takeAll(swappingWith: &inbox)
        for message in inbox {
            switch message {
            case .send(let id, let bytes):
                if let recipient = connection(id) {
                    statistics.deliveries += 1
                    bytes.withUnsafeBytes { enqueue($0, to: recipient) }
                }
            case .broadcast(let bytes, let except):
                broadcastLocally(bytes, except: except)
            case .close(let id, let error, let quitReason):
                if let target = connection(id) { requestClose(target, error: error, quitReason: quitReason) }
            case .snapshot(let reply):
                reply(connections.compactMap { $0?.isOpen == true ? $0!.info(now: context.now) : nil })
            case .shutdown:
                beginShutdown()
            }
            processCloseRequests()
        }
        inbox.removeAll(keepingCapacity: true)
    }

    private func addRegistered(_ connection: Connection) {
        connection.registeredIndex = registered.count
        registered.append(Unmanaged.passUnretained(connection))
    }

    private func removeRegistered(_ connection: Connection) {
        let index = connection.registeredIndex
        guard index >= 0 else { return }
        let last = registered.removeLast().takeUnretainedValue()
        if last !== connection {
            registered[index] = Unmanaged.passUnretained(last)
            last.registeredIndex = index
        }
        connection.registeredIndex = -1
    }

    // MARK: Writing

    /// Queues bytes for a connection; a full sendq disconnects it instead. This runs once per
    /// delivery, so it touches only the connection and its buffer (byte counters are kept
    /// when the bytes are sent).
    @inline(__always)
    private func enqueue(_ bytes: UnsafeRawBufferPointer, to connection: Connection) {
        guard connection.acceptsOutput else { return }
        if connection.output.count + bytes.count > configuration.sendQueueBytes {
            // The limit is for output the client is not taking. Output queued in this wakeup
            // has not been offered to the socket yet: offer it before judging.
            flush(connection)
            guard connection.acceptsOutput else { return }
        }
        if connection.output.count + bytes.count > configuration.sendQueueBytes {
            statistics.sendQueueDisconnects += 1
            connection.output.release()
            requestClose(connection, error: "SendQ exceeded", quitReason: "SendQ exceeded")
            return
        }
        connection.output.append(bytes)
        connection.linesOut &+= 1
        markDirty(connection)
    }

    @inline(__always)
    private func markDirty(_ connection: Connection) {
        if !connection.isDirty {
            connection.isDirty = true
            dirty.append(connection)
        }
    }

    /// Flushes every connection with output. Closing a connection whose send failed queues its
    /// QUIT for others, so this repeats until no output is left unflushed: a line queued after
    /// the last flush would otherwise wait for an unrelated wakeup.
    private func flushDirty() {
        while !dirty.isEmpty {
            swap(&dirty, &flushing)
            for connection in flushing {
                connection.isDirty = false
                flush(connection)
            }
            flushing.removeAll(keepingCapacity: true)
            processCloseRequests()
        }
    }

    /// Sends as much queued output as the socket takes, then sets the epoll interest.
    private func flush(_ connection: Connection) {
        if case .closed = connection.state { return }
        while !connection.output.isEmpty {
            do {
                switch try Posix.send(connection.fd, connection.output.pending) {
                case .done(let n):
                    connection.output.consume(n)
                    connection.bytesOut += n
                    statistics.bytesOut += n
                    bytesSentSinceTrim += n
                case .wouldBlock:
                    updateInterest(connection)
                    return
                }
            } catch {
                connection.output.release()
                if connection.isOpen {
                    requestClose(
                        connection, error: nil,
                        quitReason: error.isConnectionReset ? "Connection reset by peer" : "Write error: \(error.reason)")
                } else {
                    finalClose(connection)
                }
                return
            }
        }
        if case .closing = connection.state, !connection.shutWrite {
            connection.shutWrite = true
            Posix.shutdownWrite(connection.fd)
        }
        updateInterest(connection)
    }

    private func updateInterest(_ connection: Connection) {
        var wanted: Epoll.Events = []
        switch connection.state {
        case .open: if !connection.isThrottled { wanted.insert(.readable) }
        case .closing: wanted.insert(.readable)
        case .closed: return
        }
        if !connection.output.isEmpty { wanted.insert(.writable) }
        guard wanted != connection.interest else { return }
        do {
            try epoll.modify(connection.fd, wanted)
            connection.interest = wanted
        } catch {
            finalClose(connection)
        }
    }

    // MARK: Closing

    /// Asks for a connection to be closed at the next safe point (never in the middle of a
    /// broadcast). `error` is the ERROR line it gets; nil when the peer is already gone.
    private func requestClose(_ connection: Connection, error: String?, quitReason: String) {
        guard !connection.closeScheduled, connection.isOpen else { return }
        connection.closeScheduled = true
        connection.acceptsOutput = false
        closeRequests.append((connection, error, quitReason))
    }

    private func processCloseRequests() {
        while !closeRequests.isEmpty {
            let requests = closeRequests
            closeRequests.removeAll()
            for (connection, error, quitReason) in requests {
                close(connection, error: error, quitReason: quitReason)
            }
        }
    }

    private func close(_ connection: Connection, error: String?, quitReason: String) {
        guard connection.isOpen else { return }
        let name = connection.logName
        removeRegistered(connection)
        connection.session.disconnect(reason: quitReason, context, &effects)
        if shutdownDeadline != nil {
            effects.removeAll()  // everyone is being told the server is going; no QUIT notices
        } else if !effects.isEmpty {
            perform(for: connection)
        }
        if connection.counted { state.release(host: connection.host) }
        state.logger.info("disconnected \(name) (\(quitReason))")
        if let error {
            startClosing(connection, error: error)
        } else {
            finalClose(connection)
        }
    }

    /// Sends the last line, then shuts the write side once it is out and waits for the peer's
    /// EOF (so unread input does not turn our close into a reset that loses the ERROR line).
    private func startClosing(_ connection: Connection, error: String) {
        connection.heldInput = []
        var line: [UInt8] = []
        ServerLine.appendError(to: &line, error)
        line.withUnsafeBytes { connection.output.append($0) }
        connection.state = .closing
        connection.acceptsOutput = false
        lingerDeadlines.append(connection, deadline: context.now + Self.lingerNanoseconds)
        markDirty(connection)
    }

    /// Reads and discards input from a closing connection until EOF.
    private func drainClosing(_ connection: Connection) {
        while true {
            do {
                switch try Posix.read(connection.fd, readBuffer) {
                case .wouldBlock: return
                case .done(0):
                    finalClose(connection)
                    return
                case .done: continue
                }
            } catch {
                finalClose(connection)
                return
            }
        }
    }

    private func finalClose(_ connection: Connection) {
        if case .closed = connection.state { return }
        if connection.isOpen && connection.counted { state.release(host: connection.host) }
        removeRegistered(connection)
        connection.state = .closed
        connection.acceptsOutput = false
        connection.output.release()
        connection.heldInput = []
        epoll.remove(connection.fd)
        Posix.close(connection.fd)
        connections[Int(connection.fd)] = nil
        liveCount -= 1
    }

    // MARK: Timers

    private func runTimers() {
        let now = context.now
        while let (connection, _) = registrationDeadlines.popExpired(now: now) {
            if connection.isOpen && !connection.closeScheduled && !connection.session.isRegistered {
                requestClose(connection, error: "Registration timeout", quitReason: "Registration timeout")
            }
        }
        while let (connection, _) = lingerDeadlines.popExpired(now: now) {
            if case .closing = connection.state { finalClose(connection) }
        }
        if let resume = listenerResumesAt, now >= resume {
            listenerResumesAt = nil
            try? epoll.add(state.listener, [.readable, .exclusive])
        }
        refillThrottled()
    }

    private func beginShutdown() {
        guard shutdownDeadline == nil else { return }
        shutdownDeadline = context.now + Self.lingerNanoseconds
        epoll.remove(state.listener)
        for case let connection? in connections where connection.isOpen {
            requestClose(connection, error: "Server shutting down", quitReason: "Server shutting down")
        }
    }
}

/// Connections with deadlines that are always added in deadline order (every entry of one
/// queue has the same timeout), so the earliest is always at the front.
struct DeadlineQueue {
    private var entries: [(Connection, Int64)] = []
    private var head = 0

    var first: Int64? { head < entries.count ? entries[head].1 : nil }

    mutating func append(_ connection: Connection, deadline: Int64) {
        entries.append((connection, deadline))
    }

    mutating func popExpired(now: Int64) -> (Connection, Int64)? {
        guard head < entries.count, entries[head].1 <= now else { return nil }
        let entry = entries[head]
        head += 1
        if head == entries.count {
            entries.removeAll(keepingCapacity: entries.count < 4096)
            head = 0
        } else if head >= 1024 && head * 2 >= entries.count {
            entries.removeFirst(head)
            head = 0
        }
        return entry
    }
}
