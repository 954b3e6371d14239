import LineProtocol

extension Session {
    /// A user who left without a session on this server (its cluster node is lost): the QUIT
    /// its rooms' members get, and the history records of its leaving each room.
    public static func departure(of user: User, rooms: [RoomName], reason: String, _ context: ChatContext)
        -> (line: OutboundLine, records: [HistoryRecord])
    {
        var session = Session(id: user.id, address: user.address, connectedAt: user.connectedAt)
        session.nickname = user.nickname
        session.username = user.username
        let stamp = context.stamp()
        let line = session.userLine(context, command: "QUIT", trailing: reason, stamp: stamp)
        let source = session.fullSource(context)
        let records = rooms.enumerated().map { index, room in
            let roomStamp = index == 0 ? stamp : context.stamp()
            return HistoryRecord(
                id: roomStamp.id, time: roomStamp.time, room: room.key, roomName: room.name, kind: .quit,
                nick: user.nickname.name, source: source, text: reason)
        }
        return (line, records)
    }
}
