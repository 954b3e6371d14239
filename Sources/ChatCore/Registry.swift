import LineProtocol
import Locking

/// The directory of the chat: who holds which nickname, which rooms exist, who is in them and
/// their modes. Shared by every event loop. All state sits in one `Locked` (a `Mutex`); each
/// method is one short critical section, never does I/O, and is atomic: two users can never
/// both claim a nickname, and a +l room never takes one member too many.
///
/// Handlers reach it only through `ChatDirectory`, the interface a shared store (several nodes)
/// can implement later.
public final class Registry: ChatDirectory {
    private struct State {
        var users = DenseTable<User>()
        var rooms: [String: Room] = [:]
        var nextSequence: UInt64 = 0

        /// Removes a member from a room in place (a copy of the room would copy its member
        /// table) and forgets the room once it is empty. Returns the room after the removal,
        /// or nil if the nickname was not a member.
        @discardableResult
        mutating func removeMember(_ nickKey: String, fromRoom roomKey: String) -> Room? {
            guard rooms[roomKey]?.removeMember(nickKey) != nil else { return nil }
            guard let room = rooms[roomKey] else { return nil }
            if room.members.isEmpty { rooms[roomKey] = nil }
            return room
        }
    }

    private let state = Locked(State())

    public init() {}

    // MARK: Users

    public func register(_ registration: Registration) -> Result<Void, DirectoryProblem> {
        state.withLock { state in
            guard state.users[registration.nickname.key] == nil else { return .failure(.nicknameInUse) }
            state.nextSequence += 1
            var user = User(
                nickname: registration.nickname, id: registration.id, address: registration.address,
                connectedAt: registration.connectedAt, activity: registration.activity,
                sequence: state.nextSequence, username: registration.username, realname: registration.realname,
                isIRCClient: registration.isIRCClient, form: registration.form, awayNotify: registration.awayNotify)
            user.isSecure = registration.isSecure
            state.users[registration.nickname.key] = user
            return .success(())
        }
    }

    public func rename(_ old: Nickname, to new: Nickname) -> Result<[RoomName], DirectoryProblem> {
        state.withLock { state in
            if new.key != old.key, state.users[new.key] != nil { return .failure(.nicknameInUse) }
            guard var user = state.users.removeValue(forKey: old.key) else { return .failure(.nicknameInUse) }
            user.nickname = new
            state.users[new.key] = user
            // Invitations follow the user (they are held by rooms it is not in yet).
            if new.key != old.key {
                for (key, room) in state.rooms where room.invited.contains(old.key) {
                    state.rooms[key]?.invited.remove(old.key)
                    state.rooms[key]?.invited.insert(new.key)
                }
            }
            var rooms: [RoomName] = []
            for roomKey in user.rooms {
                // In place: a copy of the room would copy its member table (every member).
                guard var member = state.rooms[roomKey]?.removeMember(old.key) else { continue }
                member.nickname = new
                state.rooms[roomKey]?.addMember(member)
                if let name = state.rooms[roomKey]?.name { rooms.append(name) }
            }
            return .success(rooms)
        }
    }

    public func remove(_ nickname: Nickname, id: ConnectionID) -> [RoomName] {
        state.withLock { state in
            guard let user = state.users[nickname.key], user.id == id else { return [] }
            state.users[nickname.key] = nil
            var rooms: [RoomName] = []
            for roomKey in user.rooms {
                guard let name = state.rooms[roomKey]?.name else { continue }
                rooms.append(name)
                state.removeMember(nickname.key, fromRoom: roomKey)
            }
            return rooms
        }
    }

    /// Forgets every user of a cluster node that is gone; returns each with the rooms it was
    /// in, in registration order.
    public func removeUsers(ofNode node: Int) -> [(user: User, rooms: [RoomName])] {
        state.withLock { state in
            let gone = state.users.values.filter { $0.id.node == node }.sorted { $0.sequence < $1.sequence }
            return gone.map { user in
                state.users[user.nickname.key] = nil
                var rooms: [RoomName] = []
                for roomKey in user.rooms {
                    guard let name = state.rooms[roomKey]?.name else { continue }
                    rooms.append(name)
                    state.removeMember(user.nickname.key, fromRoom: roomKey)
                }
                return (user, rooms)
            }
        }
    }

    public func user(named name: String) -> User? {
        let key = Nickname.fold(name)
        return state.withLock { $0.users[key] }
    }

    public func snapshot() -> [User] {
        state.withLock { $0.users.values }.sorted { $0.sequence < $1.sequence }
    }

    public var count: Int { state.withLock { $0.users.count } }

    public func setAway(_ nickname: Nickname, message: String?) {
        state.withLock { state in state.users.update(nickname.key) { $0.away = message } }
    }

    public func setIdentity(_ nickname: Nickname, username: String, realname: String, isIRCClient: Bool) {
        state.withLock { state in
            state.users.update(nickname.key) { user in
                user.username = username
                user.realname = realname
                user.isIRCClient = isIRCClient
            }
        }
        if isIRCClient, let user = user(named: nickname.name), user.form == .plain {
            setLineForm(nickname, .full, awayNotify: user.awayNotify)
        }
    }

    public func setLineForm(_ nickname: Nickname, _ form: LineForm, awayNotify: Bool) {
        state.withLock { state in
            guard var user = state.users[nickname.key] else { return }
            user.form = form
            user.awayNotify = awayNotify
            state.users[nickname.key] = user
            for key in user.rooms {
                guard var member = state.rooms[key]?.removeMember(nickname.key) else { continue }
                member.form = form
                member.wantsAwayNotify = awayNotify
                state.rooms[key]?.addMember(member)
            }
        }
    }

    public func setInvisible(_ nickname: Nickname, _ invisible: Bool) {
        state.withLock { state in state.users.update(nickname.key) { $0.isInvisible = invisible } }
    }

    // MARK: Rooms

    public func join(
        _ name: RoomName, nickname: Nickname, hostmask: String, id: ConnectionID, key: String?,
        founderIsOperator: Bool, wallClock: Int64
    ) -> Result<JoinOutcome, RoomRefusal> {
        state.withLock { state in
            guard let user = state.users[nickname.key] else { return .failure(.notRegistered) }
            if user.rooms.contains(name.key) { return .failure(.alreadyMember) }
            guard user.rooms.count < Limits.roomsPerUser else { return .failure(.tooManyRooms) }
            let created = state.rooms[name.key] == nil
            if created {
                state.rooms[name.key] = Room(name: name, createdAt: wallClock)
            } else if let refusal = state.rooms[name.key]?.refusal(
                nickKey: nickname.key, hostmask: hostmask, key: key)
            {
                return .failure(refusal)
            }
            // The room and the user are changed in place: a copy of the room would copy its
            // member table, every member, on every join.
            state.rooms[name.key]?.admit(
                nickname: nickname, id: id, isOperator: created && founderIsOperator, form: user.form,
                wantsAwayNotify: user.awayNotify)
            state.users.update(nickname.key) { $0.rooms.append(name.key) }
            return .success(JoinOutcome(room: state.rooms[name.key]!, created: created))
        }
    }

    /// A room as it was, for a cluster whose shared store lost the directory (each node puts
    /// back what it knows): created if missing, an existing one left as it is. Its members are
    /// put back with `restoreMember`.
    public func restoreRoom(_ name: RoomName, createdAt: Int64, topic: Room.Topic?, modes: RoomModes) {
        state.withLock { state in
            guard state.rooms[name.key] == nil else { return }
            var room = Room(name: name, createdAt: createdAt)
            room.topic = topic
            room.modes = modes
            state.rooms[name.key] = room
        }
    }

    /// A member as it was (see `restoreRoom`), without the checks of a JOIN (key, limit,
    /// invitation, bans): it was already in.
    public func restoreMember(
        _ name: RoomName, nickname: Nickname, id: ConnectionID, isOperator: Bool, isVoiced: Bool, wallClock: Int64
    ) {
        state.withLock { state in
            guard let user = state.users[nickname.key], user.id == id, !user.rooms.contains(name.key) else { return }
            if state.rooms[name.key] == nil { state.rooms[name.key] = Room(name: name, createdAt: wallClock) }
            state.rooms[name.key]?.admit(
                nickname: nickname, id: id, isOperator: isOperator, form: user.form, wantsAwayNotify: user.awayNotify)
            if isVoiced { state.rooms[name.key]?.members[nickname.key]?.isVoiced = true }
            state.users.update(nickname.key) { $0.rooms.append(name.key) }
        }
    }

    /// Forgets everyone and every room (a cluster node starting its copy afresh).
    public func removeAll() {
        state.withLock { state in
            state.users = DenseTable<User>()
            state.rooms = [:]
        }
    }

    public func part(_ roomName: String, nickname: Nickname) -> Result<Room, RoomRefusal> {
        let roomKey = RoomName.fold(roomName)
        return state.withLock { state in
            guard state.rooms[roomKey] != nil else { return .failure(.noSuchRoom) }
            guard let room = state.removeMember(nickname.key, fromRoom: roomKey) else { return .failure(.notMember) }
            state.users.update(nickname.key) { $0.rooms.removeAll { $0 == roomKey } }
            return .success(room)
        }
    }

    public func room(named name: String) -> Room? {
        let key = RoomName.fold(name)
        return state.withLock { $0.rooms[key] }
    }

    public func speakCheck(room roomKey: String, nickname nickKey: String) -> SpeakCheck {
        state.withLock { state in
            guard let index = state.rooms.index(forKey: roomKey) else { return .noSuchRoom }
            // The room is asked where it is kept (see `Room.speakCheck`): a copy would retain
            // and release every reference it holds, for every message. Only the in-place access
            // of `values` gives no copy (the dictionary's subscript moves the room out and back).
            return state.rooms.values[index].speakCheck(nickKey)
        }
    }

    public func rooms() -> [Room] {
        state.withLock { Array($0.rooms.values) }.sorted { $0.name.key < $1.name.key }
    }

    public var roomCount: Int { state.withLock { $0.rooms.count } }

    public func setTopic(
        _ roomName: String, by nickname: Nickname?, setter: String, text: String, wallClock: Int64
    ) -> Result<Room, RoomRefusal> {
        let roomKey = RoomName.fold(roomName)
        return state.withLock { state in
            guard var room = state.rooms[roomKey] else { return .failure(.noSuchRoom) }
            if let nickname {
                guard let member = room.members[nickname.key] else { return .failure(.notMember) }
                if room.modes.topicLocked && !member.isOperator { return .failure(.notOperator) }
            }
            room.topic = text.isEmpty ? nil : Room.Topic(text: text, setBy: setter, setAt: wallClock)
            state.rooms[roomKey] = room
            return .success(room)
        }
    }

    public func kick(_ roomName: String, by nickname: Nickname?, target: String) -> Result<KickOutcome, RoomRefusal> {
        let roomKey = RoomName.fold(roomName)
        let targetKey = Nickname.fold(target)
        return state.withLock { state in
            guard state.rooms[roomKey] != nil else { return .failure(.noSuchRoom) }
            if let nickname {
                guard let kicker = state.rooms[roomKey]?.members[nickname.key] else { return .failure(.notMember) }
                guard kicker.isOperator else { return .failure(.notOperator) }
            }
            guard let member = state.rooms[roomKey]?.members[targetKey] else {
                return .failure(state.users[targetKey] == nil ? .noSuchNick : .targetNotMember)
            }
            let room = state.removeMember(targetKey, fromRoom: roomKey)!
            state.users.update(targetKey) { $0.rooms.removeAll { $0 == roomKey } }
            return .success(KickOutcome(room: room, member: member))
        }
    }

    public func invite(_ roomName: String, by nickname: Nickname, target: String) -> Result<InviteOutcome, RoomRefusal> {
        let roomKey = RoomName.fold(roomName)
        let targetKey = Nickname.fold(target)
        return state.withLock { state in
            guard let user = state.users[targetKey] else { return .failure(.noSuchNick) }
            guard var room = state.rooms[roomKey] else { return .failure(.noSuchRoom) }
            guard let inviter = room.members[nickname.key] else { return .failure(.notMember) }
            if room.modes.inviteOnly && !inviter.isOperator { return .failure(.notOperator) }
            if room.members[targetKey] != nil { return .failure(.targetAlreadyMember) }
            room.invited.insert(targetKey)
            state.rooms[roomKey] = room
            return .success(InviteOutcome(room: room, target: user))
        }
    }

    public func changeModes(
        _ roomName: String, by nickname: Nickname?, setter: String, changes: [ModeChange], wallClock: Int64
    ) -> Result<ModeOutcome, RoomRefusal> {
        let roomKey = RoomName.fold(roomName)
        return state.withLock { state in
            guard state.rooms[roomKey] != nil else { return .failure(.noSuchRoom) }
            if let nickname {
                guard let member = state.rooms[roomKey]?.members[nickname.key] else { return .failure(.notMember) }
                guard member.isOperator else { return .failure(.notOperator) }
            }
            // Taken out and put back: changed in place, not copied with its member table.
            var room = state.rooms.removeValue(forKey: roomKey)!
            var applied: [ModeChange] = []
            var missing: [String] = []
            for change in changes {
                switch change {
                case .flag(let flag, let on):
                    switch flag {
                    case .noExternalMessages:
                        guard room.modes.noExternalMessages != on else { continue }
                        room.modes.noExternalMessages = on
                    case .topicLocked:
                        guard room.modes.topicLocked != on else { continue }
                        room.modes.topicLocked = on
                    case .moderated:
                        guard room.modes.moderated != on else { continue }
                        room.modes.moderated = on
                    case .inviteOnly:
                        guard room.modes.inviteOnly != on else { continue }
                        room.modes.inviteOnly = on
                        if !on { room.invited.removeAll() }
                    case .secret:
                        guard room.modes.secret != on else { continue }
                        room.modes.secret = on
                    }
                case .ban(let mask, let on):
                    let key = RoomName.fold(mask)
                    let index = room.modes.bans.firstIndex { RoomName.fold($0.mask) == key }
                    if on {
                        guard index == nil else { continue }
                        room.modes.bans.append(RoomModes.Ban(mask: mask, setBy: setter, setAt: wallClock))
                    } else {
                        guard let index else { continue }
                        room.modes.bans.remove(at: index)
                    }
                case .key(let key):
                    guard room.modes.key != key else { continue }
                    if key == nil && room.modes.key == nil { continue }
                    room.modes.key = key
                case .limit(let limit):
                    guard room.modes.limit != limit else { continue }
                    room.modes.limit = limit
                case .member(let status, let target, let on):
                    let key = Nickname.fold(target)
                    guard var member = room.members[key] else {
                        missing.append(target)
                        continue
                    }
                    switch status {
                    case .operator:
                        guard member.isOperator != on else { continue }
                        member.isOperator = on
                    case .voice:
                        guard member.isVoiced != on else { continue }
                        member.isVoiced = on
                    }
                    room.members[key] = member  // same form: the count stands
                    applied.append(.member(status, target: member.name, on: on))
                    continue
                }
                applied.append(change)
            }
            state.rooms[roomKey] = room
            return .success(ModeOutcome(room: room, applied: applied, missingTargets: missing))
        }
    }
}
