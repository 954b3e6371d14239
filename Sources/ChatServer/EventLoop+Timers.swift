import ChatCore

/// Deadlines: registration, a last line that is not being read, the linger after it, the
/// paused listener and throttled connections' tokens.
extension EventLoop {
    func runTimers() {
        let now = context.now
        while let connection = registrationDeadlines.popExpired(now: now) {
            if connection.isOpen && connection.tlsHandshaking {
                tlsHandshakeFailed(connection, reason: "not completed within the registration timeout")
            } else if connection.isOpen && !connection.session.isRegistered {
                requestClose(
                    connection, .error("Registration timeout", quitReason: "Registration timeout"), reason: .timeout)
            }
        }
        while let connection = lastLineDeadlines.popExpired(now: now) {
            state.logger.info("closing \(connection.logName): its last line was not read in time")
            requestClose(connection, .abandon)
        }
        while let connection = lingerDeadlines.popExpired(now: now) {
            requestClose(connection, .abandon)
        }
        while let connection = requestDeadlines.popExpired(now: now) {
            if connection.isOpen, let web = connection.web, web.phase == .request {
                respond(connection, web, .text(.requestTimeout), headOnly: false, log: "request head not complete in time")
            }
        }
        while pendingGreetingsHead < pendingGreetings.count, pendingGreetings[pendingGreetingsHead].due <= now {
            let connection = pendingGreetings[pendingGreetingsHead].connection
            pendingGreetingsHead += 1
            if connection.greetingPending && connection.isOpen {
                connection.greetingPending = false
                greeting.withUnsafeBytes { enqueue($0, to: connection) }
            }
        }
        if pendingGreetingsHead == pendingGreetings.count {
            pendingGreetings.removeAll(keepingCapacity: pendingGreetings.count < 1024)
            pendingGreetingsHead = 0
        }
        if let resume = listenerResumesAt, now >= resume {
            listenerResumesAt = nil
            for listener in state.listeners {
                try? epoll.add(listener, [.readable, .exclusive])
            }
        }
        refillThrottled()
    }
}
