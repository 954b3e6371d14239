import ChatCore
import Platform
import RedisClient
import RedisProtocol

/// Snapshots of the directory, so that the log does not grow for ever: every
/// `snapshotEvery` log entries, one node (the holder of `<prefix>:snapshot-lock`) writes the
/// directory as it stands after the entry it has just applied, as the operations that build it
/// again (each user, its away text and +i; each room with its topic and modes, then its members
/// with their status), and trims the log to the previous snapshot: a node less than one snapshot
/// behind still finds every entry it has not read. A node that starts reads the snapshot, then
/// the log after it. Only the reader thread changes the directory, so a snapshot taken there
/// between two entries is exactly the log up to the one before.
extension ClusterNode {
    /// Writes a snapshot if this node is the one to take it now.
    func takeSnapshotIfDue(after logID: String, entries: inout Int, _ connection: RedisConnection) {
        guard entries >= settings.snapshotEvery else { return }
        entries = 0
        guard
            let lock = try? connection.roundTrip(
                RESPCommand("SET", .string(keys.snapshotLock), .integer(nodeIndex), "NX", "PX", 60_000), timeout: 5),
            lock.isOK
        else { return }
        defer { _ = try? connection.roundTrip(RESPCommand("DEL", .string(keys.snapshotLock)), timeout: 5) }
        let previous = (try? connection.roundTrip(RESPCommand("GET", .string(keys.snapshotID)), timeout: 5))?.string
        var commands: [RESPCommand] = [
            RESPCommand("MULTI"),
            RESPCommand("SET", .string(keys.snapshot), .bytes(snapshot())),
            RESPCommand("SET", .string(keys.snapshotID), .string(logID)),
        ]
        if let previous {
            commands.append(RESPCommand("XTRIM", .string(keys.log), "MINID", .string(previous)))
            commands.append(RESPCommand("SET", .string(keys.logTrimmedTo), .string(previous)))
        }
        commands.append(RESPCommand("EXEC"))
        if (try? connection.roundTrip(commands, timeout: 10)) != nil {
            counters.snapshots.add(1, ordering: .relaxed)
        }
    }

    /// The directory as the operations that build it again, packed (`ChatBatch`).
    func snapshot() -> [UInt8] {
        var blob: [UInt8] = []
        for operation in ClusterOperation.rebuilding(users: registry.snapshot(), rooms: registry.rooms()) {
            var entry = StreamEntryWriter()
            operation.write(to: &entry)
            ChatBatch.append(entry.bytes, to: &blob)
        }
        return blob
    }

    /// Builds the directory from the snapshot, if there is one; returns the log entry to read
    /// after ("0-0": the whole log).
    func loadSnapshot(_ connection: RedisConnection) throws(ClusterError) -> String {
        let replies: [RESPValue]
        do {
            replies = try connection.roundTrip(
                [RESPCommand("GET", .string(keys.snapshotID)), RESPCommand("GET", .string(keys.snapshot))], timeout: 10)
        } catch {
            throw .redis(error)
        }
        guard let id = replies[0].string, let blob = replies[1].bytes else { return "0-0" }
        let now = Posix.monotonicNanoseconds()
        ChatBatch.forEach(blob) { packed in
            guard let fields = StreamEntryReader(packed: packed), let operation = ClusterOperation(reading: fields, now: now)
            else { return }
            _ = operation.apply(to: registry)
        }
        return id
    }

    /// Whether the log still holds the entry after `cursor` (a node that was away longer than a
    /// snapshot interval finds it trimmed, and starts its copy again from the snapshot).
    func logStillHolds(after cursor: String, _ connection: RedisConnection) throws(ClusterError) -> Bool {
        // Entries before the trim point are gone; none is lost if it comes right after the cursor.
        guard let trimmed = try Self.command(RESPCommand("GET", .string(keys.logTrimmedTo)), connection).string else {
            return true
        }
        return !Self.streamID(trimmed, isAfter: Self.nextStreamID(cursor))
    }

    /// Stream ids ("ms-seq") in order.
    static func streamID(_ a: String, isAfter b: String) -> Bool {
        func parts(_ id: String) -> (UInt64, UInt64) {
            let halves = id.split(separator: "-")
            return (UInt64(halves.first ?? "") ?? 0, UInt64(halves.count > 1 ? halves[1] : "") ?? 0)
        }
        let (x, y) = (parts(a), parts(b))
        return x.0 != y.0 ? x.0 > y.0 : x.1 > y.1
    }

    /// The smallest id after `id`.
    static func nextStreamID(_ id: String) -> String {
        let halves = id.split(separator: "-")
        let ms = halves.first.map(String.init) ?? "0"
        let sequence = (UInt64(halves.count > 1 ? halves[1] : "") ?? 0) + 1
        return "\(ms)-\(sequence)"
    }
}
