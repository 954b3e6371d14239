import ChatCore

/// Deadlines: registration, a last line that is not being read, the linger after it, the
/// paused listener and throttled connections' tokens.
extension EventLoop {
    func runTimers() {
        let now = context.now
        while let connection = registrationDeadlines.popExpired(now: now) {
            if connection.isOpen && !connection.session.isRegistered {
                requestClose(connection, .error("Registration timeout", quitReason: "Registration timeout"))
            }
        }
        while let connection = lastLineDeadlines.popExpired(now: now) {
            state.logger.info("closing \(connection.logName): its last line was not read in time")
            requestClose(connection, .abandon)
        }
        while let connection = lingerDeadlines.popExpired(now: now) {
            requestClose(connection, .abandon)
        }
        if let resume = listenerResumesAt, now >= resume {
            listenerResumesAt = nil
            try? epoll.add(state.listener, [.readable, .exclusive])
        }
        refillThrottled()
    }
}
