import ChatCore

/// Where an anchor is, as message ids: a stored message is one id; a timestamp, every id that
/// can be stamped in its millisecond.
struct AnchorPosition {
    var lowest: Int64
    var highest: Int64

    /// Ids below this are before the anchor.
    var before: Int64 { lowest }
    /// Ids above this are after the anchor.
    var after: Int64 { highest }
    /// Ids above this are at or after the anchor.
    var atOrAfter: Int64 { lowest - 1 }
}

extension HistoryDatabase {
    /// Answers a CHATHISTORY query. Without `includeEvents` only PRIVMSG and NOTICE are read
    /// (for clients without draft/event-playback); anchors may still be events. Records are in
    /// id order: the order the server stamped them, which is their times' order.
    public func read(_ query: HistoryQuery, includeEvents: Bool) throws(HistoryError) -> HistoryReadResult {
        switch query {
        case .latest(let room, let anchor, let limit):
            guard limit > 0 else { return .records([]) }
            var above: Int64 = 0
            if let anchor {
                guard let position = try position(of: anchor, in: room) else { return unknown(anchor) }
                above = position.after
            }
            return .records(
                try select(room: room, includeEvents: includeEvents, above: above, below: .max, newestFirst: true, limit: limit))
        case .before(let room, let anchor, let limit):
            guard limit > 0 else { return .records([]) }
            guard let position = try position(of: anchor, in: room) else { return unknown(anchor) }
            return .records(
                try select(
                    room: room, includeEvents: includeEvents, above: 0, below: position.before, newestFirst: true,
                    limit: limit))
        case .after(let room, let anchor, let limit):
            guard limit > 0 else { return .records([]) }
            guard let position = try position(of: anchor, in: room) else { return unknown(anchor) }
            return .records(
                try select(
                    room: room, includeEvents: includeEvents, above: position.after, below: .max, newestFirst: false,
                    limit: limit))
        case .around(let room, let anchor, let limit):
            guard limit > 0 else { return .records([]) }
            guard let position = try position(of: anchor, in: room) else { return unknown(anchor) }
            let before = try select(
                room: room, includeEvents: includeEvents, above: 0, below: position.before, newestFirst: true,
                limit: limit / 2)
            let rest = try select(
                room: room, includeEvents: includeEvents, above: position.atOrAfter, below: .max, newestFirst: false,
                limit: limit - before.count)
            return .records(before + rest)
        case .between(let room, let first, let second, let limit):
            guard limit > 0 else { return .records([]) }
            guard let start = try position(of: first, in: room) else { return unknown(first) }
            guard let end = try position(of: second, in: room) else { return unknown(second) }
            let backwards = start.lowest > end.lowest
            let (low, high) = backwards ? (end, start) : (start, end)
            return .records(
                try select(
                    room: room, includeEvents: includeEvents, above: low.after, below: high.before,
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
            return AnchorPosition(lowest: MessageID.first(at: time), highest: MessageID.last(at: time))
        case .msgid(let msgid):
            guard let id = MessageID.parse(msgid) else { return nil }
            let chunk = try connection.statement(
                "SELECT last_id, records FROM chunks WHERE room = ? AND first_id <= ? ORDER BY first_id DESC LIMIT 1")
            defer { chunk.reset() }
            chunk.bind(1, room)
            chunk.bind(2, id)
            guard try chunk.step("find a message"), chunk.int64(0) >= id,
                try decode(chunk, column: 1, room: room).contains(where: { $0.id == id })
            else { return nil }
            return AnchorPosition(lowest: id, highest: id)
        }
    }

    /// The records of `room` with ids between `above` and `below` (both excluded): the first
    /// `limit`, or with `newestFirst` the last `limit`; returned oldest first either way.
    /// Chunks of a room never overlap, so the walk reads them in order from one end.
    func select(
        room: String, includeEvents: Bool, above: Int64, below: Int64, newestFirst: Bool, limit: Int
    ) throws(HistoryError) -> [HistoryRecord] {
        guard limit > 0, above < below else { return [] }
        var records: [HistoryRecord] = []
        func take(_ record: HistoryRecord) -> Bool {
            guard record.id > above, record.id < below, includeEvents || record.kind.isMessage else { return true }
            records.append(record)
            return records.count < limit
        }
        if newestFirst {
            let chunks = try connection.statement(
                "SELECT last_id, records FROM chunks WHERE room = ? AND first_id < ? ORDER BY first_id DESC")
            defer { chunks.reset() }
            chunks.bind(1, room)
            chunks.bind(2, below)
            walk: while try chunks.step("read history") {
                guard chunks.int64(0) > above else { break }
                for stored in try decode(chunks, column: 1, room: room).reversed() where !take(stored) { break walk }
            }
            records.reverse()
        } else {
            // The chunk holding `above`, if any, then the ones after it.
            let chunks = try connection.statement(
                """
                SELECT first_id, records FROM chunks WHERE room = ?1 AND first_id >= coalesce(
                    (SELECT max(first_id) FROM chunks WHERE room = ?1 AND first_id <= ?2), ?2) ORDER BY first_id
                """)
            defer { chunks.reset() }
            chunks.bind(1, room)
            chunks.bind(2, above)
            walk: while try chunks.step("read history") {
                guard chunks.int64(0) < below else { break }
                for stored in try decode(chunks, column: 1, room: room) where !take(stored) { break walk }
            }
        }
        return records
    }

    /// TARGETS: the latest message time in (from, to) of each room among `rooms` that has one.
    private func targets(
        from: Int64, to: Int64, rooms: [String], limit: Int, includeEvents: Bool
    ) throws(HistoryError) -> [HistoryTarget] {
        guard limit > 0 else { return [] }
        var found: [HistoryTarget] = []
        var seen: Set<String> = []
        for room in rooms where seen.insert(room).inserted {
            let latest = try select(
                room: room, includeEvents: includeEvents, above: MessageID.last(at: min(from, to)),
                below: MessageID.first(at: max(from, to)), newestFirst: true, limit: 1)
            if let record = latest.first {
                found.append(HistoryTarget(room: room, roomName: record.roomName, latest: record.time))
            }
        }
        found.sort { ($0.latest, $0.room) < ($1.latest, $1.room) }
        return from <= to ? Array(found.prefix(limit)) : Array(found.suffix(limit))
    }
}
