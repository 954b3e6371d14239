import ChatServer

// The handlers of the command table, one per command, each under its grammar line.
extension ConsoleSession {
    /// help [command]
    mutating func help(_ arguments: String) -> [ConsoleAction] {
        if !arguments.isEmpty {
            guard let command = ConsoleCommand.named(arguments) else { return [.show(Self.notACommand)] }
            return [.show("\(command.usage): \(command.summary).")]
        }
        let rows = ConsoleCommand.table.map { [$0.usage, $0.summary] }
        let table = TextTable(columns: [.init(), .init()], indent: 2).lines(rows)
        return (["Server commands:"] + table).map(ConsoleAction.show)
    }

    /// list
    func list() -> [ConsoleAction] {
        ConsoleFormat.connections(server.connections(timeout: 2)).map(ConsoleAction.show)
    }

    /// announce [text]
    mutating func announce(_ text: String) -> [ConsoleAction] {
        guard !text.isEmpty else {
            isAwaitingAnnouncement = true
            return [.show(Self.announcePrompt)]
        }
        return send(announcement: text)
    }

    func send(announcement text: String) -> [ConsoleAction] {
        do {
            try server.announce(text)
        } catch {
            return [.show(Self.describe(error))]
        }
        let users = server.statisticsSnapshot()?.registeredUsers ?? 0
        return [.show("Announced to \(ConsoleFormat.count(users, "user")).")]
    }

    /// kick <nick> [reason]
    func kick(_ arguments: String) -> [ConsoleAction] {
        guard let (nick, rest) = ConsoleCommand.split(arguments) else { return [.show("Usage: kick <nick> [reason]")] }
        let reason = rest.isEmpty ? "no reason given" : rest
        do {
            try server.kick(nick, reason: reason)
        } catch {
            return [.show(Self.describe(error))]
        }
        return [.show("Kicked \(nick): \(reason)")]
    }

    /// stats
    func stats() -> [ConsoleAction] {
        guard let snapshot = server.statisticsSnapshot() else { return [.show(Self.describe(.notRunning))] }
        return ConsoleFormat.statistics(snapshot, logLinesDropped: logLinesDropped()).map(ConsoleAction.show)
    }

    /// clear
    func clear() -> [ConsoleAction] {
        [.clearScreen, .show(banner)]
    }

    static func describe(_ error: Server.OperatorError) -> String {
        switch error {
        case .notRunning: "The server is not running."
        case .noSuchNick(let nick): "No such nick: \(nick). Type 'list' to see who is connected."
        case .unsafeText(let reason): "Not sent. \(reason)."
        }
    }
}
