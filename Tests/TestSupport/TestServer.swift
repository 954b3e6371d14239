import ChatServer
import Platform

/// A real server on 127.0.0.1 and a free port, for tests. Stop it when done.
public final class TestServer: Sendable, ChatServerUnderTest {
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

    public func stop() { server.shutdown() }
}
