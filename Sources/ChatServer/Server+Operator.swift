import Locking
import ChatCore
import Cluster
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
        /// No room of that name (or not a valid room name).
        case noSuchRoom(String)
        /// The user exists but is not in the room: `(nick, room)`.
        case notInRoom(String, String)
        /// The user is connected to another node of the cluster: kick it there.
        case onAnotherNode(String)

        public var description: String {
            switch self {
            case .notRunning: "the server is not running"
            case .noSuchNick(let nick): "no such nick: \(nick)"
            case .noSuchRoom(let room): "no such room: \(room)"
            case .notInRoom(let nick, let room): "\(nick) is not in \(room)"
            case .unsafeText(let reason): reason
            case .onAnotherNode(let nick): "\(nick) is connected to another node of the cluster: kick them there"

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
        state.cluster?.forward(.toEveryone(line: OutboundLine(bytes), except: nil))
    }

    /// Disconnects a user with `ERROR :Kicked by operator: <reason>`; the others see the QUIT.
    public func kick(_ nick: String, reason: String) throws(OperatorError) {
        guard let state = runningState else { throw .notRunning }
        try Self.checkSafe(reason)
        guard let user = state.registry.user(named: nick) else { throw .noSuchNick(nick) }
        guard user.id.node == state.nodeIndex else { throw .onAnotherNode(nick) }
        let text = "Kicked by operator: \(reason)"
        state.handles[user.id.loop].post(.close(user.id, error: text, quitReason: text))
        state.logger.info("kicked \(user.address) \(user.nickname) (\(reason))")
    }

    /// Removes a user from one room as the server: the room's members, the user included, see
    /// `:<server> KICK <#room> <nick> :<reason>`; the user stays connected.
    public func kick(_ nick: String, fromRoom roomName: String, reason: String) throws(OperatorError) {
        guard let state = runningState else { throw .notRunning }
        try Self.checkSafe(reason)
        let outcome: KickOutcome
        switch state.directory.kick(roomName, by: nil, target: nick) {
        case .success(let kicked): outcome = kicked
        case .failure(.noSuchNick): throw .noSuchNick(nick)
        case .failure(.targetNotMember): throw .notInRoom(nick, roomName)
        case .failure: throw .noSuchRoom(roomName)
        }
        let room = outcome.room.name
        let member = outcome.member
        let why = UTF8Prefix.of(reason, atMost: Limits.kickReasonMaxLength)
        let line = OutboundLine(
            ServerLine.format(
                source: state.chatConfig.serverName, command: "KICK", parameters: [room.name, member.name],
                trailing: why))
        // The member's own loop first, and its KICK before it leaves the loop's member list: a
        // line anyone sends to the room after seeing the KICK reaches that loop after both.
        // On a cluster node, the other nodes' members too (the member's node takes it off its
        // list).
        let isLocal = member.id.node == state.nodeIndex
        if isLocal {
            state.handles[member.id.loop].post(.toRoom(room.key, line, except: nil))
            state.handles[member.id.loop].post(.leftRoom(room.key, member.id))
        }
        for handle in state.handles where !isLocal || handle.index != member.id.loop {
            handle.post(.toRoom(room.key, line, except: nil))
        }
        if let cluster = state.cluster {
            cluster.forward(.toRoom(room.key, line: line, except: nil))
            if !isLocal { cluster.forward(.leftRoom(room.key, id: member.id)) }
        }
        state.logger.info("kicked \(member.name) from \(room.name) (\(why))")
    }

    /// Every room with its members, topic and modes (the key shown), by name.
    public func rooms() -> [RoomInfo] {
        guard let state = runningState else { return [] }
        return state.registry.rooms().map { room in
            let (flags, arguments) = room.modes.modeString(showKey: true)
            return RoomInfo(
                name: room.name.name, members: room.orderedMembers.map { $0.prefix() + $0.name },
                topic: room.topic?.text, modes: ([flags] + arguments).joined(separator: " "))
        }
    }

    /// Every open connection, registered or not, in connection order, each registered user
    /// with its rooms. Waits up to `timeout` seconds for the loops to answer (a loop that
    /// does not answer is left out).
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
        var infos = collected.withLock { $0 }.sorted { $0.id.serial < $1.id.serial }
        // Room keys to names from one snapshot of the directory, so each name is looked up once.
        var roomNames: [String: String] = [:]
        for room in state.registry.rooms() { roomNames[room.name.key] = room.name.name }
        for index in infos.indices {
            guard let nickname = infos[index].nickname, let user = state.registry.user(named: nickname),
                user.id == infos[index].id
            else { continue }
            infos[index].rooms = user.rooms.compactMap { roomNames[$0] }
        }
        return infos
    }

    /// The server's counters now: each loop's, summed.
    public func statisticsSnapshot() -> StatisticsSnapshot? {
        guard let state = runningState else { return nil }
        let loops = state.loopCounters
        var snapshot = StatisticsSnapshot(
            uptimeSeconds: Double(Posix.monotonicNanoseconds() - state.startedAt) / 1e9,
            connections: state.openConnections,
            peakConnections: state.admission.peak,
            registeredUsers: state.registry.count,
            linesIn: loops.sum(.linesIn),
            messagesRelayed: loops.sum(.messagesRelayed),
            deliveries: loops.sum(.deliveries),
            bytesIn: loops.sum(.bytesIn),
            bytesOut: loops.sum(.bytesOut),
            sendQueueDisconnects: loops.sum(.sendQueueDisconnects),
            floodDisconnects: loops.sum(.floodDisconnects),
            residentMemoryBytes: Posix.residentMemoryBytes())
        snapshot.connectionsRefused = loops.sum(.connectionsRefused)
        snapshot.outputBudgetDisconnects = loops.sum(.outputBudgetDisconnects)
        snapshot.discardedInputBytes = loops.sum(.bytesDiscarded)
        snapshot.servesTLS = state.tlsListener >= 0
        snapshot.tlsHandshakes = loops.sum(.tlsHandshakes)
        snapshot.tlsHandshakeFailures = loops.sum(.tlsHandshakeFailures)
        snapshot.disconnects = DisconnectReason.counted.map { reason in (reason, loops.sum { $0.disconnects(reason) }) }
        snapshot.history = state.configuration.history?.status()
        snapshot.cluster = state.cluster?.status
        return snapshot
    }

    /// Every metric in the Prometheus text format 0.0.4, as `GET /metrics` serves it; nil when
    /// the server is not running.
    public func metricsText() -> String? {
        guard let state = runningState else { return nil }
        return String(decoding: state.metricsExposition(), as: UTF8.self)
    }

    private static func checkSafe(_ text: String) throws(OperatorError) {
        let bytes = Array(text.utf8)
        if let problem = bytes.withUnsafeBytes({ LineContent.problem(in: $0) }) {
            throw .unsafeText(problem.reason)
        }
    }
}
