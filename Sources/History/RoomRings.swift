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

    let capacity: Int
    private let rings = Locked([String: Ring]())

    init(capacity: Int) {
        self.capacity = max(capacity, 0)
    }

    /// Adds a message record to its room's ring (events are not kept).
    func append(_ record: HistoryRecord) {
        guard capacity > 0, record.kind.isMessage else { return }
        rings.withLock { $0[record.room, default: Ring()].append(record, capacity: capacity) }
    }

    /// Fills the rings from records read at start (each room's oldest first).
    func warm(_ records: [String: [HistoryRecord]]) {
        guard capacity > 0 else { return }
        rings.withLock { rings in
            for (room, list) in records {
                var ring = Ring()
                for record in list.suffix(capacity) { ring.append(record, capacity: capacity) }
                rings[room] = ring
            }
        }
    }

    /// The newest `limit` message records of `room`, oldest first.
    func recent(room: String, limit: Int) -> [HistoryRecord] {
        rings.withLock { $0[room]?.newest(limit) ?? [] }
    }
}
