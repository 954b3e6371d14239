import ChatCore
import Locking
import LineProtocol

/// The `ChatDirectory` of a cluster node: reads answer from the node's copy of the directory
/// at once; a change is one round trip through the cluster's log (see `ClusterNode`) and is
/// refused (`unavailable`) while Redis cannot be reached.
public final class ClusterDirectory: ChatDirectory {
    let registry: Registry
    private let owner = Locked<WeakNode>(WeakNode())

    init(registry: Registry) { self.registry = registry }

    var node: ClusterNode? {
        get { owner.withLock { $0.node } }
        set { owner.withLock { $0 = WeakNode(node: newValue) } }
    }

    private func change(_ operation: ClusterOperation) -> ClusterOutcome? { node?.submit(operation) }

    // MARK: Changes (through the log)

    public func register(_ registration: Registration) -> Result<Void, DirectoryProblem> {
        guard case .register(let result)? = change(.register(registration)) else { return .failure(.unavailable) }
        return result
    }

    public func rename(_ old: Nickname, to new: Nickname) -> Result<[RoomName], DirectoryProblem> {
        guard case .rename(let result)? = change(.rename(old: old, new: new)) else { return .failure(.unavailable) }
        return result
    }

    public func remove(_ nickname: Nickname, id: ConnectionID) -> [RoomName] {
        if case .remove(let rooms)? = change(.remove(nickname, id: id)) { return rooms }
        // Redis is away: the user stays in the directory until it is back (nobody can take the
        // nickname meanwhile: nothing can be claimed). Its rooms are told now.
        node?.deferRemoval(nickname, id: id)
        guard let user = registry.user(named: nickname.name), user.id == id else { return [] }
        return user.rooms.compactMap { registry.room(named: $0)?.name }
    }

    public func setAway(_ nickname: Nickname, message: String?) {
        _ = change(.setAway(nickname, message: message))
    }

    public func setIdentity(_ nickname: Nickname, username: String, realname: String, isIRCClient: Bool) {
        _ = change(.setIdentity(nickname, username: username, realname: realname, isIRCClient: isIRCClient))
    }

    public func setLineForm(_ nickname: Nickname, _ form: LineForm, awayNotify: Bool) {
        _ = change(.setLineForm(nickname, form, awayNotify: awayNotify))
    }

    public func setInvisible(_ nickname: Nickname, _ invisible: Bool) {
        _ = change(.setInvisible(nickname, invisible))
    }

    public func join(
        _ name: RoomName, nickname: Nickname, hostmask: String, id: ConnectionID, key: String?,
        founderIsOperator: Bool, wallClock: Int64
    ) -> Result<JoinOutcome, RoomRefusal> {
        let operation = ClusterOperation.join(
            name, nickname: nickname, hostmask: hostmask, id: id, key: key, founderIsOperator: founderIsOperator,
            wallClock: wallClock)
        guard case .join(let result)? = change(operation) else { return .failure(.unavailable) }
        return result
    }

    public func part(_ roomName: String, nickname: Nickname) -> Result<Room, RoomRefusal> {
        guard case .room(let result)? = change(.part(roomName, nickname: nickname)) else { return .failure(.unavailable) }
        return result
    }

    public func setTopic(_ roomName: String, by nickname: Nickname?, setter: String, text: String, wallClock: Int64)
        -> Result<Room, RoomRefusal>
    {
        let operation = ClusterOperation.setTopic(roomName, by: nickname, setter: setter, text: text, wallClock: wallClock)
        guard case .room(let result)? = change(operation) else { return .failure(.unavailable) }
        return result
    }

    public func kick(_ roomName: String, by nickname: Nickname?, target: String) -> Result<KickOutcome, RoomRefusal> {
        guard case .kick(let result)? = change(.kick(roomName, by: nickname, target: target)) else {
            return .failure(.unavailable)
        }
        return result
    }

    public func invite(_ roomName: String, by nickname: Nickname, target: String) -> Result<InviteOutcome, RoomRefusal> {
        guard case .invite(let result)? = change(.invite(roomName, by: nickname, target: target)) else {
            return .failure(.unavailable)
        }
        return result
    }

    public func changeModes(
        _ roomName: String, by nickname: Nickname?, setter: String, changes: [ModeChange], wallClock: Int64
    ) -> Result<ModeOutcome, RoomRefusal> {
        let operation = ClusterOperation.changeModes(
            roomName, by: nickname, setter: setter, changes: changes, wallClock: wallClock)
        guard case .modes(let result)? = change(operation) else { return .failure(.unavailable) }
        return result
    }

    // MARK: Reads (this node's copy)

    public func user(named name: String) -> User? { registry.user(named: name) }
    public func snapshot() -> [User] { registry.snapshot() }
    public var count: Int { registry.count }
    public func room(named name: String) -> Room? { registry.room(named: name) }
    public func speakCheck(room roomKey: String, nickname nickKey: String) -> SpeakCheck {
        registry.speakCheck(room: roomKey, nickname: nickKey)
    }
    public func rooms() -> [Room] { registry.rooms() }
    public var roomCount: Int { registry.roomCount }
}

/// The node a directory belongs to, held weakly (the node owns the directory).
struct WeakNode: @unchecked Sendable {
    // Safe: a weak reference to a Sendable class, only read and replaced under `Locked`.
    weak var node: ClusterNode?
}
