/// One entry of the console's command table: its name, its grammar and what it does.
struct ConsoleCommand: Sendable {
    /// The name typed, in lower case (matched case-insensitively).
    let name: String
    /// The grammar line shown by `help`.
    let usage: String
    /// What it does, in one line.
    let summary: String
    /// Carries it out; `arguments` is the rest of the line after the name, trimmed.
    let run: @Sendable (inout ConsoleSession, _ arguments: String) -> [ConsoleAction]

    /// Every command, in the order `help` lists them.
    static let table: [ConsoleCommand] = [
        ConsoleCommand(
            name: "help", usage: "help [command]", summary: "Show this list, or how to use one command",
            run: { session, arguments in session.help(arguments) }),
        ConsoleCommand(
            name: "list", usage: "list",
            summary: "List every connection: nick, address, rooms, time connected and idle, traffic",
            run: { session, _ in session.list() }),
        ConsoleCommand(
            name: "rooms", usage: "rooms", summary: "List every room: name, members, topic and modes",
            run: { session, _ in session.rooms() }),
        ConsoleCommand(
            name: "announce", usage: "announce [text]",
            summary: "Send every user a server notice (asks for the text when not given)",
            run: { session, arguments in session.announce(arguments) }),
        ConsoleCommand(
            name: "kick", usage: "kick [#room] <nick> [reason]",
            summary: "Disconnect a user, or with a room remove them from it; they see the reason",
            run: { session, arguments in session.kick(arguments) }),
        ConsoleCommand(
            name: "stats", usage: "stats",
            summary: "Show uptime, connections, traffic, disconnects and memory",
            run: { session, _ in session.stats() }),
        ConsoleCommand(
            name: "reload", usage: "reload",
            summary: "Read the config file again, as SIGHUP does: MOTD, limits, flood, log level, TLS certificate",
            run: { session, _ in session.reload() }),
        ConsoleCommand(
            name: "clear", usage: "clear", summary: "Clear the screen and show the banner again",
            run: { session, _ in session.clear() }),
        ConsoleCommand(
            name: "quit", usage: "quit", summary: "Shut the server down gracefully (every user is told) and exit",
            run: { _, _ in [.show("Shutting down."), .quit] }),
    ]

    /// The command called `name` (any case), if there is one.
    static func named(_ name: String) -> ConsoleCommand? {
        let lowered = name.lowercased()
        return table.first { $0.name == lowered }
    }

    /// Splits a typed line into its command name and the rest (inner spacing kept); nil for a
    /// blank line.
    static func split(_ line: String) -> (name: String, arguments: String)? {
        let trimmed = line.trimmingSpaces()
        guard !trimmed.isEmpty else { return nil }
        guard let space = trimmed.firstIndex(where: \.isWhitespace) else { return (trimmed, "") }
        return (String(trimmed[..<space]), String(trimmed[space...]).trimmingSpaces())
    }
}

extension String {
    /// The string without white space at either end.
    func trimmingSpaces() -> String {
        guard let first = firstIndex(where: { !$0.isWhitespace }),
            let last = lastIndex(where: { !$0.isWhitespace })
        else { return "" }
        return String(self[first...last])
    }
}
