import ChatCore
import Platform
import TLS

/// TLS connections: the handshake, reading and writing through OpenSSL. The output queue stays
/// plain text (the fan-out is the same for every connection); `flushTLS` hands OpenSSL the
/// whole pending queue, which it cuts into records of up to 16 KiB.
///
/// Which readiness a TLS connection waits for is not only "readable, and writable while
/// output is queued": the handshake waits for either, a read can need the socket writable
/// and a write readable (`tlsInterest`).
extension EventLoop {
    /// Reads of one connection per wakeup before the others get their turn; the rest waits in
    /// `tlsReadsDue` (OpenSSL may hold it, so the kernel would not signal it).
    static let tlsReadsPerWakeup = 16

    // MARK: Handshake

    /// Takes the handshake as far as the socket allows. On success the queued output (the
    /// greeting) goes out and any input that came with the client's last handshake message is
    /// read. Never handles lines itself, so it may run from `flush`.
    func advanceHandshake(_ connection: Connection, _ tls: TLSConnection) {
        switch tls.handshake() {
        case .done:
            connection.tlsHandshaking = false
            statistics.tlsHandshakes += 1
            state.logger.log(
                .debug,
                "TLS handshake with \(connection.session.address): \(tls.protocolVersion ?? "?"), \(tls.cipher ?? "?")")
            scheduleTLSRead(connection)
            if !connection.output.isEmpty { markDirty(connection) }
            updateInterest(connection)
        case .wantRead:
            connection.tlsHandshakeWantsWrite = false
            updateInterest(connection)
        case .wantWrite:
            connection.tlsHandshakeWantsWrite = true
            updateInterest(connection)
        case .closed:
            tlsHandshakeFailed(connection, reason: "the client closed the connection")
        case .failed(let error):
            tlsHandshakeFailed(connection, reason: Self.reason(error))
        }
    }

    /// Logs and counts a handshake that did not finish, and closes the connection (no ERROR
    /// line: there is no TLS session to send it in).
    func tlsHandshakeFailed(_ connection: Connection, reason: String) {
        statistics.tlsHandshakeFailures += 1
        state.logger.info("TLS handshake with \(connection.session.address) failed: \(reason)")
        requestClose(connection, .gone(quitReason: "TLS handshake failed"))
    }

    /// OpenSSL's reason, without the words the log line already has.
    static func reason(_ error: TLSError) -> String {
        switch error {
        case .handshakeFailed(let reason), .protocolViolation(let reason): reason
        case .io(let error): error.isConnectionReset ? "connection reset by peer" : error.description
        default: error.description
        }
    }

    // MARK: Reading

    /// A readiness event for an open TLS connection.
    func readableTLS(_ connection: Connection, _ tls: TLSConnection, _ readiness: Epoll.Events) {
        if connection.tlsHandshaking {
            advanceHandshake(connection, tls)
            return
        }
        if connection.tlsWriteWantsRead {
            connection.tlsWriteWantsRead = false
            flush(connection)
            guard connection.isOpen else { return }
        }
        // A throttled connection is not read (TCP backpressure) unless the peer hung up or failed.
        if connection.flood.isThrottled && readiness.isDisjoint(with: [.hangup, .error]) { return }
        readTLS(connection, tls)
    }

    /// Reads and handles decrypted input until OpenSSL wants more from the socket, the
    /// connection is throttled or closing, or this wakeup's share is used (then it is due again).
    func readTLS(_ connection: Connection, _ tls: TLSConnection) {
        for _ in 0..<Self.tlsReadsPerWakeup {
            guard connection.isOpen, !connection.flood.isThrottled else { return }
            switch tls.read(into: readBuffer) {
            case .bytes(let count):
                received(count, from: connection)
            case .wantRead:
                return
            case .wantWrite:
                connection.tlsReadWantsWrite = true
                updateInterest(connection)
                return
            case .closed:
                requestClose(connection, .gone(quitReason: "Connection closed"), reason: .closed)
                return
            case .failed(let error):
                requestClose(connection, .gone(quitReason: Self.quitReason(error)))
                return
            }
        }
        scheduleTLSRead(connection)
    }

    /// Reads `connection` again at the end of this wakeup, without waiting for epoll.
    func scheduleTLSRead(_ connection: Connection) {
        guard !connection.tlsReadDue else { return }
        connection.tlsReadDue = true
        tlsReadsDue.append(connection)
    }

    /// Reads the connections listed as due (at the loop's top level: lines are handled).
    func readDueTLSConnections() {
        let due = tlsReadsDue
        tlsReadsDue.removeAll(keepingCapacity: true)
        for connection in due {
            connection.tlsReadDue = false
            guard connection.isOpen, !connection.tlsHandshaking, !connection.tlsReadWantsWrite,
                let tls = connection.tls
            else { continue }
            readTLS(connection, tls)
            processCloseRequests()
        }
    }

    private static func quitReason(_ error: TLSError) -> String {
        if case .io(let error) = error {
            return error.isConnectionReset ? "Connection reset by peer" : "Read error: \(error.reason)"
        }
        return "TLS error: \(reason(error))"
    }

    // MARK: Writing

    /// `flush` for a TLS connection: hands OpenSSL the pending output. Never handles input.
    func flushTLS(_ connection: Connection, _ tls: TLSConnection) {
        if connection.tlsHandshaking {
            // The greeting waits for the handshake; a writable socket may be what it waits for.
            if connection.tlsHandshakeWantsWrite { advanceHandshake(connection, tls) }
            return
        }
        if connection.tlsReadWantsWrite {
            // The read that waited for a writable socket is retried at the loop's top level.
            connection.tlsReadWantsWrite = false
            scheduleTLSRead(connection)
        }
        if connection.tlsWriteWantsRead {
            updateInterest(connection)
            return
        }
        while !connection.output.isEmpty {
            let pending = connection.output.pending
            switch tls.write(pending) {
            case .wrote(let n):
                connection.tlsPendingWriteLength = 0
                connection.output.consume(n)
                queuedOutputBytes -= n
                connection.bytesOut += n
                statistics.bytesOut += n
                bytesSentSinceTrim += n
            case .wantWrite:
                connection.tlsPendingWriteLength = pending.count
                updateInterest(connection)
                return
            case .wantRead:
                connection.tlsPendingWriteLength = pending.count
                connection.tlsWriteWantsRead = true
                updateInterest(connection)
                return
            case .closed:
                discardOutput(of: connection)
                requestClose(connection, .gone(quitReason: "Connection closed"), reason: .closed)
                return
            case .failed(let error):
                discardOutput(of: connection)
                let reason =
                    if case .io(let error) = error, !error.isConnectionReset {
                        "Write error: \(error.reason)"
                    } else {
                        Self.quitReason(error)
                    }
                requestClose(connection, .gone(quitReason: reason))
                return
            }
        }
        keepDrainedOutput(connection)
        if connection.lifecycle == .flushingLastLine { lastLineSent(connection) }
        updateInterest(connection)
    }

    /// The epoll interest of a TLS connection, from what its lifecycle reads (`readable`):
    /// the handshake waits for one direction only, a write that waits for input needs the
    /// socket readable rather than writable, and a read that waits for output needs it writable.
    func tlsInterest(_ connection: Connection, reading readable: Epoll.Events) -> Epoll.Events {
        if connection.tlsHandshaking { return connection.tlsHandshakeWantsWrite ? .writable : .readable }
        var wanted = readable
        if connection.tlsWriteWantsRead {
            wanted.insert(.readable)
        } else if !connection.output.isEmpty {
            wanted.insert(.writable)
        }
        if connection.tlsReadWantsWrite { wanted.insert(.writable) }
        return wanted
    }

    // MARK: Closing

    /// Reads and discards input from a TLS connection sending its last line: through OpenSSL,
    /// since a write may be waiting for something to be read. Once the close_notify is sent
    /// (awaitingEOF) the raw bytes are drained instead, as for plain connections.
    func drainClosingTLS(_ connection: Connection, _ tls: TLSConnection) {
        while true {
            switch tls.read(into: readBuffer) {
            case .bytes: continue
            case .wantRead, .wantWrite: break
            case .closed, .failed:
                requestClose(connection, .abandon)
                return
            }
            break
        }
        if connection.tlsWriteWantsRead {
            connection.tlsWriteWantsRead = false
            flush(connection)
        }
    }
}
