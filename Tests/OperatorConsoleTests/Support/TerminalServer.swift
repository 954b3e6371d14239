import Foundation
import Platform
import TestSupport

/// The built `linechat-server` on a pseudo-terminal, as an operator runs it: keystrokes go in
/// through the primary side; the screen (console output and log lines alike) is rebuilt from
/// what comes out.
final class TerminalServer {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    let terminal: PseudoTerminal
    let process = Process()
    private(set) var screen = Screen()
    private var outputEnded = false
    private(set) var port = 0

    init(_ arguments: [String] = [], columns: Int = 100) throws {
        terminal = try PseudoTerminal(columns: columns, rows: 40)
        process.executableURL = ServerProcess.productsDirectory.appendingPathComponent("linechat-server")
        process.arguments = ["--host", "127.0.0.1", "--port", "0"] + arguments
        let handle = FileHandle(fileDescriptor: terminal.secondary, closeOnDealloc: false)
        process.standardInput = handle
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        terminal.closeSecondary()
        let prefix = "Server listening on 127.0.0.1:"
        try waitForScreen("the banner") { screen in
            screen.lines.contains { $0.hasPrefix(prefix) && $0.hasSuffix("available server commands.") }
        }
        let banner = screen.lines.first { $0.hasPrefix(prefix) && $0.hasSuffix("commands.") }!
        port = Int(banner.dropFirst(prefix.count).prefix { $0.isNumber })!
    }

    deinit {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }

    func type(_ text: String) throws {
        try terminal.type(Array(text.utf8))
    }

    func connect() throws -> TestClient { try TestClient(port: port) }

    /// Reads output until `condition` holds for the screen, or fails after `timeout` seconds.
    func waitForScreen(_ what: String, timeout: Double = 5, _ condition: (Screen) -> Bool) throws {
        let deadline = Posix.monotonicNanoseconds() + Int64(timeout * 1e9)
        while !condition(screen) {
            let remaining = (deadline - Posix.monotonicNanoseconds()) / 1_000_000
            guard remaining > 0, !outputEnded else {
                throw Failure(description: "screen never showed \(what):\n\(screen.lines.joined(separator: "\n"))")
            }
            readOutput(timeoutMilliseconds: Int32(remaining))
        }
    }

    private func readOutput(timeoutMilliseconds: Int32) {
        guard let bytes = terminal.read(timeoutMilliseconds: timeoutMilliseconds) else {
            outputEnded = true
            return
        }
        screen.feed(bytes)
    }

    /// Waits for the process to exit, reading its last output; returns its exit status.
    func waitForExit(timeout: Double = 10) throws -> Int32 {
        let finished = waitUntil(timeout: timeout) {
            if !outputEnded { readOutput(timeoutMilliseconds: 20) }
            return !process.isRunning
        }
        guard finished else {
            throw Failure(description: "linechat-server did not exit:\n\(screen.lines.joined(separator: "\n"))")
        }
        while !outputEnded, let bytes = terminal.read(timeoutMilliseconds: 100), !bytes.isEmpty {
            screen.feed(bytes)
        }
        return process.terminationStatus
    }
}
