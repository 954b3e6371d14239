import Locking
import ChatCore
import Dispatch
import LineProtocol
import Platform

/// What the operator console asks of a running server. None of it blocks an event loop: the
/// registry is read under its short lock, and per-connection figures are copied by each loop
/// when it gets to the request.
extension Server {
    /// Why an operator request could not be carried out.
    public enum OperatorError: Error, Equatable, CustomStringConvertible {
        case notRunning
        case noSuchNick(String)
        case unsafeText(String)

        public var description: String {
            switch self {
            case .notRunning: "the server is not running"
            case .noSuchNick(let nick): "no such nick: \(nick)"
            case .unsafeText(let reason): reason
            }
        }
    }

    /// Sends `:<server> NOTICE * :<text>` to every registered user: a server notice, which nc,
    /// linechat and IRC clients all show as coming from the server.
    public func announce(_ text: String) throws(OperatorError) {
        guard let state = runningState else { throw .notRunning }
        try Self.checkSafe(text)
        let bytes = ServerLine.format(
            source: state.chatConfig.serverName, command: "NOTICE", parameters: ["*"], trailing: text)
        for handle in state.handles { handle.post(.broadcast(OutboundLine(bytes), except: nil)) }
    }

    /// Disconnects a user with `ERROR :Kicked by operator: <reason>`; the others see the QUIT.
    public func kick(_ nick: String, reason: String) throws(OperatorError) {
        guard let state = runningState else { throw .notRunning }
        try Self.checkSafe(reason)
        guard let user = state.registry.user(named: nick) else { throw .noSuchNick(nick) }
        let text = "Kicked by operator: \(reason)"
        state.handles[user.id.loop].post(.close(user.id, error: text, quitReason: text))
        state.logger.info("kicked \(user.address) \(user.nickname) (\(reason))")
    }

    /// Every open connection, registered or not, in connection order. Waits up to `timeout`
    /// seconds for the loops to answer (a loop that does not answer is left out).
    public func connections(timeout: Double = 2) -> [ConnectionInfo] {
        guard let state = runningState else { return [] }
        let collected = Locked<[ConnectionInfo]>([])
        let answered = DispatchSemaphore(value: 0)
        for handle in state.handles {
            handle.post(
                .snapshot { infos in
                    collected.withLock { $0.append(contentsOf: infos) }
                    answered.signal()
                })
        }
        let deadline = DispatchTime.now() + timeout
        for _ in state.handles where answered.wait(timeout: deadline) == .timedOut { break }
        return collected.withLock { $0 }.sorted { $0.id.serial < $1.id.serial }
    }

    /// The server's counters now.
    public func statisticsSnapshot() -> StatisticsSnapshot? {
        guard let state = runningState else { return nil }
        let statistics = state.statistics
        var snapshot = StatisticsSnapshot(
            uptimeSeconds: Double(Posix.monotonicNanoseconds() - state.startedAt) / 1e9,
            connections: state.openConnections,
            peakConnections: state.admission.peak,
            registeredUsers: state.registry.count,
            linesIn: statistics.linesIn.load(ordering: .relaxed),
            messagesRelayed: statistics.messagesRelayed.load(ordering: .relaxed),
            deliveries: statistics.deliveries.load(ordering: .relaxed),
            bytesIn: statistics.bytesIn.load(ordering: .relaxed),
            bytesOut: statistics.bytesOut.load(ordering: .relaxed),
            sendQueueDisconnects: statistics.sendQueueDisconnects.load(ordering: .relaxed),
            floodDisconnects: statistics.floodDisconnects.load(ordering: .relaxed),
            residentMemoryBytes: Posix.residentMemoryBytes())
        snapshot.connectionsRefused = statistics.connectionsRefused.load(ordering: .relaxed)
        snapshot.outputBudgetDisconnects = statistics.outputBudgetDisconnects.load(ordering: .relaxed)
        snapshot.discardedInputBytes = statistics.bytesDiscarded.load(ordering: .relaxed)
        return snapshot
    }

    private static func checkSafe(_ text: String) throws(OperatorError) {
        let bytes = Array(text.utf8)
        if let problem = bytes.withUnsafeBytes({ LineContent.problem(in: $0) }) {
            throw .unsafeText(problem.reason)
        }
    }
}
