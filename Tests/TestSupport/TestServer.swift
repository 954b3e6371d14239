import ChatServer
import Foundation
import History
import Platform

/// A real server on 127.0.0.1 and a free port, for tests. Stop it when done.
public final class TestServer: Sendable, ChatServerUnderTest {
    public let server: Server
    public let port: Int
    /// The server's history store (in a temporary directory removed at the end), if it keeps one.
    public let history: HistoryService?
    public let dataDirectory: String?

    /// Starts a server with test-friendly defaults (one event loop unless `configure` says
    /// otherwise, flood limits raised) after `configure` adjusts the configuration.
    public static func start(
        history keepsHistory: Bool = true, _ configure: (inout ServerConfiguration) -> Void = { _ in }
    ) throws -> TestServer {
        var configuration = ServerConfiguration()
        configuration.host = "127.0.0.1"
        configuration.port = 0
        configuration.eventLoops = 2
        configuration.floodBurst = 1000
        configuration.floodLinesPerSecond = 100_000
        configuration.maxPerIP = 1000
        configure(&configuration)
        return try start(configuration, history: keepsHistory)
    }

    /// Starts a server with `configuration`, and history in a fresh temporary directory.
    static func start(_ configuration: ServerConfiguration, history keepsHistory: Bool) throws -> TestServer {
        var configuration = configuration
        var history: HistoryService?
        var directory: String?
        if keepsHistory {
            let made = try Posix.makeTemporaryDirectory(prefix: "linechat-test-history-")
            directory = made
            history = try HistoryService(path: made + "/history.sqlite3", log: { _ in })
            configuration.history = history
        }
        // Warnings and errors only: a run of the whole suite otherwise prints a line per
        // connection, and a failure's report drowns in them.
        let server = Server(configuration: configuration, logger: Logger(level: .warning))
        do {
            let port = try server.start()
            return TestServer(server: server, port: port, history: history, dataDirectory: directory)
        } catch {
            history?.shutdown()
            if let directory { try? FileManager.default.removeItem(atPath: directory) }
            throw error
        }
    }

    /// Starts a server with the documented defaults (PROTOCOL.md section 6: flood limits,
    /// connections per address, event loops) except that it listens on 127.0.0.1 and a free
    /// port, after `configure` adjusts the configuration.
    public static func startWithDefaults(
        history keepsHistory: Bool = true, _ configure: (inout ServerConfiguration) -> Void = { _ in }
    ) throws -> TestServer {
        var configuration = ServerConfiguration()
        configuration.host = "127.0.0.1"
        configuration.port = 0
        configure(&configuration)
        return try start(configuration, history: keepsHistory)
    }

    private init(server: Server, port: Int, history: HistoryService?, dataDirectory: String?) {
        self.server = server
        self.port = port
        self.history = history
        self.dataDirectory = dataDirectory
    }

    deinit {
        history?.shutdown()
        if let dataDirectory { try? FileManager.default.removeItem(atPath: dataDirectory) }
    }

    /// A new client connected to this server.
    public func connect() throws -> TestClient { try TestClient(port: port) }

    /// The TLS port, when the configuration asked for TLS.
    public var tlsPort: Int? { server.tlsPort }

    /// A new TLS client, its handshake done (the server must serve TLS).
    public func connectTLS() throws -> TLSTestClient {
        guard let tlsPort else { throw TestClient.Mismatch(description: "this test server does not serve TLS") }
        return try TLSTestClient(port: tlsPort)
    }

    /// Stops the server, then its history store (everything accepted is written).
    public func stop() {
        server.shutdown()
        history?.shutdown()
    }
}

extension TestServer {
    /// A new client whose connection is owned by event loop `loop`. The loops take connections
    /// as they come, so this connects until one lands there (the others are closed before they
    /// register: nobody hears of them). For tests that need users on different loops.
    public func connect(onLoop loop: Int, attempts: Int = 200) throws -> TestClient {
        for _ in 0..<attempts {
            let client = try connect()
            let port = client.connection.localPort
            var owner: Int?
            _ = waitUntil {
                owner = server.connections().first { $0.address.hasSuffix(":\(port)") }?.id.loop
                return owner != nil
            }
            if owner == loop { return client }
            client.close()
        }
        throw TestClient.Mismatch(description: "no connection landed on event loop \(loop) in \(attempts) attempts")
    }
}
