import ChatCore
import LineProtocol

/// One change to the chat's directory, as the nodes of a cluster agree on it: every node
/// appends its changes to one Redis stream (`lc:log`) and applies every entry of that stream,
/// in the stream's order, to its own copy of the directory (a `Registry`). Two nodes that claim
/// one nickname both append; the first entry wins on every node, because every node applies
/// the same entries in the same order to the same state.
enum ClusterOperation: Sendable {
    case register(Registration)
    case rename(old: Nickname, new: Nickname)
    case remove(Nickname, id: ConnectionID)
    case setAway(Nickname, message: String?)
    case setIdentity(Nickname, username: String, realname: String, isIRCClient: Bool)
    case setLineForm(Nickname, LineForm, awayNotify: Bool)
    case setInvisible(Nickname, Bool)
    case join(
        RoomName, nickname: Nickname, hostmask: String, id: ConnectionID, key: String?, founderIsOperator: Bool,
        wallClock: Int64)
    case part(String, nickname: Nickname)
    case setTopic(String, by: Nickname?, setter: String, text: String, wallClock: Int64)
    case kick(String, by: Nickname?, target: String)
    case invite(String, by: Nickname, target: String)
    case changeModes(String, by: Nickname?, setter: String, changes: [ModeChange], wallClock: Int64)
    /// A node's lease ran out (or it restarted): its users are gone.
    case nodeLost(node: Int, reason: String)
    /// A room as a node knew it, put back into a store that lost the directory.
    case restoreRoom(RoomName, createdAt: Int64, topic: Room.Topic?, modes: RoomModes)
    /// One of the node's users in a room, put back the same way.
    case restoreMember(RoomName, nickname: Nickname, id: ConnectionID, isOperator: Bool, isVoiced: Bool)
}

/// What applying an operation returned, for the node that asked.
enum ClusterOutcome: Sendable {
    case none
    case register(Result<Void, DirectoryProblem>)
    case rename(Result<[RoomName], DirectoryProblem>)
    case remove([RoomName])
    case join(Result<JoinOutcome, RoomRefusal>)
    case room(Result<Room, RoomRefusal>)
    case kick(Result<KickOutcome, RoomRefusal>)
    case invite(Result<InviteOutcome, RoomRefusal>)
    case modes(Result<ModeOutcome, RoomRefusal>)
    case nodeLost([(user: User, rooms: [RoomName])])
}

extension ClusterOperation {
    /// The operations that build a directory again: each user (with its away text and +i),
    /// then each room as it is (topic, modes) and its members with their status. `keeps` picks
    /// the users and members to put back (a room is put back if it keeps any member).
    static func rebuilding(
        users: [User], rooms: [Room], keeping keeps: (ConnectionID) -> Bool = { _ in true }
    ) -> [ClusterOperation] {
        var operations: [ClusterOperation] = []
        for user in users where keeps(user.id) {
            var registration = Registration(
                nickname: user.nickname, id: user.id, address: user.address, connectedAt: user.connectedAt,
                activity: user.activity, username: user.username, realname: user.realname,
                isIRCClient: user.isIRCClient, form: user.form, awayNotify: user.awayNotify)
            registration.isSecure = user.isSecure
            operations.append(.register(registration))
            if let away = user.away { operations.append(.setAway(user.nickname, message: away)) }
            if user.isInvisible { operations.append(.setInvisible(user.nickname, true)) }
        }
        for room in rooms {
            let members = room.orderedMembers.filter { keeps($0.id) }
            guard !members.isEmpty else { continue }
            operations.append(.restoreRoom(room.name, createdAt: room.createdAt, topic: room.topic, modes: room.modes))
            for member in members {
                operations.append(
                    .restoreMember(
                        room.name, nickname: member.nickname, id: member.id, isOperator: member.isOperator,
                        isVoiced: member.isVoiced))
            }
        }
        return operations
    }

    /// Applies the operation to a node's copy of the directory.
    func apply(to registry: Registry) -> ClusterOutcome {
        switch self {
        case .register(let registration): .register(registry.register(registration))
        case .rename(let old, let new): .rename(registry.rename(old, to: new))
        case .remove(let nickname, let id): .remove(registry.remove(nickname, id: id))
        case .setAway(let nickname, let message):
            { registry.setAway(nickname, message: message); return .none }()
        case .setIdentity(let nickname, let username, let realname, let isIRCClient):
            {
                registry.setIdentity(nickname, username: username, realname: realname, isIRCClient: isIRCClient)
                return .none
            }()
        case .setLineForm(let nickname, let form, let awayNotify):
            { registry.setLineForm(nickname, form, awayNotify: awayNotify); return .none }()
        case .setInvisible(let nickname, let invisible):
            { registry.setInvisible(nickname, invisible); return .none }()
        case .join(let room, let nickname, let hostmask, let id, let key, let founderIsOperator, let wallClock):
            .join(
                registry.join(
                    room, nickname: nickname, hostmask: hostmask, id: id, key: key,
                    founderIsOperator: founderIsOperator, wallClock: wallClock))
        case .part(let room, let nickname): .room(registry.part(room, nickname: nickname))
        case .setTopic(let room, let by, let setter, let text, let wallClock):
            .room(registry.setTopic(room, by: by, setter: setter, text: text, wallClock: wallClock))
        case .kick(let room, let by, let target): .kick(registry.kick(room, by: by, target: target))
        case .invite(let room, let by, let target): .invite(registry.invite(room, by: by, target: target))
        case .changeModes(let room, let by, let setter, let changes, let wallClock):
            .modes(registry.changeModes(room, by: by, setter: setter, changes: changes, wallClock: wallClock))
        case .nodeLost(let node, _): .nodeLost(registry.removeUsers(ofNode: node))
        case .restoreRoom(let name, let createdAt, let topic, let modes):
            { registry.restoreRoom(name, createdAt: createdAt, topic: topic, modes: modes); return .none }()
        case .restoreMember(let name, let nickname, let id, let isOperator, let isVoiced):
            {
                registry.restoreMember(
                    name, nickname: nickname, id: id, isOperator: isOperator, isVoiced: isVoiced, wallClock: 0)
                return .none
            }()
        }
    }

    // MARK: Stream encoding

    /// Fields "o" (origin node) and "q" (request) are the envelope's (`ClusterNode`).
    func write(to entry: inout StreamEntryWriter) {
        switch self {
        case .register(let r):
            entry.add("t", "register")
            entry.add("n", r.nickname.name)
            entry.add("i", r.id)
            entry.add("a", r.address)
            entry.add("u", r.username)
            entry.add("r", r.realname)
            entry.add("c", r.isIRCClient)
            entry.add("f", Int(r.form.rawValue))
            entry.add("w", r.awayNotify)
            entry.add("s", r.isSecure)
        case .rename(let old, let new):
            entry.add("t", "rename")
            entry.add("n", old.name)
            entry.add("m", new.name)
        case .remove(let nickname, let id):
            entry.add("t", "remove")
            entry.add("n", nickname.name)
            entry.add("i", id)
        case .setAway(let nickname, let message):
            entry.add("t", "away")
            entry.add("n", nickname.name)
            entry.add("x", optional: message)
        case .setIdentity(let nickname, let username, let realname, let isIRCClient):
            entry.add("t", "identity")
            entry.add("n", nickname.name)
            entry.add("u", username)
            entry.add("r", realname)
            entry.add("c", isIRCClient)
        case .setLineForm(let nickname, let form, let awayNotify):
            entry.add("t", "form")
            entry.add("n", nickname.name)
            entry.add("f", Int(form.rawValue))
            entry.add("w", awayNotify)
        case .setInvisible(let nickname, let invisible):
            entry.add("t", "invisible")
            entry.add("n", nickname.name)
            entry.add("v", invisible)
        case .join(let room, let nickname, let hostmask, let id, let key, let founderIsOperator, let wallClock):
            entry.add("t", "join")
            entry.add("g", room.name)
            entry.add("n", nickname.name)
            entry.add("h", hostmask)
            entry.add("i", id)
            entry.add("k", optional: key)
            entry.add("y", founderIsOperator)
            entry.add("z", wallClock)
        case .part(let room, let nickname):
            entry.add("t", "part")
            entry.add("g", room)
            entry.add("n", nickname.name)
        case .setTopic(let room, let by, let setter, let text, let wallClock):
            entry.add("t", "topic")
            entry.add("g", room)
            entry.add("b", optional: by?.name)
            entry.add("e", setter)
            entry.add("x", text)
            entry.add("z", wallClock)
        case .kick(let room, let by, let target):
            entry.add("t", "kick")
            entry.add("g", room)
            entry.add("b", optional: by?.name)
            entry.add("m", target)
        case .invite(let room, let by, let target):
            entry.add("t", "invite")
            entry.add("g", room)
            entry.add("b", by.name)
            entry.add("m", target)
        case .changeModes(let room, let by, let setter, let changes, let wallClock):
            entry.add("t", "modes")
            entry.add("g", room)
            entry.add("b", optional: by?.name)
            entry.add("e", setter)
            entry.add("z", wallClock)
            entry.add("d", changes.count)
            for (index, change) in changes.enumerated() { entry.add("d\(index)", Self.text(of: change)) }
        case .nodeLost(let node, let reason):
            entry.add("t", "nodelost")
            entry.add("d", node)
            entry.add("x", reason)
        case .restoreRoom(let name, let createdAt, let topic, let modes):
            entry.add("t", "room")
            entry.add("g", name.name)
            entry.add("z", createdAt)
            if let topic {
                entry.add("x", topic.text)
                entry.add("e", topic.setBy)
                entry.add("a", topic.setAt)
            }
            entry.add("f", modes.flagLetters)
            entry.add("k", optional: modes.key)
            entry.add("l", optional: modes.limit.map(String.init))
            entry.add("d", modes.bans.count)
            for (index, ban) in modes.bans.enumerated() {
                entry.add("d\(index)", ban.mask)
                entry.add("e\(index)", ban.setBy)
                entry.add("a\(index)", ban.setAt)
            }
        case .restoreMember(let name, let nickname, let id, let isOperator, let isVoiced):
            entry.add("t", "member")
            entry.add("g", name.name)
            entry.add("n", nickname.name)
            entry.add("i", id)
            entry.add("y", isOperator)
            entry.add("v", isVoiced)
        }
    }

    /// The operation an entry holds; nil for an entry this version does not know (it is
    /// skipped by every node alike). `now` stands in for the monotonic times of another node.
    init?(reading entry: StreamEntryReader, now: Int64) {
        func nick(_ field: String) -> Nickname? { entry.string(field).map { Nickname(alreadyValidated: $0) } }
        guard let type = entry.string("t") else { return nil }
        switch type {
        case "register":
            guard let nickname = nick("n"), let id = entry.id("i"), let formValue = entry.int("f"),
                let form = LineForm(rawValue: UInt8(clamping: formValue))
            else { return nil }
            self = .register(
                Registration(
                    nickname: nickname, id: id, address: entry.string("a") ?? "", connectedAt: now,
                    activity: UserActivity(now: now), username: entry.string("u") ?? nickname.name,
                    realname: entry.string("r") ?? nickname.name, isIRCClient: entry.bool("c"), form: form,
                    awayNotify: entry.bool("w"), isSecure: entry.bool("s")))
        case "rename":
            guard let old = nick("n"), let new = nick("m") else { return nil }
            self = .rename(old: old, new: new)
        case "remove":
            guard let nickname = nick("n"), let id = entry.id("i") else { return nil }
            self = .remove(nickname, id: id)
        case "away":
            guard let nickname = nick("n") else { return nil }
            self = .setAway(nickname, message: entry.string("x"))
        case "identity":
            guard let nickname = nick("n"), let username = entry.string("u"), let realname = entry.string("r") else {
                return nil
            }
            self = .setIdentity(nickname, username: username, realname: realname, isIRCClient: entry.bool("c"))
        case "form":
            guard let nickname = nick("n"), let value = entry.int("f"), let form = LineForm(rawValue: UInt8(clamping: value))
            else { return nil }
            self = .setLineForm(nickname, form, awayNotify: entry.bool("w"))
        case "invisible":
            guard let nickname = nick("n") else { return nil }
            self = .setInvisible(nickname, entry.bool("v"))
        case "join":
            guard let roomText = entry.string("g"), let room = try? RoomName(validating: roomText),
                let nickname = nick("n"), let id = entry.id("i")
            else { return nil }
            self = .join(
                room, nickname: nickname, hostmask: entry.string("h") ?? "", id: id, key: entry.string("k"),
                founderIsOperator: entry.bool("y"), wallClock: entry.int("z") ?? 0)
        case "part":
            guard let room = entry.string("g"), let nickname = nick("n") else { return nil }
            self = .part(room, nickname: nickname)
        case "topic":
            guard let room = entry.string("g") else { return nil }
            self = .setTopic(
                room, by: nick("b"), setter: entry.string("e") ?? "", text: entry.string("x") ?? "",
                wallClock: entry.int("z") ?? 0)
        case "kick":
            guard let room = entry.string("g"), let target = entry.string("m") else { return nil }
            self = .kick(room, by: nick("b"), target: target)
        case "invite":
            guard let room = entry.string("g"), let by = nick("b"), let target = entry.string("m") else { return nil }
            self = .invite(room, by: by, target: target)
        case "modes":
            guard let room = entry.string("g"), let count = entry.int("d") else { return nil }
            var changes: [ModeChange] = []
            for index in 0..<max(0, min(Int(count), 64)) {
                guard let text = entry.string("d\(index)"), let change = Self.change(from: text) else { return nil }
                changes.append(change)
            }
            self = .changeModes(
                room, by: nick("b"), setter: entry.string("e") ?? "", changes: changes, wallClock: entry.int("z") ?? 0)
        case "nodelost":
            guard let node = entry.int("d") else { return nil }
            self = .nodeLost(node: Int(node), reason: entry.string("x") ?? "")
        case "room":
            guard let text = entry.string("g"), let name = try? RoomName(validating: text) else { return nil }
            let topic = entry.string("x").map {
                Room.Topic(text: $0, setBy: entry.string("e") ?? "", setAt: entry.int("a") ?? 0)
            }
            var modes = RoomModes()
            modes.setFlags(entry.string("f") ?? "")
            modes.key = entry.string("k")
            modes.limit = entry.string("l").flatMap { Int($0) }
            for index in 0..<max(0, min(Int(entry.int("d") ?? 0), 1000)) {
                guard let mask = entry.string("d\(index)") else { return nil }
                modes.bans.append(
                    RoomModes.Ban(mask: mask, setBy: entry.string("e\(index)") ?? "", setAt: entry.int("a\(index)") ?? 0))
            }
            self = .restoreRoom(name, createdAt: entry.int("z") ?? 0, topic: topic, modes: modes)
        case "member":
            guard let text = entry.string("g"), let name = try? RoomName(validating: text), let nickname = nick("n"),
                let id = entry.id("i")
            else { return nil }
            self = .restoreMember(
                name, nickname: nickname, id: id, isOperator: entry.bool("y"), isVoiced: entry.bool("v"))
        default:
            return nil
        }
    }

    /// A mode change as text: a letter, + or -, then its argument.
    static func text(of change: ModeChange) -> String {
        func sign(_ on: Bool) -> String { on ? "+" : "-" }
        switch change {
        case .flag(let flag, let on): return "\(flag.rawValue)\(sign(on))"
        case .key(let key): return key.map { "k+\($0)" } ?? "k-"
        case .limit(let limit): return limit.map { "l+\($0)" } ?? "l-"
        case .member(let status, let target, let on): return "\(status.rawValue)\(sign(on))\(target)"
        case .ban(let mask, let on): return "b\(sign(on))\(mask)"
        }
    }

    static func change(from text: String) -> ModeChange? {
        guard text.count >= 2, let letter = text.first else { return nil }
        let on = text.dropFirst().first == "+"
        let argument = String(text.dropFirst(2))
        switch letter {
        case "k": return .key(on ? argument : nil)
        case "l": return on ? Int(argument).map { .limit($0) } : .limit(nil)
        case "b": return .ban(argument, on: on)
        default:
            if let flag = ModeChange.RoomFlag(rawValue: letter) { return .flag(flag, on: on) }
            if let status = ModeChange.MemberStatus(rawValue: letter) { return .member(status, target: argument, on: on) }
            return nil
        }
    }
}
