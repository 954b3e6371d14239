import Foundation
import Platform
import TestSupport

/// `linechat` run on a pseudo-terminal, as a person at a terminal runs it: keystrokes go in
/// through the primary side, the screen is rebuilt from what comes out.
final class TerminalLinechat {
    let terminal: PseudoTerminal
    let process = Process()
    private(set) var screen = Screen()
    /// Everything linechat wrote, escape sequences included.
    private(set) var output: [UInt8] = []
    private var outputEnded = false

    init(_ arguments: [String], columns: Int = 80, environment: [String: String] = [:]) throws {
        terminal = try PseudoTerminal(columns: columns, rows: 24)
        process.executableURL = URL(fileURLWithPath: try LinechatBinary.path())
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env["NO_COLOR"] = nil
        env["TERM"] = "xterm"
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let handle = FileHandle(fileDescriptor: terminal.secondary, closeOnDealloc: false)
        process.standardInput = handle
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        terminal.closeSecondary()
    }

    deinit {
        if process.isRunning { process.terminate() }
    }

    func type(_ text: String) throws {
        try terminal.type(Array(text.utf8))
    }

    /// Reads output until `condition` holds for the screen, or fails after `timeout` seconds.
    func waitForScreen(_ what: String, timeout: Double = 5, _ condition: (Screen) -> Bool) throws {
        let deadline = Posix.monotonicNanoseconds() + Int64(timeout * 1e9)
        while !condition(screen) {
            let remaining = (deadline - Posix.monotonicNanoseconds()) / 1_000_000
            guard remaining > 0, !outputEnded else {
                throw WaitFailure(description: "screen never showed \(what):\n\(screen.lines.joined(separator: "\n"))")
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

    /// Waits for the process to exit, reading its last output.
    func waitForExit(timeout: Double = 10) throws {
        let finished = waitUntil(timeout: timeout) {
            if !outputEnded { readOutput(timeoutMilliseconds: 20) }
            return !process.isRunning
        }
        guard finished else {
            process.terminate()
            throw WaitFailure(description: "linechat did not exit:\n\(screen.lines.joined(separator: "\n"))")
        }
        while !outputEnded, let bytes = terminal.read(timeoutMilliseconds: 100), !bytes.isEmpty {
            output += bytes
            screen.feed(bytes)
        }
    }

    var status: Int32 { process.terminationStatus }
}
