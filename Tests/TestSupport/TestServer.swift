import ChatServer
import Platform

/// A real server on 127.0.0.1 and a free port, for tests. Stop it when done.
public final class TestServer: Sendable {
    public let server: Server
    public let port: Int

    /// Starts a server with test-friendly defaults (one event loop unless `configure` says
    /// otherwise, flood limits raised) after `configure` adjusts the configuration.
    public static func start(_ configure: (inout ServerConfiguration) -> Void = { _ in }) throws -> TestServer {
        var configuration = ServerConfiguration()
        configuration.host = "127.0.0.1"
        configuration.port = 0
        configuration.eventLoops = 2
        configuration.floodBurst = 1000
        configuration.floodLinesPerSecond = 100_000
        configuration.maxPerIP = 1000
        configure(&configuration)
        let server = Server(configuration: configuration)
        let port = try server.start()
        return TestServer(server: server, port: port)
    }

    /// Starts a server with the documented defaults (PROTOCOL.md section 6: flood limits,
    /// connections per address, event loops) except that it listens on 127.0.0.1 and a free
    /// port, after `configure` adjusts the configuration.
    public static func startWithDefaults(
        _ configure: (inout ServerConfiguration) -> Void = { _ in }
    ) throws -> TestServer {
        var configuration = ServerConfiguration()
        configuration.host = "127.0.0.1"
        configuration.port = 0
        configure(&configuration)
        let server = Server(configuration: configuration)
        let port = try server.start()
        return TestServer(server: server, port: port)
    }

    private init(server: Server, port: Int) {
        self.server = server
        self.port = port
    }

    /// A new client connected to this server.
    public func connect() throws -> TestClient { try TestClient(port: port) }

    /// One registered client per nickname, in order; each has read the JOIN of every later
    /// one, so all of them start with nothing unread.
    public func registeredClients(_ nicks: String...) throws -> [TestClient] {
        var clients: [TestClient] = []
        for nick in nicks {
            let client = try connect()
            try client.register(nick)
            for earlier in clients { try earlier.expect(":\(nick) JOIN") }
            clients.append(client)
        }
        return clients
    }

    public func stop() { server.shutdown() }
}
