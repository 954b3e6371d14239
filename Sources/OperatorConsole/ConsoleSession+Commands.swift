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

    /// rooms
    func rooms() -> [ConsoleAction] {
        ConsoleFormat.rooms(server.rooms()).map(ConsoleAction.show)
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
        return [.show("Announced to \(ConsoleFormat.count(users, "user")) as a server notice.")]
    }

    /// kick [#room] <nick> [reason]
    func kick(_ arguments: String) -> [ConsoleAction] {
        let usage = [ConsoleAction.show("Usage: kick [#room] <nick> [reason]")]
        guard let (first, rest) = ConsoleCommand.split(arguments) else { return usage }
        guard first.hasPrefix("#") else {
            let reason = rest.isEmpty ? "no reason given" : rest
            do {
                try server.kick(first, reason: reason)
            } catch {
                return [.show(Self.describe(error))]
            }
            return [.show("Kicked \(first): \(reason)")]
        }
        guard let (nick, text) = ConsoleCommand.split(rest) else { return usage }
        let reason = text.isEmpty ? "no reason given" : text
        do {
            try server.kick(nick, fromRoom: first, reason: reason)
        } catch {
            return [.show(Self.describe(error))]
        }
        return [.show("Kicked \(nick) from \(first): \(reason)")]
    }

    /// stats
    func stats() -> [ConsoleAction] {
        guard let snapshot = server.statisticsSnapshot() else { return [.show(Self.describe(.notRunning))] }
        return ConsoleFormat.statistics(snapshot, logLinesDropped: logLinesDropped()).map(ConsoleAction.show)
    }

    /// clear
    func reload() -> [ConsoleAction] {
        guard let reloadConfiguration else { return [.show("Nothing to reload.")] }
        return reloadConfiguration().map { .show($0) }
    }

    func clear() -> [ConsoleAction] {
        [.clearScreen, .show(banner)]
    }

    static func describe(_ error: Server.OperatorError) -> String {
        switch error {
        case .notRunning: "The server is not running."
        case .noSuchNick(let nick): "No such nick: \(nick). Type 'list' to see who is connected."
        case .unsafeText(let reason): "Not sent. \(reason)."
        case .noSuchRoom(let room): "No such room: \(room). Type 'rooms' to see the rooms."
        case .notInRoom(let nick, let room): "\(nick) is not in \(room). Type 'rooms' to see who is where."
        case .onAnotherNode(let nick): "\(nick) is connected to another node of the cluster: kick them from that node's console."
        }
    }
}
