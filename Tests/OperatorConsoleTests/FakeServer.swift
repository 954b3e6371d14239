import ChatCore
import ChatServer
import OperatorConsole

/// A stand-in for the server: records what the console asked and answers with set values.
final class FakeServer: OperatorServer {
    var users: [String] = ["alice", "bob"]
    var announced: [String] = []
    var kicked: [(nick: String, reason: String)] = []
    /// Room memberships by room name; `kick #room nick` removes the nick.
    var roomList: [RoomInfo] = []
    var roomKicks: [(room: String, nick: String, reason: String)] = []
    var infos: [ConnectionInfo] = []
    var running = true

    /// Set to make the next announcements fail as the real server does for unsafe text; the
    /// real server's own refusal is tested against a real server (RealServerConsoleTests).
    var refusal: String?

    func announce(_ text: String) throws(Server.OperatorError) {
        guard running else { throw .notRunning }
        if let refusal { throw .unsafeText(refusal) }
        announced.append(text)
    }

    func kick(_ nick: String, reason: String) throws(Server.OperatorError) {
        guard running else { throw .notRunning }
        guard let index = users.firstIndex(where: { $0.lowercased() == nick.lowercased() }) else {
            throw .noSuchNick(nick)
        }
        users.remove(at: index)
        kicked.append((nick, reason))
    }

    func kick(_ nick: String, fromRoom room: String, reason: String) throws(Server.OperatorError) {
        guard running else { throw .notRunning }
        guard let index = roomList.firstIndex(where: { $0.name.lowercased() == room.lowercased() }) else {
            throw .noSuchRoom(room)
        }
        let entry = roomList[index]
        let bare = entry.members.map { $0.trimmingPrefix(while: { $0 == "@" || $0 == "+" }) }
        guard let member = bare.firstIndex(where: { $0.lowercased() == nick.lowercased() }) else {
            if users.contains(where: { $0.lowercased() == nick.lowercased() }) { throw .notInRoom(nick, room) }
            throw .noSuchNick(nick)
        }
        var members = entry.members
        members.remove(at: member)
        roomList[index] = RoomInfo(name: entry.name, members: members, topic: entry.topic, modes: entry.modes)
        roomKicks.append((room, nick, reason))
    }

    func connections(timeout: Double) -> [ConnectionInfo] { infos }

    func rooms() -> [RoomInfo] { running ? roomList : [] }

    func statisticsSnapshot() -> StatisticsSnapshot? {
        guard running else { return nil }
        return Self.snapshot(registeredUsers: users.count)
    }

    static func snapshot(registeredUsers: Int = 2) -> StatisticsSnapshot {
        StatisticsSnapshot(
            uptimeSeconds: 3723, connections: 3, peakConnections: 7, registeredUsers: registeredUsers, linesIn: 120,
            messagesRelayed: 80, deliveries: 240, bytesIn: 12_595, bytesOut: 1_258_291, sendQueueDisconnects: 1,
            floodDisconnects: 0, residentMemoryBytes: 13_107_200)
    }

    static func info(
        _ serial: UInt64, _ nick: String?, _ address: String, connected: Double, idle: Double,
        linesIn: Int = 0, bytesIn: Int = 0, linesOut: Int = 0, bytesOut: Int = 0, rooms: [String] = []
    ) -> ConnectionInfo {
        var info = ConnectionInfo(
            id: ConnectionID(loop: 0, descriptor: Int32(serial) + 10, serial: serial), nickname: nick,
            address: address, connectedSeconds: connected, idleSeconds: idle, linesIn: linesIn, bytesIn: bytesIn,
            linesOut: linesOut, bytesOut: bytesOut)
        info.rooms = rooms
        return info
    }
}
