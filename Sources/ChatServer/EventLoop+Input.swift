import ChatCore
import LineProtocol
import Platform

/// Reading, framing, flood control and handing lines to the chat logic.
extension EventLoop {
    func readable(_ connection: Connection, _ readiness: Epoll.Events) {
        if connection.isLingering {
            drainClosing(connection)
            return
        }
        guard connection.isOpen else { return }
        if let tls = connection.tls {
            readableTLS(connection, tls, readiness)
            return
        }
        if let web = connection.web {
            readableWeb(connection, web, readiness)
            return
        }
        // A throttled connection is not read (TCP backpressure) unless the peer hung up or failed.
        if connection.flood.isThrottled && readiness.isDisjoint(with: [.hangup, .error]) { return }
        let count: Int
        do {
            switch try Posix.read(connection.fd, readBuffer) {
            case .wouldBlock: return
            case .done(let n): count = n
            }
        } catch {
            requestClose(
                connection,
                .gone(quitReason: error.isConnectionReset ? "Connection reset by peer" : "Read error: \(error.reason)"),
                reason: error.isTimedOut ? .timeout : .error)
            return
        }
        guard count > 0 else {
            requestClose(connection, .gone(quitReason: "Connection closed"), reason: .closed)
            return
        }
        received(count, from: connection)
    }

    /// Frames and handles `count` bytes just read into `readBuffer` (from the socket, or
    /// decrypted by TLS), with flood control.
    @inline(__always)
    func received(_ count: Int, from connection: Connection) {
        connection.bytesIn += count
        statistics.bytesIn += count
        let discardedBefore = connection.framer.discardedByteCount
        connection.framer.feed(UnsafeMutableRawBufferPointer(rebasing: readBuffer[..<count])) { event in
            takeLine(event, from: connection)
        }
        // A message-tags client's lines may carry tags beyond --max-line-bytes (set here, not
        // while the framer is feeding).
        let lineLimit =
            configuration.maxLineBytes + (connection.capabilities.contains(.messageTags) ? Limits.tagAllowanceBytes : 0)
        if connection.framer.maxLineBytes != lineLimit { connection.framer.maxLineBytes = lineLimit }
        let discarded = connection.framer.discardedByteCount - discardedBefore
        if discarded > 0 && !chargeDiscardedInput(connection, bytes: discarded) { return }
        if connection.flood.isThrottled { checkBacklog(connection) }
    }

    /// Charges the bytes of overlong lines (or WebSocket messages) that were read and thrown
    /// away to flood control. The socket stays readable while a line is being discarded
    /// (nothing is held), so an endless line is read until the garbage owed passes
    /// --flood-backlog-bytes: then it is a flood, and false is returned (the close is asked).
    func chargeDiscardedInput(_ connection: Connection, bytes discarded: Int) -> Bool {
        guard connection.isOpen else { return true }
        connection.flood.chargeDiscarded(bytes: discarded, now: context.now)
        statistics.bytesDiscarded += discarded
        guard connection.flood.tokens * Double(configuration.maxLineBytes) < -Double(configuration.floodBacklogBytes)
        else { return true }
        statistics.floodDisconnects += 1
        requestClose(connection, .error("Excess flood", quitReason: "Excess flood"), reason: .flood)
        return false
    }

    /// A line (from the framer, or a WebSocket message) through flood control: handled now,
    /// or held until the connection has tokens again.
    @inline(__always)
    func takeLine(_ event: LineFramer.Event, from connection: Connection) {
        guard connection.isOpen else { return }
        if connection.flood.isThrottled || !connection.flood.take(now: context.now) {
            connection.flood.held.append(event)
            throttle(connection)
        } else {
            handle(event, from: connection)
        }
    }

    /// Runs one line (or an overlong-line report) through the chat logic and carries out what
    /// it asks for.
    func handle(_ event: LineFramer.Event, from connection: Connection) {
        if connection.greetingPending {
            // The first line decides: an IRC client opens with CAP or USER and needs no
            // instructions for nc users; anyone else gets the notice before the reply.
            connection.greetingPending = false
            var opensLikeIRCClient = false
            if case .line(let bytes) = event, let verb = LineParser.verb(of: bytes) {
                opensLikeIRCClient = verb == .cap || verb == .user
            }
            if !opensLikeIRCClient { greeting.withUnsafeBytes { enqueue($0, to: connection) } }
        }
        connection.linesIn += 1
        connection.lastLineAt = context.now
        statistics.linesIn += 1
        let wasRegistered = connection.session.isRegistered
        switch event {
        case .line(let bytes): connection.session.handle(line: bytes, context, &effects)
        case .overlong: connection.session.handleOverlong(context, &effects)
        }
        connection.capabilities = connection.session.capabilities
        // `session.lineForm`, from the stored properties it is made of: calling the getter of a
        // session held in a class copied the whole session.
        connection.lineForm = connection.capabilities.lineForm(isIRCClient: connection.session.isIRCClient)
        if connection.session.isRegistered != wasRegistered {
            if wasRegistered {
                removeRegistered(connection)
            } else {
                addRegistered(connection)
                registrationDeadlines.remove(connection)
            }
        }
        if effects.reply.count >= FloodControl.replyBytesPerToken {
            connection.flood.chargeReply(bytes: effects.reply.count, now: context.now)
            throttleIfSpent(connection)
        }
        if !effects.isEmpty { perform(for: connection) }
    }

    /// Held lines of a `HeldLines` queue as a framer event.
    private func handleHeld(_ line: HeldLines.Line, from connection: Connection) {
        switch line {
        case .line(let bytes): bytes.withUnsafeBytes { handle(LineFramer.Event.line($0), from: connection) }
        case .overlong: handle(LineFramer.Event.overlong, from: connection)
        }
    }

    // MARK: Flood control

    /// Stops reading a connection that ran out of tokens until the timer refills it.
    private func throttle(_ connection: Connection) {
        guard !connection.flood.isThrottled else { return }
        connection.flood.throttle()
        statistics.throttleEvents += 1
        throttled.append(connection)
        updateInterest(connection)
    }

    /// Throttles a connection whose charges (discarded input, a large reply) overdrew its
    /// bucket: nothing more is read from it until its tokens come back.
    private func throttleIfSpent(_ connection: Connection) {
        if connection.isOpen && connection.flood.nanosecondsUntilToken(now: context.now) > 0 { throttle(connection) }
    }

    /// Disconnects a throttled client whose backlog (held lines plus unread bytes in the
    /// socket) passed --flood-backlog-bytes.
    func checkBacklog(_ connection: Connection) {
        guard connection.isOpen else { return }
        let unread = (try? Posix.bytesReadable(connection.fd)) ?? 0
        if connection.flood.held.byteCount + unread > configuration.floodBacklogBytes {
            statistics.floodDisconnects += 1
            requestClose(connection, .error("Excess flood", quitReason: "Excess flood"), reason: .flood)
        }
    }

    /// Runs the held lines of throttled connections as their tokens come back, and reads them
    /// again once nothing is held.
    func refillThrottled() {
        guard !throttled.isEmpty else { return }
        let waiting = throttled
        throttled.removeAll(keepingCapacity: true)
        for connection in waiting {
            guard connection.isOpen else { continue }
            connection.flood.release()
            while connection.isOpen, !connection.flood.held.isEmpty {
                guard connection.flood.take(now: context.now) else {
                    throttle(connection)
                    break
                }
                if let line = connection.flood.held.popFirst() { handleHeld(line, from: connection) }
            }
            guard connection.isOpen else { continue }
            // Tokens may still be short after charges: keep waiting before reading again.
            throttleIfSpent(connection)
            if connection.flood.isThrottled {
                checkBacklog(connection)
            } else {
                connection.flood.held.removeAll()
                updateInterest(connection)
                // Input OpenSSL decrypted and kept while the connection was throttled does
                // not make the socket readable again.
                if connection.tls != nil { scheduleTLSRead(connection) }
            }
        }
    }
}
