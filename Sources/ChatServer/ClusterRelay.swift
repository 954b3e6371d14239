import ChatCore
import Cluster
import LineProtocol
import Platform

/// Carries what other cluster nodes send into this server's event loops (on the cluster's
/// reader thread: it only posts to the loops' inboxes).
final class ClusterRelay: ClusterDelegate {
    private let state: ServerState
    /// For the QUIT lines of a lost node's users: stamped with this server's ids.
    private let context: ChatContext

    init(state: ServerState) {
        self.state = state
        let now = Posix.wallClockMilliseconds()
        // The loop index after the event loops': ids no loop stamps.
        context = ChatContext(
            directory: state.directory, config: state.chatConfig, now: Posix.monotonicNanoseconds(),
            wallClock: now / 1000, wallClockMilliseconds: now, history: state.configuration.history,
            messageIDs: MessageIDSource(
                loop: state.messageIDLoop(15), after: state.configuration.history?.highestMessageID ?? 0))
    }

    private var localHistory: (any ChatHistory)? {
        (state.configuration.history as? ClusterHistory)?.local ?? state.configuration.history
    }

    func carryOut(_ outbound: Outbound) {
        switch outbound {
        case .send(let id, let line):
            guard let handle = localHandle(id) else { return }
            handle.post(.send(id, line))
        case .toRoom(let key, let line, let except):
            for handle in state.handles { handle.post(.toRoom(key, line, except: except)) }
        case .toRooms(let keys, let line, let except):
            for handle in state.handles { handle.post(.toRooms(keys, line, except: except)) }
        case .toRoomsAwayNotify(let keys, let line, let except):
            for handle in state.handles { handle.post(.toRoomsAwayNotify(keys, line, except: except)) }
        case .toEveryone(let line, let except):
            for handle in state.handles { handle.post(.broadcast(line, except: except)) }
        case .leftRoom(let key, let id):
            localHandle(id)?.post(.leftRoom(key, id))
        case .joinedRoom:
            break
        }
    }

    func record(_ record: HistoryRecord) {
        localHistory?.record(record)
    }

    func usersLost(_ users: [(user: User, rooms: [RoomName])], reason: String) {
        let now = Posix.wallClockMilliseconds()
        context.now = Posix.monotonicNanoseconds()
        context.wallClock = now / 1000
        context.wallClockMilliseconds = now
        for (user, rooms) in users where !rooms.isEmpty {
            let departure = Session.departure(of: user, rooms: rooms, reason: reason, context)
            for handle in state.handles { handle.post(.toRooms(rooms.map(\.key), departure.line, except: nil)) }
            for record in departure.records { localHistory?.record(record) }
        }
        state.logger.info("cluster: \(users.count) users gone (\(reason))")
    }

    func usersEvicted(_ ids: [ConnectionID], reason: String) {
        for id in ids { localHandle(id)?.post(.close(id, error: reason, quitReason: reason)) }
        state.logger.warning("cluster: \(ids.count) users of this node dropped: \(reason)")
    }

    private func localHandle(_ id: ConnectionID) -> EventLoopHandle? {
        guard id.node == state.nodeIndex, id.loop < state.handles.count else { return nil }
        return state.handles[id.loop]
    }
}
