import TestSupport

extension ChatServerUnderTest {
    /// One registered client per nickname, in order, each read through its auto-join of
    /// #lobby (JOIN, topic, names, 366), every earlier one through the later ones' JOINs: the
    /// tests start from quiet connections.
    func lobbyClients(_ nicks: String...) throws -> [TestClient] {
        var clients: [TestClient] = []
        for nick in nicks {
            let client = try connect()
            try client.register(nick)  // reads through #lobby's 366
            for earlier in clients { try earlier.expect(":\(nick) JOIN #lobby") }
            clients.append(client)
        }
        return clients
    }
}

extension TestClient {
    /// Joins `room` and reads through the end of its names (366, which spells the room as its
    /// creator did).
    func join(_ room: String) throws {
        try send("JOIN \(room)")
        let end = ":linechat 366 \(nick ?? "*") \(room.lowercased()) :end of /names list"
        try expect("the 366 of \(room)", where: { $0.lowercased() == end })
    }
}
