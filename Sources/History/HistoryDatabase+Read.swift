import ChatCore

/// A WHERE clause term with its `?` parameters, in order.
struct Condition {
    var sql: String
    var values: [Int64]

    init(_ sql: String, _ values: [Int64]) {
        self.sql = sql
        self.values = values
    }
}

/// How a read orders and compares messages. Reads walk the (room, time) index, which carries
/// the row id too: messages come in the order of their times, insertion order (`id`) among
/// those of the same millisecond. (One index per row, not two: each costs every insert a
/// b-tree insert on the history thread.)
enum ReadOrder {
    case time

    var sql: String { "time, id" }
}

/// Where an anchor is: a stored message's time and id, or a bare timestamp.
struct AnchorPosition {
    var time: Int64
    var id: Int64?

    /// The term selecting messages `comparison` (<, >, >=) this position.
    func condition(_ comparison: String, order: ReadOrder) -> Condition {
        switch (order, id) {
        case (.time, let id?): Condition("(time, id) \(comparison) (?, ?)", [time, id])
        case (_, nil): Condition("time \(comparison) ?", [time])
        }
    }

    /// Whether this position comes after `other` in `order`.
    func isLater(than other: AnchorPosition, order: ReadOrder) -> Bool {
        return (time, id ?? 0) > (other.time, other.id ?? 0)
    }
}

extension HistoryDatabase {
    /// Answers a CHATHISTORY query. Without `includeEvents` only PRIVMSG and NOTICE are read
    /// (for clients without draft/event-playback); anchors may still be events.
    public func read(_ query: HistoryQuery, includeEvents: Bool) throws(HistoryError) -> HistoryReadResult {
        switch query {
        case .latest(let room, let anchor, let limit):
            guard limit > 0 else { return .records([]) }
            var conditions: [Condition] = []
            let order = ReadOrder.time
            if let anchor {
                guard let position = try position(of: anchor, in: room) else { return unknown(anchor) }
                conditions.append(position.condition(">", order: order))
            }
            return .records(
                try select(
                    room: room, includeEvents: includeEvents, conditions: conditions, order: order, newestFirst: true,
                    limit: limit))
        case .before(let room, let anchor, let limit):
            guard limit > 0 else { return .records([]) }
            guard let position = try position(of: anchor, in: room) else { return unknown(anchor) }
            let order = ReadOrder.time
            return .records(
                try select(
                    room: room, includeEvents: includeEvents, conditions: [position.condition("<", order: order)],
                    order: order, newestFirst: true, limit: limit))
        case .after(let room, let anchor, let limit):
            guard limit > 0 else { return .records([]) }
            guard let position = try position(of: anchor, in: room) else { return unknown(anchor) }
            let order = ReadOrder.time
            return .records(
                try select(
                    room: room, includeEvents: includeEvents, conditions: [position.condition(">", order: order)],
                    order: order, newestFirst: false, limit: limit))
        case .around(let room, let anchor, let limit):
            guard limit > 0 else { return .records([]) }
            guard let position = try position(of: anchor, in: room) else { return unknown(anchor) }
            let order = ReadOrder.time
            let before = try select(
                room: room, includeEvents: includeEvents, conditions: [position.condition("<", order: order)],
                order: order, newestFirst: true, limit: limit / 2)
            let rest = try select(
                room: room, includeEvents: includeEvents, conditions: [position.condition(">=", order: order)],
                order: order, newestFirst: false, limit: limit - before.count)
            return .records(before + rest)
        case .between(let room, let first, let second, let limit):
            guard limit > 0 else { return .records([]) }
            guard let start = try position(of: first, in: room) else { return unknown(first) }
            guard let end = try position(of: second, in: room) else { return unknown(second) }
            let order = ReadOrder.time
            let backwards = start.isLater(than: end, order: order)
            let (low, high) = backwards ? (end, start) : (start, end)
            return .records(
                try select(
                    room: room, includeEvents: includeEvents,
                    conditions: [low.condition(">", order: order), high.condition("<", order: order)], order: order,
                    newestFirst: backwards, limit: limit))
        case .targets(let from, let to, let rooms, let limit):
            return .targets(try targets(from: from, to: to, rooms: rooms, limit: limit, includeEvents: includeEvents))
        }
    }

    private func unknown(_ anchor: HistoryAnchor) -> HistoryReadResult {
        guard case .msgid(let msgid) = anchor else { return .records([]) }
        return .unknownMessage(msgid: msgid)
    }

    /// Where `anchor` is in `room`; nil for a msgid not stored there.
    private func position(of anchor: HistoryAnchor, in room: String) throws(HistoryError) -> AnchorPosition? {
        switch anchor {
        case .timestamp(let time):
            return AnchorPosition(time: time, id: nil)
        case .msgid(let msgid):
            let find = try connection.statement("SELECT id, time FROM messages WHERE msgid = ? AND room = ?")
            defer { find.reset() }
            find.bind(1, msgid)
            find.bind(2, room)
            guard try find.step("find a message") else { return nil }
            return AnchorPosition(time: find.int64(1), id: find.int64(0))
        }
    }

    /// The messages of `room` meeting `conditions`: the first `limit` in `order`, or with
    /// `newestFirst` the last `limit`; returned oldest first either way.
    func select(
        room: String, includeEvents: Bool, conditions: [Condition], order: ReadOrder, newestFirst: Bool, limit: Int
    ) throws(HistoryError) -> [HistoryRecord] {
        guard limit > 0 else { return [] }
        var sql = "SELECT \(Self.columns) FROM messages WHERE room = ? AND kind <= ?"
        for condition in conditions { sql += " AND " + condition.sql }
        let direction = newestFirst ? " DESC" : ""
        sql += " ORDER BY " + order.sql.split(separator: ",").map { $0 + direction }.joined(separator: ",")
        sql += " LIMIT ?"
        let select = try connection.statement(sql)
        defer { select.reset() }
        var index: Int32 = 1
        select.bind(index, room)
        index += 1
        select.bind(index, includeEvents ? Int64(UInt8.max) : Int64(HistoryKind.notice.rawValue))
        index += 1
        for condition in conditions {
            for value in condition.values {
                select.bind(index, value)
                index += 1
            }
        }
        select.bind(index, Int64(limit))
        var records: [HistoryRecord] = []
        while try select.step("read history") {
            guard let kind = HistoryKind(rawValue: UInt8(clamping: select.int64(4))) else { continue }
            records.append(
                HistoryRecord(
                    msgid: select.string(0), time: select.int64(1), room: select.string(2),
                    roomName: select.string(3), kind: kind, nick: select.string(5), source: select.string(6),
                    text: select.string(7), target: select.string(8)))
        }
        if newestFirst { records.reverse() }
        return records
    }

    /// TARGETS: the latest message time in (from, to) of each room among `rooms` that has one.
    private func targets(
        from: Int64, to: Int64, rooms: [String], limit: Int, includeEvents: Bool
    ) throws(HistoryError) -> [HistoryTarget] {
        guard limit > 0 else { return [] }
        let latest = try connection.statement(
            """
            SELECT time, room_name FROM messages
            WHERE room = ? AND kind <= ? AND time > ? AND time < ? ORDER BY time DESC LIMIT 1
            """)
        var found: [HistoryTarget] = []
        var seen: Set<String> = []
        for room in rooms where seen.insert(room).inserted {
            latest.bind(1, room)
            latest.bind(2, includeEvents ? Int64(UInt8.max) : Int64(HistoryKind.notice.rawValue))
            latest.bind(3, min(from, to))
            latest.bind(4, max(from, to))
            if try latest.step("read targets") {
                found.append(HistoryTarget(room: room, roomName: latest.string(1), latest: latest.int64(0)))
            }
            latest.reset()
        }
        found.sort { ($0.latest, $0.room) < ($1.latest, $1.room) }
        return from <= to ? Array(found.prefix(limit)) : Array(found.suffix(limit))
    }
}
