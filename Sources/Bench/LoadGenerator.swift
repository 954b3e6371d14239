import Platform
import TLS
import WebProtocol

/// Where one client connection is in its life.
enum Phase: UInt8 {
    case unused, connecting, tlsHandshake, upgrading, registering, joining, ready, closed
}

/// One client connection. Plain data in one contiguous array, so the hot loop touches no
/// reference counts.
struct ClientState {
    var fd: Int32 = -1
    var phase = Phase.unused
    /// EPOLLOUT is armed because a send would have blocked.
    var waitingToWrite = false
    /// Bytes of an unfinished inbound line kept in this client's carry slot.
    var carried: Int32 = 0
    /// Messages this client has sent (senders only).
    var sent: Int32 = 0
    /// Unsent bytes in this client's output slot, senders only: [outStart, outEnd).
    var outStart: Int32 = 0
    var outEnd: Int32 = 0
    /// When the connect started (monotonic ns), for handshake latency.
    var startedAt: Int64 = 0
    /// The number in this client's nick.
    var nickNumber: Int32 = 0
    /// Handshakes retried after the server reset them.
    var retries: UInt8 = 0
    /// TLS: a write returned `.wantRead` (retry it when readable), a read `.wantWrite`
    /// (retry it when writable).
    var writeWantsRead = false
    var readWantsWrite = false
    /// WebSocket: payload bytes still to come in the current inbound frame; header bytes held
    /// (in `wsHeaders`) of a header split across reads; the current frame is not a line.
    var wsRemaining: Int32 = 0
    var wsHeaderCount: UInt8 = 0
    var wsDiscard = false
}

/// Counters the hot path bumps, kept behind a pointer so that updating them costs no
/// exclusivity check.
struct Counters {
    var bytesRead = 0
    /// Payload lines from another client, duplicates included.
    var received = 0
    /// Payload lines delivered for the first time (in order or after a gap).
    var unique = 0
    var duplicated = 0
    /// Arrivals whose sequence number skipped ahead of the next one expected.
    var gaps = 0
    /// Payload lines a sender got back of its own messages (LineChat's BROADCAST echo).
    var echoes = 0
    /// Payload lines from a sender this client should not hear from.
    var misdirected = 0
    var otherLines = 0
    var overlongLines = 0
    var pings = 0
    var readyCount = 0
    var failedCount = 0
    var handshakesInFlight = 0
    var completedHandshakes = 0
    /// Connections the server closed after they were ready.
    var closedByServer = 0
    /// Handshakes started again after the server reset them (see `retriesAllowed`).
    var retries = 0
    var lastDeliveryAt: Int64 = 0
}

/// The single-threaded epoll client side: opens connections, registers them through an
/// adapter, sends numbered payloads and checks what arrives. One epoll, non-blocking sockets,
/// one big read buffer shared by every connection.
final class LoadGenerator {
    let options: BenchOptions
    let adapter: Adapter
    /// Where each client connects: client i to `addresses[i % count]`.
    let addresses: [SocketAddress]
    let epoll: Epoll
    let events = EpollEventBuffer(capacity: 1024)
    let clients: UnsafeMutableBufferPointer<ClientState>
    /// Descriptor -> client index (-1: none).
    let clientOfDescriptor: UnsafeMutableBufferPointer<Int32>
    let readBuffer: UnsafeMutableRawBufferPointer
    let carry: UnsafeMutablePointer<UInt8>
    let carryCapacity: Int
    let counters: UnsafeMutablePointer<Counters>
    let latency: UnsafeMutablePointer<LatencyHistogram>
    let errors = ErrorLog()
    let nickSalt: String
    /// `--tls`: the context (no verification) and each client's connection; empty without TLS.
    let tlsContext: TLSClientContext?
    var tlsConnections: [TLSConnection?] = []
    /// `--websocket`: lines travel as binary WebSocket messages; header bytes held per client.
    let websocket: Bool
    let wsHeaders: UnsafeMutablePointer<UInt8>
    static let wsHeaderSlot = 16

    // Traffic (fanout and pairs).
    let senderCount: Int
    /// Per receiver, per sender slot: the next sequence number expected.
    let nextSequence: UnsafeMutableBufferPointer<UInt32>
    let slotsPerReceiver: Int
    /// Per sender: first-time deliveries of its messages, over all receivers.
    let deliveredFrom: UnsafeMutableBufferPointer<Int>
    let output: UnsafeMutablePointer<UInt8>
    let outputCapacity: Int
    /// Per sender: the bytes before its payload, and the line terminator.
    var linePrefixes: [[UInt8]] = []
    let terminator: [UInt8]
    let payloadBytes: Int
    let trafficLineBytes: Int

    /// Which line handling applies to ready clients.
    var joinAfterWelcome = false
    /// How often one client's handshake is retried after the server resets it (0: never).
    var retriesAllowed = 0
    /// Clients waiting to retry their handshake.
    var retryQueue: [Int] = []

    init(options: BenchOptions) throws(BenchFailure) {
        self.options = options
        adapter = Adapter(kind: options.adapter)
        do {
            addresses = try (options.ports.isEmpty ? [options.port] : options.ports).map { port throws(AddressError) in
                try SocketAddress.resolve(host: options.host, port: port)
            }
        } catch {
            throw BenchFailure(error.description)
        }
        do {
            epoll = try Epoll()
        } catch {
            throw BenchFailure("cannot create epoll: \(error)")
        }
        let limit = Posix.raiseOpenFileLimit()
        let slots = options.scenario == .connect ? min(options.concurrency, options.clients) : options.clients
        if slots + 16 > limit {
            throw BenchFailure(
                "\(slots) connections need more open files than this process may have (\(limit)); "
                    + "raise the hard limit (ulimit -Hn) or use fewer")
        }
        clients = .allocate(capacity: slots)
        clients.initialize(repeating: ClientState())
        clientOfDescriptor = .allocate(capacity: max(limit, 1024) + 1)
        clientOfDescriptor.initialize(repeating: -1)
        readBuffer = .allocate(byteCount: 256 * 1024, alignment: 64)
        payloadBytes = options.payloadBytes
        carryCapacity = max(1024, options.payloadBytes + 600)
        carry = .allocate(capacity: slots * carryCapacity)
        counters = .allocate(capacity: 1)
        counters.initialize(to: Counters())
        latency = .allocate(capacity: 1)
        latency.initialize(to: LatencyHistogram())
        nickSalt = Self.base36(Int(Posix.processID) % 1296, width: 2)
        websocket = options.websocket
        // A WebSocket message carries one line and no line end.
        terminator = options.websocket ? [] : adapter.terminator
        wsHeaders = .allocate(capacity: options.websocket ? slots * Self.wsHeaderSlot : 1)
        if options.tls {
            Posix.ignoreSIGPIPE()  // OpenSSL writes with write(2)
            do {
                tlsContext = try TLSClientContext(verify: false)
            } catch {
                throw BenchFailure(error.description)
            }
            tlsConnections = Array(repeating: nil, count: slots)
        } else {
            tlsContext = nil
        }

        switch options.scenario {
        case .fanout:
            senderCount = options.senders
            slotsPerReceiver = options.senders
            joinAfterWelcome = adapter.joinsChannel
        case .pairs:
            senderCount = options.clients
            slotsPerReceiver = 1
        case .idle, .connect:
            senderCount = 0
            slotsPerReceiver = 0
        case .joinstorm:
            senderCount = 0
            slotsPerReceiver = 0
            joinAfterWelcome = true
        }
        nextSequence = .allocate(capacity: max(1, slots * slotsPerReceiver))
        nextSequence.initialize(repeating: 0)
        deliveredFrom = .allocate(capacity: max(1, senderCount))
        deliveredFrom.initialize(repeating: 0)
        let longestPrefix = senderCount == 0 ? 0 : 16 + 40
        trafficLineBytes = longestPrefix + options.payloadBytes + 2
        outputCapacity = senderCount == 0 ? 0 : max(trafficLineBytes * 4, min(64 * 1024, (16 << 20) / senderCount))
        output = .allocate(capacity: max(1, senderCount * outputCapacity))
    }

    deinit {
        for index in clients.indices where clients[index].fd >= 0 { Socket.closeWithReset(clients[index].fd) }
        clients.deallocate()
        clientOfDescriptor.deallocate()
        readBuffer.deallocate()
        carry.deallocate()
        counters.deallocate()
        latency.deinitialize(count: 1)  // its buckets are an array: released here
        latency.deallocate()
        nextSequence.deallocate()
        deliveredFrom.deallocate()
        output.deallocate()
        wsHeaders.deallocate()
    }

    // MARK: Names

    static func base36(_ value: Int, width: Int = 1) -> String {
        var text = String(value, radix: 36)
        while text.count < width { text = "0" + text }
        return text
    }

    /// The nick with number `number`: a letter, two characters of this process's id (so two
    /// runs in a row never collide), the number in base 36. Short: ngIRCd's default limit is 9.
    func nick(of number: Int) -> String {
        (options.scenario == .connect ? "c" : "b") + nickSalt + Self.base36(number)
    }

    // MARK: Connections

    /// Starts connecting client `index` with nick number `number`; it registers on its own as
    /// the events come in.
    func open(_ index: Int, nickNumber number: Int) {
        let retries = clients[index].retries
        clients[index] = ClientState()
        clients[index].retries = retries
        clients[index].startedAt = Posix.monotonicNanoseconds()
        clients[index].nickNumber = Int32(number)
        counters.pointee.handshakesInFlight += 1
        do {
            let (fd, progress) = try Socket.connectNonBlocking(to: addresses[index % addresses.count])
            clients[index].fd = fd
            clientOfDescriptor[Int(fd)] = Int32(index)
            if progress == .connected {
                try epoll.add(fd, .readable)
                connected(index)
            } else {
                clients[index].phase = .connecting
                try epoll.add(fd, .writable)
            }
        } catch {
            fail(index, error.description)
        }
    }

    /// joinstorm: the small room of client `index` (`options.roomSize` clients each).
    func stormRoom(of index: Int) -> String { "#s" + Self.base36(index / options.roomSize) }

    /// Opens client `index` with its own number as nick (fanout, pairs, idle).
    func open(_ index: Int) { open(index, nickNumber: index) }

    private func connected(_ index: Int) {
        try? Posix.setNoDelay(clients[index].fd)
        if let tlsContext {
            do {
                tlsConnections[index] = try tlsContext.makeConnection(
                    socket: clients[index].fd, serverName: options.host)
            } catch {
                fail(index, error.description)
                return
            }
            clients[index].phase = .tlsHandshake
            continueHandshake(index)
            return
        }
        if websocket {
            clients[index].phase = .upgrading
            let request =
                "GET /ws HTTP/1.1\r\nHost: \(options.host):\(options.port)\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: binary.ircv3.net\r\n\r\n"
            sendDirect(index, Array(request.utf8))
            return
        }
        register(index)
    }

    private func register(_ index: Int) {
        clients[index].phase = .registering
        sendDirect(index, adapter.registration(nick: nick(of: Int(clients[index].nickNumber))))
    }

    /// Advances client `index`'s TLS handshake; registers once it is done.
    private func continueHandshake(_ index: Int) {
        guard let tls = tlsConnections[index] else { return }
        let interest: Epoll.Events
        switch tls.handshake() {
        case .done: interest = .readable
        case .wantRead: interest = .readable
        case .wantWrite: interest = .writable
        case .closed:
            fail(index, "server closed the connection during the TLS handshake")
            return
        case .failed(let error):
            fail(index, error.description)
            return
        }
        do {
            try epoll.modify(clients[index].fd, interest)
        } catch {
            fail(index, error.description)
            return
        }
        if tls.isHandshakeComplete { register(index) }
    }

    private func finishConnect(_ index: Int) {
        let fd = clients[index].fd
        if let error = Socket.pendingError(fd) {
            fail(index, error.description)
            return
        }
        do {
            try epoll.modify(fd, .readable)
        } catch {
            fail(index, error.description)
            return
        }
        connected(index)
    }

    /// A client that could not connect or register. While `retriesAllowed` is above zero, a
    /// client the server reset during its handshake is queued to try again instead (ngIRCd's
    /// listen backlog of 10 resets some connects when many arrive at once).
    func fail(_ index: Int, _ reason: String) {
        let inHandshake = clients[index].phase != .ready && clients[index].phase != .closed
        if inHandshake && Int(clients[index].retries) < retriesAllowed {
            let retries = clients[index].retries
            counters.pointee.retries += 1
            counters.pointee.handshakesInFlight -= 1
            close(index, phase: .unused)
            clients[index].retries = retries + 1
            retryQueue.append(index)
            return
        }
        errors.add(reason)
        if inHandshake {
            counters.pointee.failedCount += 1
            counters.pointee.handshakesInFlight -= 1
        }
        close(index, phase: .closed)
    }

    /// Closes client `index` with a reset (no TIME_WAIT left behind).
    func close(_ index: Int, phase: Phase = .unused) {
        let fd = clients[index].fd
        if tlsContext != nil { tlsConnections[index] = nil }
        if fd >= 0 {
            epoll.remove(fd)
            clientOfDescriptor[Int(fd)] = -1
            Socket.closeWithReset(fd)
        }
        clients[index].fd = -1
        clients[index].phase = phase
        clients[index].carried = 0
        clients[index].writeWantsRead = false
        clients[index].readWantsWrite = false
    }

    func closeAll() {
        for index in clients.indices where clients[index].fd >= 0 { close(index, phase: .closed) }
    }

    private func becameReady(_ index: Int) {
        clients[index].phase = .ready
        counters.pointee.readyCount += 1
        counters.pointee.handshakesInFlight -= 1
        onReady?(index)
    }

    /// Called when a client completes its handshake (the connect scenario recycles it).
    var onReady: ((Int) -> Void)? = nil

    /// Sends a short line (registration, JOIN, PONG) right away; queued behind pending
    /// output when there is some, so it never lands in the middle of a line.
    func sendDirect(_ index: Int, _ bytes: [UInt8]) {
        guard !bytes.isEmpty, clients[index].fd >= 0 else { return }
        if websocket && clients[index].phase != .upgrading {
            sendDirectRaw(index, Self.webSocketMessages(bytes))
            return
        }
        sendDirectRaw(index, bytes)
    }

    private func sendDirectRaw(_ index: Int, _ bytes: [UInt8]) {
        if clients[index].outEnd > clients[index].outStart {
            let end = Int(clients[index].outEnd)
            if end + bytes.count <= outputCapacity {
                bytes.withUnsafeBufferPointer { source in
                    (output + index * outputCapacity + end).update(from: source.baseAddress!, count: source.count)
                }
                clients[index].outEnd += Int32(bytes.count)
                return
            }
            if tlsContext != nil {  // OpenSSL's pending write must be retried first
                fail(index, "send: output full")
                return
            }
        }
        if tlsContext != nil {
            sendDirectTLS(index, bytes)
            return
        }
        let fd = clients[index].fd
        do {
            let result = try bytes.withUnsafeBytes { raw throws(SystemError) in try Posix.send(fd, raw) }
            if case .done(let count) = result, count == bytes.count { return }
            fail(index, "send: socket buffer full during the handshake")
        } catch {
            fail(index, "\(error)")
        }
    }

    private func sendDirectTLS(_ index: Int, _ bytes: [UInt8]) {
        guard let tls = tlsConnections[index] else { return }
        switch bytes.withUnsafeBytes({ tls.write($0) }) {
        case .wrote(let count) where count == bytes.count: return
        case .wrote, .wantWrite, .wantRead: fail(index, "send: socket buffer full during the handshake")
        case .closed: closedByServer(index, nil)
        case .failed(let error): closedByServer(index, error.description)
        }
    }

    // MARK: Events

    /// Waits up to `timeoutMilliseconds` for events and handles them.
    func pump(timeoutMilliseconds: Int32) {
        do {
            try events.wait(on: epoll, timeoutMilliseconds: timeoutMilliseconds)
        } catch {
            errors.add(error.description)
            return
        }
        for event in 0..<events.count {
            let fd = events.descriptor(at: event)
            let index = Int(clientOfDescriptor[Int(fd)])
            guard index >= 0 else { continue }
            let readiness = events.readiness(at: event)
            if clients[index].phase == .connecting {
                finishConnect(index)
                continue
            }
            if tlsContext != nil {
                tlsEvent(index, readiness)
                continue
            }
            if readiness.contains(.writable) && clients[index].waitingToWrite {
                clients[index].waitingToWrite = false
                try? epoll.modify(fd, .readable)
                flush(index)
            }
            if !readiness.isDisjoint(with: [.readable, .hangup, .error]) {
                readAvailable(index)
            }
        }
    }

    /// Reads what client `index` has waiting (a few buffers at most, so no client starves
    /// the others) and handles every complete line.
    private func readAvailable(_ index: Int) {
        for _ in 0..<4 {
            let fd = clients[index].fd
            guard fd >= 0 else { return }
            let result: IOResult<Int>
            do {
                result = try Posix.read(fd, readBuffer)
            } catch {
                closedByServer(index, error.description)
                return
            }
            guard case .done(let count) = result else { return }
            if count == 0 {
                closedByServer(index, nil)
                return
            }
            counters.pointee.bytesRead += count
            let now = Posix.monotonicNanoseconds()
            if websocket {
                receivedWebSocket(index, count: count, now: now)
            } else {
                split(index, base: readBuffer.baseAddress!.assumingMemoryBound(to: UInt8.self), count: count, now: now)
            }
            if count < readBuffer.count { return }
        }
    }

    /// An event on a TLS client: the handshake, retried writes and reads, what has arrived.
    private func tlsEvent(_ index: Int, _ readiness: Epoll.Events) {
        if clients[index].phase == .tlsHandshake {
            continueHandshake(index)
            return
        }
        if readiness.contains(.writable) && (clients[index].waitingToWrite || clients[index].readWantsWrite) {
            let retryRead = clients[index].readWantsWrite
            clients[index].waitingToWrite = false
            clients[index].readWantsWrite = false
            try? epoll.modify(clients[index].fd, .readable)
            flush(index)
            if retryRead { readAvailableTLS(index) }
        }
        if !readiness.isDisjoint(with: [.readable, .hangup, .error]) {
            readAvailableTLS(index)
            if clients[index].writeWantsRead {
                clients[index].writeWantsRead = false
                flush(index)
            }
        }
    }

    /// Reads over TLS until OpenSSL wants the socket readable again: it keeps decrypted bytes
    /// the kernel no longer signals, so stopping early would wait for an event that never comes.
    private func readAvailableTLS(_ index: Int) {
        while clients[index].fd >= 0, let tls = tlsConnections[index] {
            switch tls.read(into: readBuffer) {
            case .bytes(let count):
                counters.pointee.bytesRead += count
                split(
                    index, base: readBuffer.baseAddress!.assumingMemoryBound(to: UInt8.self), count: count,
                    now: Posix.monotonicNanoseconds())
            case .wantRead:
                return
            case .wantWrite:
                clients[index].readWantsWrite = true
                try? epoll.modify(clients[index].fd, [.readable, .writable])
                return
            case .closed:
                closedByServer(index, nil)
                return
            case .failed(let error):
                closedByServer(index, error.description)
                return
            }
        }
    }

    private func closedByServer(_ index: Int, _ reason: String?) {
        switch clients[index].phase {
        case .ready:
            counters.pointee.closedByServer += 1
            errors.add("server closed a ready connection" + (reason.map { " (\($0))" } ?? ""))
            close(index, phase: .closed)
        case .connecting, .tlsHandshake, .upgrading, .registering, .joining:
            fail(index, "server closed the connection during the handshake" + (reason.map { " (\($0))" } ?? ""))
        case .unused, .closed:
            close(index, phase: .closed)
        }
    }

    /// Splits `count` fresh bytes at `base` (the read buffer) into lines for client `index`.
    @inline(__always)
    private func split(_ index: Int, base: UnsafePointer<UInt8>, count: Int, now: Int64) {
        var start = 0
        let slot = carry + index * carryCapacity
        if clients[index].carried > 0 {
            let held = Int(clients[index].carried)
            guard let newline = Memory.firstIndex(of: 10, in: base, count: count) else {
                if held + count <= carryCapacity {
                    (slot + held).update(from: base, count: count)
                    clients[index].carried += Int32(count)
                } else {
                    counters.pointee.overlongLines += 1
                    clients[index].carried = 0
                }
                return
            }
            if held + newline <= carryCapacity {
                (slot + held).update(from: base, count: newline)
                line(index, UnsafeBufferPointer(start: slot, count: held + newline), now: now)
            } else {
                counters.pointee.overlongLines += 1
            }
            clients[index].carried = 0
            start = newline + 1
        }
        while start < count {
            guard let offset = Memory.firstIndex(of: 10, in: base + start, count: count - start) else {
                let rest = count - start
                if rest <= carryCapacity {
                    slot.update(from: base + start, count: rest)
                    clients[index].carried = Int32(rest)
                } else {
                    counters.pointee.overlongLines += 1
                }
                return
            }
            line(index, UnsafeBufferPointer(start: base + start, count: offset), now: now)
            if clients[index].fd < 0 { return }
            start += offset + 1
        }
    }

    /// One complete line (without its LF) for client `index`.
    @inline(__always)
    private func line(_ index: Int, _ raw: UnsafeBufferPointer<UInt8>, now: Int64) {
        var length = raw.count
        if length > 0 && raw[length - 1] == 13 { length -= 1 }
        let line = UnsafeBufferPointer(rebasing: raw[0..<length])
        if clients[index].phase == .ready {
            if length >= payloadBytes && line[length - payloadBytes] == Payload.marker,
                let fields = Payload.read(line.baseAddress! + (length - payloadBytes))
            {
                delivery(index, fields, now: now)
                return
            }
            if LineShape.hasPrefix(line, LineShape.ping) {
                pong(index, line)
            } else if LineShape.hasPrefix(line, LineShape.error) {
                errors.add("server: " + String(decoding: line, as: UTF8.self))
            } else {
                counters.pointee.otherLines += 1
            }
            return
        }
        handshakeLine(index, line)
    }

    private func pong(_ index: Int, _ line: UnsafeBufferPointer<UInt8>) {
        counters.pointee.pings += 1
        sendDirect(index, Array("PONG ".utf8) + line[5...] + [13, 10])
    }

    private func handshakeLine(_ index: Int, _ line: UnsafeBufferPointer<UInt8>) {
        counters.pointee.otherLines += 1
        switch clients[index].phase {
        case .registering:
            if adapter.isWelcome(line) {
                if joinAfterWelcome {
                    clients[index].phase = .joining
                    if options.scenario == .joinstorm {
                        sendDirect(index, adapter.stormJoin(room: stormRoom(of: index)))
                    } else {
                        sendDirect(index, adapter.join)
                    }
                } else {
                    becameReady(index)
                }
                return
            }
        case .joining:
            // joinstorm: the first JOIN to its small room a client sees is its own (it joins that
            // room last); others' JOINs to the room of everyone come before it.
            if options.scenario == .joinstorm
                ? LineShape.commandIs(line, LineShape.joinVerb)
                    && LineShape.lastParameterIs(line, Array(stormRoom(of: index).utf8))
                : adapter.isJoinEcho(line)
            {
                becameReady(index)
                return
            }
        default:
            return
        }
        if LineShape.hasPrefix(line, LineShape.ping) {
            pong(index, line)
        } else if LineShape.hasPrefix(line, LineShape.error) || LineShape.commandIs(line, LineShape.nickInUse) {
            fail(index, "server: " + String(decoding: line, as: UTF8.self))
        }
    }

    /// A payload reached client `index`: check its order, count it, record its latency.
    @inline(__always)
    private func delivery(_ index: Int, _ fields: Payload.Fields, now: Int64) {
        let sender = fields.sender
        guard sender < senderCount else {
            counters.pointee.misdirected += 1
            return
        }
        if sender == index {
            counters.pointee.echoes += 1
            return
        }
        let slot: Int
        if slotsPerReceiver == 1 {
            guard sender == index ^ 1 else {
                counters.pointee.misdirected += 1
                return
            }
            slot = index
        } else {
            slot = index * slotsPerReceiver + sender
        }
        counters.pointee.received += 1
        let expected = nextSequence[slot]
        if fields.sequence < expected {
            counters.pointee.duplicated += 1
            return
        }
        if fields.sequence > expected { counters.pointee.gaps += 1 }
        nextSequence[slot] = fields.sequence &+ 1
        counters.pointee.unique += 1
        counters.pointee.lastDeliveryAt = now
        deliveredFrom[sender] += 1
        latency.pointee.record(now - fields.sentAt)
    }

    // MARK: Sending

    /// Sends what sender `index` has pending; arms EPOLLOUT when the socket is full.
    /// Returns true when nothing is left pending.
    @discardableResult
    func flush(_ index: Int) -> Bool {
        if tlsContext != nil { return flushTLS(index) }
        while clients[index].outEnd > clients[index].outStart {
            let start = Int(clients[index].outStart)
            let pending = Int(clients[index].outEnd) - start
            let bytes = UnsafeRawBufferPointer(start: output + index * outputCapacity + start, count: pending)
            let result: IOResult<Int>
            do {
                result = try Posix.send(clients[index].fd, bytes)
            } catch {
                closedByServer(index, error.description)
                return false
            }
            switch result {
            case .done(let count):
                clients[index].outStart += Int32(count)
            case .wouldBlock:
                if !clients[index].waitingToWrite {
                    clients[index].waitingToWrite = true
                    try? epoll.modify(clients[index].fd, [.readable, .writable])
                }
                return false
            }
        }
        clients[index].outStart = 0
        clients[index].outEnd = 0
        return true
    }

    /// `flush` over TLS. After `.wantWrite` or `.wantRead` the bytes from `outStart` stay put,
    /// and only grow at the end, so the retry starts with the same bytes and is no shorter.
    private func flushTLS(_ index: Int) -> Bool {
        guard let tls = tlsConnections[index] else { return false }
        while clients[index].outEnd > clients[index].outStart {
            let start = Int(clients[index].outStart)
            let pending = Int(clients[index].outEnd) - start
            let bytes = UnsafeRawBufferPointer(start: output + index * outputCapacity + start, count: pending)
            switch tls.write(bytes) {
            case .wrote(let count):
                clients[index].outStart += Int32(count)
            case .wantWrite:
                if !clients[index].waitingToWrite {
                    clients[index].waitingToWrite = true
                    try? epoll.modify(clients[index].fd, [.readable, .writable])
                }
                return false
            case .wantRead:
                clients[index].writeWantsRead = true
                return false
            case .closed:
                closedByServer(index, nil)
                return false
            case .failed(let error):
                closedByServer(index, error.description)
                return false
            }
        }
        clients[index].outStart = 0
        clients[index].outEnd = 0
        return true
    }

    /// Appends `count` messages of sender `index` to its output (stamped `now`) and sends.
    func send(_ index: Int, count: Int, now: Int64) {
        let prefix = linePrefixes[index]
        let lineBytes = prefix.count + payloadBytes + terminator.count
        var end = Int(clients[index].outEnd)
        let base = output + index * outputCapacity
        var sequence = Int(clients[index].sent)
        for _ in 0..<count {
            guard end + lineBytes <= outputCapacity else { break }
            prefix.withUnsafeBufferPointer { (base + end).update(from: $0.baseAddress!, count: $0.count) }
            end += prefix.count
            Payload.write(
                Payload.Fields(sender: index, sequence: UInt32(sequence), sentAt: now), size: payloadBytes,
                to: base + end)
            end += payloadBytes
            terminator.withUnsafeBufferPointer { (base + end).update(from: $0.baseAddress!, count: $0.count) }
            end += terminator.count
            sequence += 1
        }
        clients[index].sent = Int32(sequence)
        clients[index].outEnd = Int32(end)
        flush(index)
    }

    /// How many more lines fit in sender `index`'s output right now.
    func room(_ index: Int) -> Int {
        let lineBytes = linePrefixes[index].count + payloadBytes + terminator.count
        return (outputCapacity - Int(clients[index].outEnd)) / lineBytes
    }
}

// MARK: WebSocket

extension LoadGenerator {
    /// Lines (CRLF-terminated) as masked binary messages, one per line. The mask key is zero:
    /// RFC 6455 asks for a key, not a random one from a client that is not a browser, and a
    /// zero key leaves the payload as it is, so the hot path copies lines unchanged.
    static func webSocketMessages(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        for line in bytes.split(separator: 10) {
            let text = line.last == 13 ? line.dropLast() : line[...]
            WebSocketFrameEncoder.append(.binary, text, to: &out, mask: (0, 0, 0, 0))
        }
        return out
    }

    /// A traffic line's prefix with the message header in front (the length is the prefix's
    /// and the payload's: every message of a sender has the same size).
    func webSocketPrefix(_ prefix: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        WebSocketFrameEncoder.appendHeader(.binary, length: prefix.count + payloadBytes, to: &out, mask: (0, 0, 0, 0))
        return out + prefix
    }

    /// `count` bytes just read for client `index` over WebSocket: the 101 first, then frames,
    /// whose payloads go through `split` as lines (a message's end is a line's end).
    func receivedWebSocket(_ index: Int, count: Int, now: Int64) {
        let base = UnsafePointer(readBuffer.baseAddress!.assumingMemoryBound(to: UInt8.self))
        var r = 0
        if clients[index].phase == .upgrading {
            let bytes = UnsafeBufferPointer(start: base, count: count)
            guard let end = (0..<max(0, count - 3)).first(where: {
                bytes[$0] == 13 && bytes[$0 + 1] == 10 && bytes[$0 + 2] == 13 && bytes[$0 + 3] == 10
            }) else {
                fail(index, "the WebSocket upgrade response did not come in one read")
                return
            }
            let head = String(decoding: bytes[..<end], as: UTF8.self)
            guard head.hasPrefix("HTTP/1.1 101") else {
                fail(index, "server: " + (head.split(separator: "\r\n").first.map(String.init) ?? head))
                return
            }
            r = end + 4
            register(index)
        }
        var lf: UInt8 = 10
        let slot = wsHeaders + index * Self.wsHeaderSlot
        while r < count && clients[index].fd >= 0 {
            if clients[index].wsRemaining > 0 {
                let n = min(Int(clients[index].wsRemaining), count - r)
                if !clients[index].wsDiscard { split(index, base: base + r, count: n, now: now) }
                r += n
                clients[index].wsRemaining -= Int32(n)
                if clients[index].wsRemaining == 0 && !clients[index].wsDiscard {
                    split(index, base: &lf, count: 1, now: now)
                }
                continue
            }
            // A header: 2 bytes, then 2 or 8 of length (the server does not mask).
            slot[Int(clients[index].wsHeaderCount)] = base[r]
            clients[index].wsHeaderCount += 1
            r += 1
            let held = Int(clients[index].wsHeaderCount)
            guard held >= 2 else { continue }
            let length7 = Int(slot[1] & 0x7F)
            let needed = 2 + (length7 == 126 ? 2 : length7 == 127 ? 8 : 0)
            guard held == needed else { continue }
            var length = length7
            if length7 == 126 { length = Int(slot[2]) << 8 | Int(slot[3]) }
            if length7 == 127 { length = (2..<10).reduce(0) { $0 << 8 | Int(slot[$1]) } }
            clients[index].wsHeaderCount = 0
            let opcode = slot[0] & 0x0F
            clients[index].wsDiscard = opcode != 1 && opcode != 2
            if opcode == 8 { counters.pointee.otherLines += 1 }
            clients[index].wsRemaining = Int32(length)
            if length == 0 && !clients[index].wsDiscard { split(index, base: &lf, count: 1, now: now) }
        }
    }
}

/// A run that could not start (bad address, no epoll, too few descriptors).
public struct BenchFailure: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Distinct error messages with counts, in the order first seen.
final class ErrorLog {
    private(set) var order: [String] = []
    private(set) var counts: [String: Int] = [:]
    private(set) var total = 0

    func add(_ message: String) {
        total += 1
        if let count = counts[message] {
            counts[message] = count + 1
        } else {
            counts[message] = 1
            order.append(message)
        }
    }

    /// "message (xN)" for the first `limit` distinct messages.
    func summary(limit: Int = 5) -> [String] {
        order.prefix(limit).map { message in
            let count = counts[message] ?? 0
            return count > 1 ? "\(message) (x\(count))" : message
        }
    }
}
