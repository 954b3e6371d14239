import Foundation
import Platform
import TestSupport

/// The built `linechat-server` on a pseudo-terminal (`TerminalProcess`), as an operator runs
/// it; the screen holds console output and log lines alike. Waits for the banner to learn the port.
final class TerminalServer: ChatServerUnderTest {
    let session: TerminalProcess
    private(set) var port = 0
    /// The history directory made for this server (removed with it), so that it never writes
    /// `linechat-data` into the directory the tests run in.
    let dataDirectory: String

    init(_ arguments: [String] = [], columns: Int = 100) throws {
        dataDirectory = try Posix.makeTemporaryDirectory(prefix: "linechat-terminal-test-")
        session = try TerminalProcess(
            ServerProcess.productsDirectory.appendingPathComponent("linechat-server"),
            ["--host", "127.0.0.1", "--port", "0", "--http-port", "none", "--metrics-port", "none", "--data-dir", dataDirectory] + arguments, columns: columns, rows: 40)
        let prefix = "Server listening on 127.0.0.1:"
        try waitForScreen("the banner") { screen in
            screen.lines.contains { $0.hasPrefix(prefix) && $0.hasSuffix("available server commands.") }
        }
        let banner = screen.lines.first { $0.hasPrefix(prefix) && $0.hasSuffix("commands.") }!
        port = Int(banner.dropFirst(prefix.count).prefix { $0.isNumber })!
    }

    deinit { try? FileManager.default.removeItem(atPath: dataDirectory) }

    var terminal: PseudoTerminal { session.terminal }
    var process: Process { session.process }
    var screen: Screen { session.screen }

    func type(_ text: String) throws { try session.type(text) }

    func connect() throws -> TestClient { try TestClient(port: port) }

    /// Reads output until `condition` holds for the screen, or fails after `timeout` seconds.
    func waitForScreen(_ what: String, timeout: Double = 5, _ condition: (Screen) -> Bool) throws {
        try session.waitForScreen(what, timeout: timeout, condition)
    }

    /// Waits for the server to exit, reading its last output; returns its exit status.
    func waitForExit(timeout: Double = 10) throws -> Int32 { try session.waitForExit(timeout: timeout) }
}
