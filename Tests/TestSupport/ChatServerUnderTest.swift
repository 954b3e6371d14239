/// A server a test can connect users to: in process (`TestServer`), a child process
/// (`ServerProcess`) or on a terminal.
public protocol ChatServerUnderTest {
    /// A new client connected to the server.
    func connect() throws -> TestClient
}

extension ChatServerUnderTest {
    /// One registered client per nickname, in order, each in the default room. Each has read
    /// the `JOIN #lobby` of every later one (and nothing else is waiting for any of them), so a
    /// test starts from quiet connections.
    public func registeredClients(_ nicks: String...) throws -> [TestClient] {
        try registeredClients(nicks)
    }

    /// `registeredClients` with the nicknames as an array; `room` is the server's default room
    /// (nil for a server with none: then nobody hears of the others).
    public func registeredClients(_ nicks: [String], room: String? = TestClient.defaultRoom) throws -> [TestClient] {
        var clients: [TestClient] = []
        for nick in nicks {
            let client = try connect()
            try client.register(nick, room: room)
            if let room { for earlier in clients { try earlier.expect(":\(nick) JOIN \(room)") } }
            clients.append(client)
        }
        return clients
    }
}
