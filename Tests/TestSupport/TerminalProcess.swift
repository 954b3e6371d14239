import Foundation
import Platform

/// A program run on a pseudo-terminal, as a person at a terminal runs it: keystrokes go in
/// through the primary side, the screen is rebuilt from what comes out. Shared by the tests of
/// `linechat` and of the operator console.
public final class TerminalProcess {
    /// A screen or an exit that did not come in time.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    public let terminal: PseudoTerminal
    public let process = Process()
    public private(set) var screen = Screen()
    /// Everything the program wrote, escape sequences included.
    public private(set) var output: [UInt8] = []
    private var outputEnded = false
    private let name: String

    /// Starts `executable` with its stdin, stdout and stderr on a new terminal of the given size.
    public init(
        _ executable: URL, _ arguments: [String], columns: Int, rows: Int, environment: [String: String]? = nil
    ) throws {
        terminal = try PseudoTerminal(columns: columns, rows: rows)
        name = executable.lastPathComponent
        process.executableURL = executable
        process.arguments = arguments
        if let environment { process.environment = environment }
        let handle = FileHandle(fileDescriptor: terminal.secondary, closeOnDealloc: false)
        process.standardInput = handle
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        terminal.closeSecondary()
    }

    deinit {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }

    /// Types `text` at the terminal.
    public func type(_ text: String) throws {
        try terminal.type(Array(text.utf8))
    }

    /// Reads output until `condition` holds for the screen, or fails after `timeout` seconds.
    public func waitForScreen(_ what: String, timeout: Double = 5, _ condition: (Screen) -> Bool) throws {
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
        output += bytes
        screen.feed(bytes)
    }

    /// Waits for the program to exit, reading its last output; returns its exit status.
    @discardableResult
    public func waitForExit(timeout: Double = 10) throws -> Int32 {
        let finished = waitUntil(timeout: timeout) {
            if !outputEnded { readOutput(timeoutMilliseconds: 20) }
            return !process.isRunning
        }
        guard finished else {
            process.terminate()
            throw Failure(description: "\(name) did not exit:\n\(screen.lines.joined(separator: "\n"))")
        }
        while !outputEnded, let bytes = terminal.read(timeoutMilliseconds: 100), !bytes.isEmpty {
            output += bytes
            screen.feed(bytes)
        }
        return process.terminationStatus
    }

    /// The exit status, once the program has exited.
    public var status: Int32 { process.terminationStatus }
}
