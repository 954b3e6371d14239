import Cluster
import ChatCore
import ChatServer
import TerminalUI

/// How the console shows numbers and its two tables: durations as `3m 12s`, sizes as `1.2 KiB`.
public enum ConsoleFormat {
    /// A duration in the two largest units that matter: `0s`, `45s`, `3m 12s`, `2h 5m`, `3d 4h`.
    public static func duration(_ seconds: Double) -> String {
        let total = max(0, Int(seconds.isFinite ? seconds : 0))
        let (days, hours, minutes, secs) = (total / 86400, total / 3600 % 24, total / 60 % 60, total % 60)
        if days > 0 { return "\(days)d \(hours)h" }
        if total >= 3600 { return "\(total / 3600)h \(minutes)m" }
        if total >= 60 { return "\(minutes)m \(secs)s" }
        return "\(secs)s"
    }

    /// A size in bytes: `512 B` below 1 KiB, then one decimal in KiB, MiB, GiB or TiB.
    public static func bytes(_ count: Int) -> String {
        guard count >= 1024 else { return "\(max(0, count)) B" }
        let units = ["KiB", "MiB", "GiB", "TiB"]
        var value = Double(count) / 1024
        var unit = 0
        // Round first, so 1048575 bytes is 1.0 MiB rather than 1024.0 KiB.
        while (value * 10).rounded() >= 10240 && unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10) \(units[unit])"
    }

    /// `1 user`, `2 users`.
    public static func count(_ number: Int, _ noun: String) -> String {
        "\(number) \(noun)\(number == 1 ? "" : "s")"
    }

    /// The `list` output: one row per connection (a TLS one's address marked `(TLS)`, a
    /// WebSocket one's `(WebSocket)`, an HTTP request's `(HTTP)`), then a
    /// summary line.
    public static func connections(_ infos: [ConnectionInfo]) -> [String] {
        guard !infos.isEmpty else { return ["No connections."] }
        let table = TextTable(columns: [
            .init(header: "NICK"), .init(header: "ADDRESS"),
            .init(header: "CONNECTED", alignRight: true), .init(header: "IDLE", alignRight: true),
            .init(header: "LINES IN", alignRight: true), .init(header: "BYTES IN", alignRight: true),
            .init(header: "LINES OUT", alignRight: true), .init(header: "BYTES OUT", alignRight: true),
            .init(header: "ROOMS"),
        ])
        let rows = infos.map { info in
            [
                TerminalText.sanitized(info.nickname ?? "-"), info.kind == .plain ? info.address : info.address + " (\(info.kind.displayName))",
                duration(info.connectedSeconds), duration(info.idleSeconds),
                "\(info.linesIn)", bytes(info.bytesIn), "\(info.linesOut)", bytes(info.bytesOut),
                info.rooms.isEmpty ? "-" : TerminalText.sanitized(info.rooms.joined(separator: " ")),
            ]
        }
        let registered = infos.filter { $0.nickname != nil }.count
        return table.lines(rows) + ["\(count(infos.count, "connection")), \(registered) registered."]
    }

    /// The `rooms` output: one row per room (members with their `@`/`+` prefixes, in join
    /// order), then a summary line. Names and topics are users' text: shown sanitized.
    public static func rooms(_ rooms: [RoomInfo]) -> [String] {
        guard !rooms.isEmpty else { return ["No rooms."] }
        let table = TextTable(columns: [
            .init(header: "ROOM"), .init(header: "USERS", alignRight: true), .init(header: "MODES"),
            .init(header: "MEMBERS"), .init(header: "TOPIC"),
        ])
        let rows = rooms.map { room in
            [
                TerminalText.sanitized(room.name), "\(room.members.count)", TerminalText.sanitized(room.modes),
                TerminalText.sanitized(room.members.joined(separator: " ")),
                room.topic.map(TerminalText.sanitized) ?? "-",
            ]
        }
        let members = rooms.reduce(0) { $0 + $1.members.count }
        return table.lines(rows) + ["\(count(rooms.count, "room")), \(count(members, "member")) in all."]
    }

    /// The `stats` output: one aligned "name  value" line per figure, with the log lines
    /// dropped because the log output stalled.
    public static func statistics(_ snapshot: StatisticsSnapshot, logLinesDropped: Int = 0) -> [String] {
        var rows = [
            ["Uptime", duration(snapshot.uptimeSeconds)],
            [
                "Connections",
                "\(snapshot.connections) now, \(snapshot.peakConnections) at peak, \(snapshot.connectionsRefused) refused",
            ],
            ["Registered users", "\(snapshot.registeredUsers)"],
            ["Lines received", "\(snapshot.linesIn)"],
            ["Messages relayed", "\(snapshot.messagesRelayed)"],
            ["Deliveries", "\(snapshot.deliveries)"],
            ["Bytes in", bytes(snapshot.bytesIn)],
            ["Bytes out", bytes(snapshot.bytesOut)],
            ["SendQ disconnects", "\(snapshot.sendQueueDisconnects)"],
            ["Flood disconnects", "\(snapshot.floodDisconnects)"],
            ["Output budget drops", "\(snapshot.outputBudgetDisconnects)"],
            ["Input discarded", bytes(snapshot.discardedInputBytes)],
            ["Log lines dropped", "\(logLinesDropped)"],
            ["Resident memory", bytes(snapshot.residentMemoryBytes)],
            ["History", history(snapshot.history)],
        ]
        if !snapshot.disconnects.isEmpty {
            let counted = snapshot.disconnects.filter { $0.count > 0 }.map { "\($0.reason.label) \($0.count)" }
            let index = rows.firstIndex { $0[0] == "Output budget drops" }.map { $0 + 1 } ?? rows.count
            rows.insert(["Disconnects", counted.isEmpty ? "none" : counted.joined(separator: ", ")], at: index)
        }
        if let cluster = snapshot.cluster {
            rows.append(["Cluster", Self.cluster(cluster)])
            let nodes = cluster.nodes.keys.sorted().map { index in
                "\(TerminalText.sanitized(cluster.nodeNames[index] ?? "node \(index)")): \(cluster.nodes[index]!) users"
            }
            rows.append(["Cluster users", nodes.isEmpty ? "none" : nodes.joined(separator: ", ")])
        }
        if snapshot.servesTLS {
            rows.insert(
                ["TLS handshakes", "\(snapshot.tlsHandshakes) done, \(snapshot.tlsHandshakeFailures) failed"], at: 2)
        }
        return TextTable(columns: [.init(), .init()]).lines(rows)
    }

    /// A cluster node's link to Redis and what it has done with it.
    public static func cluster(_ status: ClusterStatus) -> String {
        "node \(TerminalText.sanitized(status.nodeName)) (index \(status.nodeIndex)), Redis "
            + (status.connected ? "connected" : "UNREACHABLE") + "; \(status.commands) commands in "
            + "\(status.roundTrips) round trips, \(status.entriesAppended) entries appended, \(status.entriesRead) read, "
            + "\(status.linesDropped) lines dropped, \(status.reconnects) reconnects, \(status.snapshots) snapshots"
    }

    /// "off", or the store's figures, DEGRADED first when writing fails.
    public static func history(_ status: HistoryStatus?) -> String {
        guard let status else { return "off (--no-history)" }
        let figures =
            "\(status.stored) stored, \(status.queued) queued, \(status.dropped) dropped; "
            + "\(status.commits) commits, last \(status.lastCommitMicroseconds) µs, longest \(status.maxCommitMicroseconds) µs"
        guard let degraded = status.degraded else { return figures }
        return "DEGRADED (\(TerminalText.sanitized(degraded))): " + figures
    }
}
