import ChatCore
import LineProtocol

/// What a node hands the other nodes through the chat stream (`<prefix>:chat`): lines for
/// their users (the effects of a command on this node that reach beyond it) and history
/// records, so that every node's store holds every room's history.
enum ChatEntry: Sendable {
    case outbound(Outbound)
    case record(HistoryRecord)

    func write(to entry: inout StreamEntryWriter) {
        switch self {
        case .outbound(let outbound):
            switch outbound {
            case .send(let id, let line):
                entry.add("k", "send")
                entry.add("i", id)
                Self.write(line, to: &entry)
            case .toRoom(let key, let line, let except):
                entry.add("k", "room")
                entry.add("g", key)
                Self.write(except, line, to: &entry)
            case .toRooms(let keys, let line, let except):
                entry.add("k", "rooms")
                entry.add("g", keys.joined(separator: ","))
                Self.write(except, line, to: &entry)
            case .toRoomsAwayNotify(let keys, let line, let except):
                entry.add("k", "away")
                entry.add("g", keys.joined(separator: ","))
                Self.write(except, line, to: &entry)
            case .toEveryone(let line, let except):
                entry.add("k", "all")
                Self.write(except, line, to: &entry)
            case .leftRoom(let key, let id):
                entry.add("k", "left")
                entry.add("g", key)
                entry.add("i", id)
            case .joinedRoom:
                break  // about the sender's own connection: never forwarded
            }
        case .record(let record):
            entry.add("k", "rec")
            entry.add("d", record.id)
            entry.add("z", record.time)
            entry.add("g", record.room)
            entry.add("h", record.roomName)
            entry.add("y", Int(record.kind.rawValue))
            entry.add("n", record.nick)
            entry.add("s", record.source)
            entry.add("x", record.text)
            entry.add("m", record.target)
        }
    }

    private static func write(_ except: ConnectionID?, _ line: OutboundLine, to entry: inout StreamEntryWriter) {
        if let except { entry.add("e", except) }
        write(line, to: &entry)
    }

    private static func write(_ line: OutboundLine, to entry: inout StreamEntryWriter) {
        if line.isOneForm {
            entry.add("1", bytes: line.plain)
        } else {
            entry.add("p", bytes: line.plain)
            entry.add("f", bytes: line.full)
            entry.add("t", bytes: line.timed)
            entry.add("a", bytes: line.tagged)
        }
    }

    init?(reading entry: StreamEntryReader) {
        guard let kind = entry.string("k") else { return nil }
        func line() -> OutboundLine? {
            if let one = entry.bytes("1") { return OutboundLine(one) }
            guard let plain = entry.bytes("p"), let full = entry.bytes("f") else { return nil }
            return OutboundLine(plain: plain, full: full, timed: entry.bytes("t") ?? [], tagged: entry.bytes("a") ?? [])
        }
        func keys() -> [String] { (entry.string("g") ?? "").split(separator: ",").map(String.init) }
        let except = entry.id("e")
        switch kind {
        case "send":
            guard let id = entry.id("i"), let line = line() else { return nil }
            self = .outbound(.send(to: id, line: line))
        case "room":
            guard let key = entry.string("g"), let line = line() else { return nil }
            self = .outbound(.toRoom(key, line: line, except: except))
        case "rooms":
            guard let line = line() else { return nil }
            self = .outbound(.toRooms(keys(), line: line, except: except))
        case "away":
            guard let line = line() else { return nil }
            self = .outbound(.toRoomsAwayNotify(keys(), line: line, except: except))
        case "all":
            guard let line = line() else { return nil }
            self = .outbound(.toEveryone(line: line, except: except))
        case "left":
            guard let key = entry.string("g"), let id = entry.id("i") else { return nil }
            self = .outbound(.leftRoom(key, id: id))
        case "rec":
            guard let id = entry.int("d"), let time = entry.int("z"), let room = entry.string("g"),
                let kindValue = entry.int("y"), let kind = HistoryKind(rawValue: UInt8(clamping: kindValue))
            else { return nil }
            self = .record(
                HistoryRecord(
                    id: id, time: time, room: room, roomName: entry.string("h") ?? room, kind: kind,
                    nick: entry.string("n") ?? "", source: entry.string("s") ?? "", text: entry.string("x") ?? "",
                    target: entry.string("m") ?? ""))
        default:
            return nil
        }
    }
}

/// What the server does with what other nodes send: the cluster hands it over on its own
/// thread; the server passes it to its event loops.
public protocol ClusterDelegate: AnyObject, Sendable {
    /// An effect of a command on another node, for this node's users.
    func carryOut(_ outbound: Outbound)
    /// A history record made on another node.
    func record(_ record: HistoryRecord)
    /// Users of another node that is gone: each is removed from the directory already; tell
    /// this node's users who shared a room with them (a QUIT with `reason`).
    func usersLost(_ users: [(user: User, rooms: [RoomName])], reason: String)
    /// Users of this node that the cluster dropped (this node was cut off longer than its
    /// lease): their connections must be closed with `reason`.
    func usersEvicted(_ ids: [ConnectionID], reason: String)
}
