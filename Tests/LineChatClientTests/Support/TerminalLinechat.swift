import Foundation
import Platform
import TestSupport

/// `linechat` run on a pseudo-terminal (`TerminalProcess`), with TERM set and colours allowed.
final class TerminalLinechat {
    let session: TerminalProcess

    init(_ arguments: [String], columns: Int = 80, environment: [String: String] = [:]) throws {
        var env = ProcessInfo.processInfo.environment
        env["NO_COLOR"] = nil
        env["TERM"] = "xterm"
        for (key, value) in environment { env[key] = value }
        session = try TerminalProcess(
            URL(fileURLWithPath: try LinechatBinary.path()), arguments, columns: columns, rows: 24, environment: env)
    }

    var terminal: PseudoTerminal { session.terminal }
    var process: Process { session.process }
    var screen: Screen { session.screen }
    /// Everything linechat wrote, escape sequences included.
    var output: [UInt8] { session.output }
    var status: Int32 { session.status }

    func type(_ text: String) throws { try session.type(text) }

    /// Reads output until `condition` holds for the screen, or fails after `timeout` seconds.
    func waitForScreen(_ what: String, timeout: Double = 5, _ condition: (Screen) -> Bool) throws {
        try session.waitForScreen(what, timeout: timeout, condition)
    }

    /// Waits for linechat to exit, reading its last output.
    func waitForExit(timeout: Double = 10) throws { try session.waitForExit(timeout: timeout) }
}
