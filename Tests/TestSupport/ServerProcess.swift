import Foundation
import Platform

/// The built `linechat-server` binary running as a child process on 127.0.0.1 and a free
/// port, for tests that look at the server from outside: its descriptors and memory in procfs,
/// its exit status, its stdin console.
public final class ServerProcess {
    public let process: Process
    public let port: Int
    /// The server's stderr (its log), one line at a time.
    public let log: LineClient
    /// Writes to the server's stdin.
    public let input: FileHandle

    /// The directory holding the package's built products (beside the test bundle).
    public static var productsDirectory: URL {
        URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
    }

    public struct StartFailure: Error, CustomStringConvertible {
        public let description: String
    }

    /// Starts the server with `arguments` added after `--host 127.0.0.1 --port 0` and waits
    /// for its "listening" log line to learn the port.
    public init(_ arguments: [String] = []) throws {
        let executable = Self.productsDirectory.appendingPathComponent("linechat-server")
        guard FileManager.default.isExecutableFile(atPath: executable.path) else {
            throw StartFailure(description: "no linechat-server binary at \(executable.path): build the package first")
        }
        process = Process()
        process.executableURL = executable
        process.arguments = ["--host", "127.0.0.1", "--port", "0"] + arguments
        let stderrPipe = Pipe()
        let stdinPipe = Pipe()
        process.standardError = stderrPipe
        process.standardInput = stdinPipe
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        log = LineClient(adopting: dup(stderrPipe.fileHandleForReading.fileDescriptor))
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
    }

    public var pid: Int32 { process.processIdentifier }

    /// Descriptors the server has open, from /proc/PID/fd.
    public var openDescriptorCount: Int {
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd").count) ?? -1
    }

    /// The server's resident memory in bytes, from /proc/PID/statm.
    public var residentMemoryBytes: Int {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        return fields.count > 1 ? (Int(fields[1]) ?? 0) * 4096 : 0
    }

    /// A client connected to this server.
    public func connect() throws -> TestClient { try TestClient(port: port) }

    /// Sends SIGTERM and waits; returns the exit status.
    @discardableResult
    public func terminate() -> Int32 {
        process.terminate()
        process.waitUntilExit()
        return process.terminationStatus
    }
}
