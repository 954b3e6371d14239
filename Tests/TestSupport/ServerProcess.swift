import Foundation
import Platform

/// The built `linechat-server` binary running as a child process on 127.0.0.1 and a free
/// port, for tests that look at the server from outside: its descriptors and memory in procfs,
/// its exit status, its operator console on stdin and stdout.
public final class ServerProcess: ChatServerUnderTest {
    public let process: Process
    public let port: Int
    /// The server's stderr (its log), one line at a time.
    public let log: LineClient
    /// Writes to the server's stdin.
    public let input: FileHandle
    /// The server's stdout (the operator console's output), one line at a time.
    public let output: LineClient
    /// The history directory made for this server (removed with it), unless the arguments
    /// named one or turned history off.
    public let dataDirectory: String?
    /// The TLS port and the certificate's SHA-256 fingerprint, from the log, when TLS is served.
    public private(set) var tlsPort: Int?
    public private(set) var tlsFingerprint: String?
    /// The HTTP and metrics ports, from the log, when served.
    public private(set) var httpPort: Int?
    public private(set) var metricsPort: Int?

    /// The directory holding the package's built products (beside the test bundle).
    public static var productsDirectory: URL {
        URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
    }

    public struct StartFailure: Error, CustomStringConvertible {
        public let description: String
    }

    /// Output that did not come in time.
    public struct Timeout: Error, CustomStringConvertible {
        public let description: String
    }

    /// Starts the server with `arguments` added after `--host 127.0.0.1 --port 0` and waits
    /// for its "listening" log line to learn the port.
    /// History goes to a fresh temporary directory unless `arguments` say otherwise.
    /// `environment` is added to the test's own.
    public init(_ arguments: [String] = [], environment: [String: String] = [:]) throws {
        let executable = Self.productsDirectory.appendingPathComponent("linechat-server")
        guard FileManager.default.isExecutableFile(atPath: executable.path) else {
            throw StartFailure(description: "no linechat-server binary at \(executable.path): build the package first")
        }
        var arguments = arguments
        if arguments.contains(where: { $0 == "--no-history" || $0.hasPrefix("--data-dir") }) {
            dataDirectory = nil
        } else {
            let directory = try Posix.makeTemporaryDirectory(prefix: "linechat-test-data-")
            dataDirectory = directory
            arguments += ["--data-dir", directory]
        }
        process = Process()
        process.executableURL = executable
        // No HTTP or metrics listener unless asked for: their default ports are fixed ones,
        // which servers running side by side cannot share.
        for flag in ["--http-port", "--metrics-port"] where !arguments.contains(where: { $0.hasPrefix(flag) }) {
            arguments += [flag, "none"]
        }
        process.arguments = ["--host", "127.0.0.1", "--port", "0"] + arguments
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        let stderrPipe = Pipe()
        let stdinPipe = Pipe()
        let stdoutPipe = Pipe()
        process.standardError = stderrPipe
        process.standardInput = stdinPipe
        process.standardOutput = stdoutPipe
        try process.run()
        log = LineClient(adopting: dup(stderrPipe.fileHandleForReading.fileDescriptor))
        output = LineClient(adopting: dup(stdoutPipe.fileHandleForReading.fileDescriptor))
        input = stdinPipe.fileHandleForWriting
        var found: Int?
        while found == nil {
            let line: String
            do {
                line = try log.readLine(timeout: 10)
            } catch {
                process.terminate()
                throw StartFailure(description: "linechat-server did not report its port: \(error)")
            }
            if let range = line.range(of: "listening on 127.0.0.1:"), line.contains(" (TLS, certificate SHA-256 ") {
                tlsPort = Int(line[range.upperBound...].prefix { $0.isNumber })
                tlsFingerprint = line.split(separator: " ").last.map { String($0.dropLast()) }
            }
            if let range = line.range(of: "listening on 127.0.0.1:"), line.contains(" (HTTP: ") {
                let port = Int(line[range.upperBound...].prefix { $0.isNumber })
                if line.contains("/ws") { httpPort = port }
                if line.contains("/metrics") { metricsPort = port }
            }
            if let range = line.range(of: "Server listening on 127.0.0.1:") {
                found = Int(line[range.upperBound...].prefix { $0.isNumber })
            }
        }
        port = found!
    }

    deinit {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        if let dataDirectory { try? FileManager.default.removeItem(atPath: dataDirectory) }
    }

    public var pid: Int32 { process.processIdentifier }

    /// A figure procfs would not give: the test that needed it must fail, not pass on a
    /// made-up value.
    public struct MeasurementUnavailable: Error, CustomStringConvertible {
        public let description: String
        public init(_ description: String) { self.description = description }
    }

    /// Descriptors the server has open, from /proc/PID/fd; throws when procfs cannot be read.
    public var openDescriptorCount: Int {
        get throws {
            do {
                return try FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd").count
            } catch {
                throw MeasurementUnavailable("cannot count the server's descriptors in /proc/\(pid)/fd: \(error)")
            }
        }
    }

    /// The server's resident memory in bytes, from /proc/PID/statm; throws when procfs cannot
    /// be read or the figure is not there.
    public var residentMemoryBytes: Int {
        get throws {
            let path = "/proc/\(pid)/statm"
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw MeasurementUnavailable("cannot read \(path)")
            }
            let fields = text.split(separator: " ")
            guard fields.count > 1, let pages = Int(fields[1]), pages > 0 else {
                throw MeasurementUnavailable("no resident page count in \(path): \"\(text)\"")
            }
            return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
        }
    }

    /// `openDescriptorCount` for a failure message: the number, or why there is none.
    public var descriptorsForMessage: String {
        do { return String(try openDescriptorCount) } catch { return "\(error)" }
    }

    /// A client connected to this server.
    public func connect() throws -> TestClient { try TestClient(port: port) }

    /// A TLS client connected to this server's TLS port, its handshake done.
    public func connectTLS() throws -> TLSTestClient {
        guard let tlsPort else { throw StartFailure(description: "this server does not serve TLS") }
        return try TLSTestClient(port: tlsPort)
    }

    /// Types `line` at the operator console (writes it and a newline to stdin).
    public func command(_ line: String) throws {
        try input.write(contentsOf: Data((line + "\n").utf8))
    }

    /// Ends the console's input (closes the server's stdin).
    public func closeInput() throws {
        try input.close()
    }

    /// Reads console output until a line satisfies `predicate`; returns the lines read, that
    /// one included. Throws after `timeout` seconds without it.
    @discardableResult
    public func readOutput(
        until what: String, timeout: Double = 5, where predicate: (String) -> Bool
    ) throws -> [String] {
        var lines: [String] = []
        while true {
            let line: String
            do {
                line = try output.readLine(timeout: timeout)
            } catch {
                throw Timeout(description: "console output never showed \(what) (\(error)); got \(lines)")
            }
            lines.append(line)
            if predicate(line) { return lines }
        }
    }

    /// Reads log lines until one contains `text`; throws after `timeout` seconds without it.
    @discardableResult
    public func expectLog(containing text: String, timeout: Double = 5) throws -> String {
        while true {
            let line: String
            do {
                line = try log.readLine(timeout: timeout)
            } catch {
                throw Timeout(description: "the log never showed \"\(text)\": \(error)")
            }
            if line.contains(text) { return line }
        }
    }

    /// Waits up to `timeout` seconds for the server to exit by itself (its log closes when it
    /// does); returns the exit status, or nil when it is still running.
    public func waitForExit(timeout: Double = 10) -> Int32? {
        guard log.waitForClose(timeout: timeout) else { return nil }
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// Sends SIGTERM and waits; returns the exit status.
    @discardableResult
    public func terminate() -> Int32 {
        process.terminate()
        process.waitUntilExit()
        return process.terminationStatus
    }
}
