import Locking
import ChatCore
import Foundation
import Platform
import TestSupport

/// Where the built `linechat` is: beside the test bundle in the build products directory
/// (`swift test` builds every executable first). `LINECHAT_BINARY` overrides.
enum LinechatBinary {
    struct NotFound: Error, CustomStringConvertible {
        let looked: [String]
        var description: String { "linechat binary not found; looked at \(looked.joined(separator: ", "))" }
    }

    static func path() throws -> String {
        var candidates: [String] = []
        if let override = ProcessInfo.processInfo.environment["LINECHAT_BINARY"] { candidates.append(override) }
        for executable in [Bundle.main.executablePath, CommandLine.arguments.first].compactMap({ $0 }) {
            var directory = URL(fileURLWithPath: executable).deletingLastPathComponent()
            // On macOS the test bundle is a directory: .../debug/X.xctest/Contents/MacOS/X.
            if directory.path.contains(".xctest/") {
                while directory.pathExtension != "xctest" && directory.path != "/" {
                    directory.deleteLastPathComponent()
                }
                directory.deleteLastPathComponent()
            }
            candidates.append(directory.appendingPathComponent("linechat").path)
        }
        if let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) { return found }
        throw NotFound(looked: candidates)
    }
}

/// Bytes a child process writes to one pipe, collected by a reader thread so the test can
/// wait for what it expects.
final class OutputCollector: Sendable {
    private let bytes = Locked<[UInt8]>([])
    private let ended = Locked<Bool>(false)

    init(_ handle: FileHandle) {
        let thread = Thread { [self] in
            while true {
                let data = handle.availableData
                if data.isEmpty { break }
                bytes.withLock { $0.append(contentsOf: data) }
            }
            ended.withLock { $0 = true }
        }
        thread.start()
    }

    var text: String { String(decoding: bytes.withLock { $0 }, as: UTF8.self) }
    var lines: [String] { text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) }
    var isEnded: Bool { ended.withLock { $0 } }
}

/// A failed wait, with what was there instead.
struct WaitFailure: Error, CustomStringConvertible {
    let description: String
}

/// `linechat` run with pipes, as a script would run it.
final class ScriptedLinechat {
    let process = Process()
    let stdin = Pipe()
    let stdout: OutputCollector
    let stderr: OutputCollector

    /// Starts `linechat` with `arguments`; stdin stays open until `closeInput`.
    init(_ arguments: [String], environment: [String: String] = [:]) throws {
        process.executableURL = URL(fileURLWithPath: try LinechatBinary.path())
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env["NO_COLOR"] = nil
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let out = Pipe()
        let err = Pipe()
        process.standardInput = stdin
        process.standardOutput = out
        process.standardError = err
        try process.run()
        stdout = OutputCollector(out.fileHandleForReading)
        stderr = OutputCollector(err.fileHandleForReading)
    }

    /// Runs `linechat` with `input` as its whole stdin and waits for it to exit.
    static func run(_ arguments: [String], input: String, timeout: Double = 10) throws -> ScriptedLinechat {
        let run = try ScriptedLinechat(arguments)
        run.type(input)
        run.closeInput()
        try run.waitForExit(timeout: timeout)
        return run
    }

    func type(_ text: String) {
        stdin.fileHandleForWriting.write(Data(text.utf8))
    }

    func closeInput() {
        try? stdin.fileHandleForWriting.close()
    }

    /// Waits until stdout has a line satisfying `predicate`.
    func waitForLine(_ what: String, timeout: Double = 5, where predicate: (String) -> Bool) throws {
        guard waitUntil(timeout: timeout, { stdout.lines.contains(where: predicate) }) else {
            throw WaitFailure(description: "no line \(what) in stdout:\n\(stdout.text)")
        }
    }

    /// Waits until stdout has the line `line`.
    func waitForLine(_ line: String, timeout: Double = 5) throws {
        try waitForLine("\"\(line)\"", timeout: timeout) { $0 == line }
    }

    /// Waits for the process to exit and its output to be read.
    func waitForExit(timeout: Double = 10) throws {
        guard waitUntil(timeout: timeout, { !process.isRunning && stdout.isEnded && stderr.isEnded }) else {
            process.terminate()
            throw WaitFailure(description: "linechat did not exit; stdout:\n\(stdout.text)\nstderr:\n\(stderr.text)")
        }
    }

    var status: Int32 { process.terminationStatus }
}
