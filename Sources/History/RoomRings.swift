import ChatCore
import Locking

/// The last few PRIVMSG and NOTICE records of each room, in memory, so that replaying a room's
/// recent messages on JOIN never reads the disk. One lock guards every room's ring: appends
/// and reads are short (an array slot, or a copy of at most `capacity` records).
final class RoomRings: Sendable {
    /// One room's ring: `records` fills up to `capacity`, then `start` marks the oldest.
    struct Ring {
        var records: [HistoryRecord] = []
        var start = 0

        mutating func append(_ record: HistoryRecord, capacity: Int) {
            if records.count < capacity {
                records.append(record)
            } else {
                records[start] = record
                start = start + 1 == capacity ? 0 : start + 1
            }
        }

        /// The newest `limit`, oldest first.
        func newest(_ limit: Int) -> [HistoryRecord] {
            let count = min(limit, records.count)
            guard count > 0 else { return [] }
            var result: [HistoryRecord] = []
            result.reserveCapacity(count)
            let first = records.count - count  // position in logical (oldest-first) order
            for offset in first..<records.count {
                result.append(records[(start + offset) % records.count])
            }
            return result
        }
    }

    /// Every room's ring, and the room appended to last: a busy room's messages come in runs,
    /// and comparing its key is cheaper than hashing it.
    private struct State {
        var rings: [String: Ring] = [:]
        var lastRoom = ""
        var lastIndex: Dictionary<String, Ring>.Index?
    }

    let capacity: Int
    private let state = Locked(State())

    init(capacity: Int) {
        self.capacity = max(capacity, 0)
    }

    /// Adds a message record to its room's ring (events are not kept).
    func append(_ record: HistoryRecord) {
        guard capacity > 0, record.kind.isMessage else { return }
        state.withLock { state in
            if let index = state.lastIndex, state.lastRoom == record.room {
                state.rings.values[index].append(record, capacity: capacity)
                return
            }
            state.rings[record.room, default: Ring()].append(record, capacity: capacity)
            // An index stays valid until the dictionary changes its keys (warm, or a new room).
            state.lastIndex = state.rings.index(forKey: record.room)
            state.lastRoom = record.room
        }
    }

    /// Fills the rings from records read at start (each room's oldest first).
    func warm(_ records: [String: [HistoryRecord]]) {
        guard capacity > 0 else { return }
        state.withLock { state in
            for (room, list) in records {
                var ring = Ring()
                for record in list.suffix(capacity) { ring.append(record, capacity: capacity) }
                state.rings[room] = ring
            }
            state.lastIndex = nil
        }
    }

    /// The newest `limit` message records of `room`, oldest first.
    func recent(room: String, limit: Int) -> [HistoryRecord] {
        state.withLock { $0.rings[room]?.newest(limit) ?? [] }
    }
}
