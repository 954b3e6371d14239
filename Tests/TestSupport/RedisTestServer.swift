import Foundation
import Platform

/// A `redis-server` child process on 127.0.0.1 and a free port, keeping nothing on disk
/// (`--save ""`, no append-only file) unless `persistent`, for tests over real TCP. Tests that
/// need one are enabled only when `isAvailable` (`.ci/run` installs redis-server).
public final class RedisTestServer {
    /// The redis-server executable found on the PATH (or in the usual places), if any.
    public static let executablePath: String? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let directories = path.split(separator: ":").map(String.init) + ["/usr/bin", "/usr/sbin", "/usr/local/bin"]
        return directories.map { $0 + "/redis-server" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    /// Whether a redis-server can be started.
    public static var isAvailable: Bool { executablePath != nil }

    /// Why tests that need a server are skipped.
    public static let unavailableReason =
        "redis-server is not installed (apt-get install redis-server; .ci/run installs it)"

    /// The port it listens on, the same across restarts.
    public let port: Int
    /// The `--requirepass` it was started with.
    public let password: String?
    /// Whether the data survives a restart (append-only file).
    public let persistent: Bool
    /// Its working directory (its log is redis.log there), removed with it.
    public let directory: String

    private var process: Process?

    /// Why a server did not start or stop in time.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// Starts a server on a free port (learned by binding port 0; another port is tried if that
    /// one is taken by the time redis-server binds it) and waits until it answers PING.
    /// `persistent`: keep the data in an append-only file (fsync on every write) that a
    /// `restart` reads back, as a production Redis would.
    public init(password: String? = nil, persistent: Bool = false) throws {
        self.persistent = persistent
        guard let executable = Self.executablePath else { throw Failure(description: "\(Self.unavailableReason)") }
        self.password = password
        let directory = try Posix.makeTemporaryDirectory(prefix: "linechat-redis-")
        self.directory = directory
        var lastFailure: Error?
        for _ in 0..<5 {
            let port = try Self.freePort()
            let process = try Self.launch(executable, port: port, password: password, persistent: persistent, directory: directory)
            do {
                try Self.waitUntilReady(process, port: port, directory: directory)
                self.process = process
                self.port = port
                return
            } catch {
                lastFailure = error
                Self.kill(process)
            }
        }
        try? FileManager.default.removeItem(atPath: directory)
        throw lastFailure ?? Failure(description: "redis-server did not start")
    }

    deinit {
        kill()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// The process id, while it runs (0 when stopped).
    public var pid: Int32 { process?.processIdentifier ?? 0 }

    /// Whether the process is running.
    public var isRunning: Bool { process?.isRunning ?? false }

    /// Stops the server with SIGTERM and waits for it to exit (SIGKILL after 10 s).
    public func stop() {
        guard let process, process.isRunning else { return }
        process.terminate()
        if !waitUntil(timeout: 10, { !process.isRunning }) { Posix.sendSignal(SIGKILL, to: process.processIdentifier) }
        process.waitUntilExit()
    }

    /// Kills the server with SIGKILL, as a crash would, and waits for it to be gone.
    public func kill() {
        if let process { Self.kill(process) }
    }

    private static func kill(_ process: Process) {
        if process.isRunning { Posix.sendSignal(SIGKILL, to: process.processIdentifier) }
        process.waitUntilExit()
    }

    /// Starts the server again on the same port (after `stop` or `kill`), empty, and waits until
    /// it answers PING.
    public func restart() throws {
        guard let executable = Self.executablePath else { throw Failure(description: "\(Self.unavailableReason)") }
        kill()
        let process = try Self.launch(executable, port: port, password: password, persistent: persistent, directory: directory)
        self.process = process
        try Self.waitUntilReady(process, port: port, directory: directory)
    }

    /// The server's log, for a failure message.
    public var log: String { Self.log(in: directory) }

    private static func log(in directory: String) -> String {
        (try? String(contentsOfFile: directory + "/redis.log", encoding: .utf8)) ?? "(no log)"
    }

    /// Waits for the server's log to say it listens, then sends PING and waits for the answer
    /// (PONG, or NOAUTH when it wants a password), checking every 10 ms until then. Throws if
    /// the process exits or `timeout` seconds pass.
    private static func waitUntilReady(_ process: Process, port: Int, directory: String, timeout: Double = 10) throws {
        let deadline = Posix.monotonicNanoseconds() + Int64(timeout * 1e9)
        while true {
            guard process.isRunning else {
                throw Failure(description: "redis-server exited while starting on port \(port): \(log(in: directory))")
            }
            let remaining = Double(deadline - Posix.monotonicNanoseconds()) / 1e9
            guard remaining > 0 else {
                throw Failure(
                    description:
                        "redis-server did not answer PING on port \(port) within \(timeout) s: \(log(in: directory))")
            }
            // Its own log saying it listens proves the port is this process's, not another
            // test's server that took the same free port a moment earlier.
            if log(in: directory).contains("Ready to accept connections"),
                let client = try? LineClient(host: "127.0.0.1", port: port)
            {
                try? client.send(Array("*1\r\n$4\r\nPING\r\n".utf8))
                let reply = (try? client.readLine(timeout: remaining)) ?? ""
                if reply == "+PONG" || reply.hasPrefix("-NOAUTH") { return }
            }
            _ = try? Socket.waitReadable([], timeoutMilliseconds: 10)
        }
    }

    private static func launch(
        _ executable: String, port: Int, password: String?, persistent: Bool, directory: String
    ) throws -> Process {
        // A fresh log each time: waitUntilReady looks for this run's "Ready" line.
        try? FileManager.default.removeItem(atPath: directory + "/redis.log")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        var arguments = [
            "--port", "\(port)", "--bind", "127.0.0.1", "--save", "", "--appendonly", persistent ? "yes" : "no",
            "--appendfsync", "always", "--daemonize", "no",
            "--dir", directory, "--logfile", directory + "/redis.log",
        ]
        if let password { arguments += ["--requirepass", password] }
        process.arguments = arguments
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        // The test's thread may block SIGTERM, and the child would inherit that: stop() could
        // then never stop it.
        try Posix.withSignalsUnblocked([SIGTERM, SIGINT]) { try process.run() }
        return process
    }

    /// A port that was free a moment ago: bound on 127.0.0.1 port 0, then released.
    private static func freePort() throws -> Int {
        let fd = try Socket.listen(on: SocketAddress(host: "127.0.0.1", port: 0)!)
        defer { Posix.close(fd) }
        return try Socket.localAddress(fd).port
    }
}
