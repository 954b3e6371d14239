import ChatCore

/// A reloaded configuration, taken between two inbox messages (a safe point: no line is being
/// handled and no fan-out is running).
extension EventLoop {
    func reconfigure(_ new: ServerConfiguration, _ chatConfig: ChatConfig) {
        let old = configuration
        configuration = new
        context = ChatContext(
            directory: context.directory, config: chatConfig, now: context.now, wallClock: context.wallClock,
            wallClockMilliseconds: context.wallClockMilliseconds, history: context.history,
            messageIDs: context.messageIDs)
        greeting = Session(id: ConnectionID(loop: 0, descriptor: 0, serial: 0), address: "", connectedAt: 0)
            .greeting(context)
        outputBudget = new.maxOutputBytes / max(state.handles.count, 1)
        if new.registrationTimeoutSeconds != old.registrationTimeoutSeconds {
            // Connections waiting to register get the new timeout, counted from their start.
            registrationDeadlines.changeTimeout(to: Int64(new.registrationTimeoutSeconds) * 1_000_000_000)
        }
        if new.lastLineTimeoutSeconds != old.lastLineTimeoutSeconds {
            lastLineDeadlines.changeTimeout(to: Int64(new.lastLineTimeoutSeconds) * 1_000_000_000)
        }
        if new.floodBurst != old.floodBurst || new.floodLinesPerSecond != old.floodLinesPerSecond {
            floodLimits = FloodLimits(configuration: new)
            for case let connection? in connections { connection.flood.reconfigure(floodLimits, now: context.now) }
        }
        // New keepalive, TCP user timeout and sendq figures apply as they are next read: at the
        // next accept, the next enqueue.
    }
}
