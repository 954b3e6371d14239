import ChatCore
import Cluster
import LineProtocol
import Platform
import WebProtocol

/// Why a connection is being closed, and so what it and the others are told.
enum CloseCause {
    /// The client gets `ERROR :<error>` (after the whole lines already queued); the others
    /// see `QUIT :<quitReason>` if it was registered.
    case error(String, quitReason: String)
    /// The client's queue is full: the lines the socket has not started on are dropped, the
    /// line it is partway through is finished, then `ERROR :SendQ exceeded`.
    case sendQueueExceeded
    /// The peer is gone (EOF, reset, write error): no last line; the others see the QUIT.
    case gone(quitReason: String)
    /// Stop a lingering connection (its last line was already queued): just close it.
    case abandon
}

/// Closing: requested anywhere, carried out only at the loop's safe point.
extension EventLoop {
    /// Asks for a connection to be closed at the next safe point, never in the middle of a
    /// fan-out. Does nothing if a close was already requested or done. The first request for
    /// an open connection is counted in `linechat_disconnects_total` (at the safe point) under
    /// `reason`, by default the cause's: sendq, else error. Always inlined: `enqueue`'s slow path
    /// calls it, and as a call it cost the fan-out's loop a register (Benchmarks/README.md, Metrics).
    @inline(__always)
    func requestClose(_ connection: Connection, _ cause: CloseCause, reason: DisconnectReason? = nil) {
        let lingering = connection.isLingering
        guard connection.requestClose() else { return }
        if !lingering { connection.disconnectReason = reason ?? cause.defaultDisconnectReason }
        closeRequests.append((connection, lingering ? .abandon : cause))
    }

    /// The safe point: carries out every requested close (and the closes those cause).
    func processCloseRequests() {
        while !closeRequests.isEmpty {
            let requests = closeRequests
            closeRequests.removeAll()
            for (connection, cause) in requests { close(connection, cause) }
        }
    }

    private func close(_ connection: Connection, _ cause: CloseCause) {
        countClose(connection)
        var cause = cause
        if connection.tlsHandshaking {
            // No TLS session to send a last line in: just close.
            switch cause {
            case .error(_, let reason): cause = .gone(quitReason: reason)
            case .sendQueueExceeded: cause = .gone(quitReason: "SendQ exceeded")
            case .gone, .abandon: break
            }
        }
        let quitReason: String
        switch cause {
        case .abandon:
            finalClose(connection)
            return
        case .error(_, let reason), .gone(let reason): quitReason = reason
        case .sendQueueExceeded: quitReason = "SendQ exceeded"
        }
        let name = connection.logName
        removeRegistered(connection)
        removeFromAllRooms(connection)
        registrationDeadlines.remove(connection)
        requestDeadlines.remove(connection)
        connection.flood.held.removeAll()
        connection.session.disconnect(reason: quitReason, context, &effects)
        // A peer that is gone is closed (its slot released) before the others hear its QUIT,
        // so that whoever sees the QUIT finds the slot free.
        if case .gone = cause { finalClose(connection) }
        if shutdownDeadline != nil {
            // Everyone here is being told the server is going: no QUIT notices for them. The
            // users of other cluster nodes do get them.
            if let cluster = state.cluster {
                for outbound in effects.outbound { forward(outbound, to: cluster) }
            }
            effects.removeAll()
        } else if !effects.isEmpty {
            perform(for: connection)
        }
        if connection.web?.phase != .responding { state.logger.info("disconnected \(name) (\(quitReason))") }
        switch cause {
        case .error(let error, _): sendLastLine(connection, error: error)
        case .sendQueueExceeded:
            discardOutput(of: connection, keepingPartialLine: true)
            sendLastLine(connection, error: "SendQ exceeded")
        case .gone, .abandon: break
        }
    }

    /// Queues `ERROR :<error>` as the last line; once it is out, the write side is shut and
    /// input drained until EOF (so unread input does not turn our close into a reset that
    /// loses the line).
    private func sendLastLine(_ connection: Connection, error: String) {
        connection.beginLastLine()
        if let web = connection.web {
            switch web.phase {
            case .request:
                // Refused at accept, or shutting down: the request gets a 503.
                web.phase = .responding
                web.wire += HTTPResponse.text(.serviceUnavailable, "503 Service Unavailable: \(error)").serialized()
            case .responding:
                break
            case .websocket:
                if web.sendsErrorLine {
                    var line: [UInt8] = []
                    ServerLine.appendError(to: &line, error)
                    line.withUnsafeBytes { enqueueLastLine($0, to: connection) }
                    if shutdownDeadline != nil { web.closeCode = .goingAway }
                }
            }
            markDirty(connection)
            lastLineDeadlines.append(connection, now: context.now)
            return
        }
        var line: [UInt8] = []
        ServerLine.appendError(to: &line, error)
        line.withUnsafeBytes { enqueueLastLine($0, to: connection) }
        lastLineDeadlines.append(connection, now: context.now)
    }

    /// Called by `flush` when the last line is out: shut the write side and wait for EOF.
    func lastLineSent(_ connection: Connection) {
        connection.lastLineSent()
        lastLineDeadlines.remove(connection)
        // TLS says it is done (close_notify) before TCP does.
        connection.tls?.shutdown()
        Posix.shutdownWrite(connection.fd)
        lingerDeadlines.append(connection, now: context.now)
    }

    /// Reads and discards input from a lingering connection until EOF.
    func drainClosing(_ connection: Connection) {
        if let tls = connection.tls, connection.lifecycle == .flushingLastLine {
            drainClosingTLS(connection, tls)
            return
        }
        while true {
            do {
                switch try Posix.read(connection.fd, readBuffer) {
                case .wouldBlock: return
                case .done(0):
                    requestClose(connection, .abandon)
                    return
                case .done: continue
                }
            } catch {
                requestClose(connection, .abandon)
                return
            }
        }
    }

    /// Closes the descriptor and releases everything the connection held, its slot of
    /// --max-clients and --max-per-ip included. Runs once per connection, at the safe point
    /// (or when the loop stops).
    func finalClose(_ connection: Connection) {
        guard connection.markClosed() else { return }
        refreshGauge(connection)
        if connection.holdsSlot { state.admission.release(host: connection.host) }
        removeRegistered(connection)
        removeFromAllRooms(connection)
        switch connection.timer.kind {
        case .registration?: registrationDeadlines.remove(connection)
        case .lastLine?: lastLineDeadlines.remove(connection)
        case .linger?: lingerDeadlines.remove(connection)
        case .request?: requestDeadlines.remove(connection)
        case nil: break
        }
        discardOutput(of: connection)
        connection.flood.held.removeAll()
        epoll.remove(connection.fd)
        // OpenSSL's connection goes first: it uses the descriptor until it is freed.
        connection.tls = nil
        Posix.close(connection.fd)
        connections[Int(connection.fd)] = nil
        liveCount -= 1
    }

    func beginShutdown() {
        guard shutdownDeadline == nil else { return }
        // The listener stays: a connection that arrives while the loop drains is accepted and
        // told `ERROR :Server shutting down` (see adopt) instead of being reset at exit.
        shutdownDeadline = context.now + Self.lingerNanoseconds
        for case let connection? in connections where connection.isOpen {
            requestClose(
                connection, .error("Server shutting down", quitReason: "Server shutting down"), reason: .shutdown)
        }
    }
}
