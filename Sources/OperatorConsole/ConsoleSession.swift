import ChatServer

/// The operator console as a state machine: feed it the lines the operator types, it returns
/// what to print and whether to clear the screen or quit. It reads the server only through
/// `OperatorServer`, so it runs the same behind a terminal, a pipe or a unit test.
public struct ConsoleSession {
    /// The reply to anything that is not a command.
    public static let notACommand =
        "Not a valid server command. Type 'help' to see the list of server commands."
    /// The follow-up question of `announce` without text.
    public static let announcePrompt = "What would you like to announce?"
    /// The prompt shown at a terminal.
    public static let prompt = ">> "

    /// Shown at start and after `clear`.
    public let banner: String
    let server: any OperatorServer
    /// Log lines dropped so far, for `stats`.
    let logLinesDropped: () -> Int
    /// Reads the configuration again and says what changed (the `reload` command); nil when
    /// there is nothing to reload.
    let reloadConfiguration: (() -> [String])?
    /// Whether the next line is the text of an announcement (after `announce` alone).
    public internal(set) var isAwaitingAnnouncement = false

    /// `logLinesDropped` counts the log lines dropped so far (shown by `stats`); `reload` reads
    /// the configuration again (the `reload` command) and returns what it did, a line each.
    public init(
        server: any OperatorServer, banner: String, logLinesDropped: @escaping () -> Int = { 0 },
        reload: (() -> [String])? = nil
    ) {
        self.server = server
        self.banner = banner
        self.logLinesDropped = logLinesDropped
        self.reloadConfiguration = reload
    }

    /// The banner for a server listening on `host` and `port`.
    public static func banner(host: String, port: Int) -> String {
        let address = host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        return "Server listening on \(address). Type 'help' to see a list of available server commands."
    }

    /// Handles one typed line.
    public mutating func submit(_ line: String) -> [ConsoleAction] {
        if isAwaitingAnnouncement {
            isAwaitingAnnouncement = false
            let text = line.trimmingSpaces()
            return text.isEmpty ? [.show("Nothing announced.")] : send(announcement: text)
        }
        guard let (name, arguments) = ConsoleCommand.split(line) else { return [] }
        guard let command = ConsoleCommand.named(name) else { return [.show(Self.notACommand)] }
        return command.run(&self, arguments)
    }
}
