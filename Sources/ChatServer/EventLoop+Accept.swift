import ChatCore
import Platform
import TLS

/// Accepting connections and deciding whether they may stay.
extension EventLoop {
    /// What a listening socket serves.
    enum ListenerKind {
        case plain
        case tls
        /// HTTP with these routes.
        case http(WebRoutes)
    }

    /// Accepts from one listening socket.
    func acceptConnections(from listener: Int32, as kind: ListenerKind) {
        for _ in 0..<64 {
            let accepted: (Int32, SocketAddress)
            do {
                switch try Posix.accept(listener) {
                case .wouldBlock: return
                case .done(let result): accepted = result
                }
            } catch {
                if error.isOutOfDescriptors {
                    state.logger.warning("accept: out of file descriptors; pausing accepts for 100 ms")
                    for listener in state.listeners { epoll.remove(listener) }
                    listenerResumesAt = context.now + 100_000_000
                } else {
                    state.logger.warning("accept failed: \(error)")
                }
                return
            }
            adopt(fd: accepted.0, address: accepted.1, kind: kind)
        }
    }

    private func adopt(fd: Int32, address: SocketAddress, kind: ListenerKind) {
        let secure: Bool
        var routes: WebRoutes?
        switch kind {
        case .plain: secure = false
        case .tls: secure = true
        case .http(let served):
            secure = false
            routes = served
        }
        let refusal: String?
        if shutdownDeadline != nil {
            refusal = "Server shutting down"
        } else {
            refusal = state.admission.admit(host: address.host)?.description
            if refusal == nil { statistics.connectionsAccepted += 1 } else { statistics.connectionsRefused += 1 }
        }
        if secure, let refusal {
            // No TLS session yet, so no way to say why: closed before any handshake work, so
            // that a flood of TLS connections past the limits costs an accept and a close.
            state.logger.info("refused \(address) (TLS): \(refusal)")
            Posix.close(fd)
            return
        }
        try? Posix.setNoDelay(fd)
        try? Posix.enableKeepalive(
            fd, idle: configuration.keepaliveIdleSeconds, interval: ServerConfiguration.keepaliveIntervalSeconds,
            count: ServerConfiguration.keepaliveProbes)
        try? Posix.setUserTimeout(fd, milliseconds: configuration.userTimeoutMilliseconds)
        let id = ConnectionID(loop: handle.index, descriptor: fd, serial: state.makeSerial(), node: state.nodeIndex)
        let flood = FloodControl(limits: floodLimits, now: context.now)
        let connection = Connection(
            fd: fd, id: id, address: address, now: context.now, maxLineBytes: configuration.maxLineBytes,
            flood: flood, holdsSlot: refusal == nil && shutdownDeadline == nil)
        if Int(fd) >= connections.count {
            connections.append(contentsOf: repeatElement(nil, count: Int(fd) + 1 - connections.count + 256))
        }
        connections[Int(fd)] = connection
        liveCount += 1
        refreshGauge(connection)
        do {
            try epoll.add(fd, .readable)
            connection.interest = .readable
        } catch {
            state.logger.error("epoll_ctl for \(address) failed: \(error)")
            requestClose(connection, .abandon)
            return
        }
        if let routes {
            // HTTP: nothing is sent before the request; a refusal is a 503 (see sendLastLine).
            connection.web = WebConnection(routes: routes, maxMessageBytes: configuration.maxLineBytes)
            refreshGauge(connection)  // its kind is now HTTP
        }
        if let refusal {
            state.logger.info("refused \(address)\(routes == nil ? "" : " (HTTP)"): \(refusal)")
            requestClose(connection, .error(refusal, quitReason: refusal), reason: .refused)
            return
        }
        if connection.web != nil {
            state.logger.log(.debug, "connected \(address) (HTTP)")
            requestDeadlines.append(connection, now: context.now)
            return
        }
        if secure {
            guard let tlsContext = state.tlsContext?.withLock({ $0 }) else {
                requestClose(connection, .abandon)
                return
            }
            do {
                connection.tls = try tlsContext.makeConnection(socket: fd)
                refreshGauge(connection)  // its kind is now TLS
            } catch {
                state.logger.error("TLS for \(address) failed: \(error)")
                requestClose(connection, .abandon)
                return
            }
            connection.tlsHandshaking = true
            connection.session.isSecure = true
            state.logger.info("connected \(address) (TLS)")
        } else {
            state.logger.info("connected \(address)")
        }
        startChat(connection)
        // The ClientHello is usually in already: answer it now rather than after a wakeup.
        if let tls = connection.tls { advanceHandshake(connection, tls) }
    }

    /// A connection becomes a chat client (at accept, or once a WebSocket is open): the
    /// welcome notice is due and the registration clock starts.
    func startChat(_ connection: Connection) {
        if configuration.greetingDelayMilliseconds > 0 {
            connection.greetingPending = true
            pendingGreetings.append(
                (connection, context.now + Int64(configuration.greetingDelayMilliseconds) * 1_000_000))
        } else {
            greeting.withUnsafeBytes { enqueue($0, to: connection) }
        }
        // The handshake counts against the registration timeout like any unregistered time.
        registrationDeadlines.append(connection, now: context.now)
    }
}
