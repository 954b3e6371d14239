import ChatCore
import CSQLite

/// The history of every room in one SQLite file (WAL mode). Not thread-safe: one thread owns
/// it (the history service's). Opening checks that the file is ours and sound, and never
/// writes to a file that is not.
public final class HistoryDatabase {
    /// `PRAGMA application_id` of a LineChat history database: "LCHT".
    public static let applicationID: Int64 = 0x4C43_4854
    /// `PRAGMA user_version`: the schema this code writes. A file with a higher one is refused;
    /// version 1 (a row per record, text msgids) is converted on open.
    public static let schemaVersion: Int64 = 2

    /// The file, as given.
    public let path: String
    let connection: SQLiteConnection
    /// Every room with stored records, loaded on first need and kept up to date by inserts.
    private var knownRooms: Set<String>?
    /// Rooms inserted into since the last prune: the only ones whose size can have grown.
    private var roomsToTrim: Set<String> = []
    /// Whether a prune has trimmed every room once (later ones trim `roomsToTrim`).
    private var hasTrimmedAllRooms = false
    /// The highest id stored in each room written to (never below the truth: deletes leave
    /// it, and a record at or below it takes the slower merging path, which is still right).
    private var lastIDs: [String: Int64] = [:]
    /// The highest message id stored when the file was opened.
    public private(set) var highestIDAtOpen: Int64 = 0

    /// Opens the history database at `path`, creating it (or initializing an empty file) if
    /// needed. Throws `.notHistoryDatabase` for a file that is not SQLite, is damaged, belongs
    /// to another application or to a newer LineChat, leaving it as it was.
    public init(path: String) throws(HistoryError) {
        self.path = path
        connection = try SQLiteConnection(path: path)
        do {
            try open()
        } catch {
            connection.close()
            throw error
        }
    }

    deinit { connection.close() }

    /// Closes the database. Nothing may be called afterwards.
    public func close() {
        connection.close()
    }

    // Reads only until the file is known to be ours; then settles WAL mode and the schema.
    private func open() throws(HistoryError) {
        let tables: Int64
        let applicationID: Int64
        let version: Int64
        do {
            tables = try connection.integer("SELECT count(*) FROM sqlite_master", operation: "read the schema")
            applicationID = try connection.integer("PRAGMA application_id", operation: "read the application_id")
            version = try connection.integer("PRAGMA user_version", operation: "read the schema version")
        } catch {
            throw refusal(error)
        }
        let fresh = applicationID == 0 && tables == 0
        if !fresh {
            guard applicationID == Self.applicationID else {
                let reason =
                    applicationID == 0
                    ? "a SQLite database of another application: it has \(tables) schema objects and no LineChat application_id"
                    : "a SQLite database of another application: its application_id is \(hex(applicationID)), "
                        + "LineChat's is \(hex(Self.applicationID))"
                throw .notHistoryDatabase(path: path, reason: reason)
            }
            guard version <= Self.schemaVersion else {
                throw .notHistoryDatabase(
                    path: path,
                    reason: "written by a newer LineChat: schema version \(version), this one knows up to \(Self.schemaVersion)")
            }
            try checkIntegrity()
        }
        if connection.isReadOnly {
            throw .cannotOpen(path: path, reason: "the file is read-only (check its permissions and its directory's)")
        }
        try connection.execute(
            """
            PRAGMA journal_mode=WAL;
            PRAGMA synchronous=NORMAL;
            PRAGMA cache_size=-16384;
            """, operation: "set up the connection")
        try run("BEGIN IMMEDIATE", "begin a transaction")
        do {
            try connection.execute(
                """
                CREATE TABLE IF NOT EXISTS chunks (
                    id INTEGER PRIMARY KEY,
                    room TEXT NOT NULL,
                    first_id INTEGER NOT NULL,
                    last_id INTEGER NOT NULL,
                    count INTEGER NOT NULL,
                    records BLOB NOT NULL
                );
                CREATE UNIQUE INDEX IF NOT EXISTS chunks_room_first ON chunks (room, first_id);
                PRAGMA application_id=\(Self.applicationID);
                """, operation: "create the schema")
            if version == 1 { try convertVersion1() }
            try connection.execute("PRAGMA user_version=\(Self.schemaVersion)", operation: "set the schema version")
            try run("COMMIT", "commit")
        } catch {
            try? run("ROLLBACK", "roll back")
            throw error
        }
        for room in try allRooms() { highestIDAtOpen = max(highestIDAtOpen, try lastID(room)) }
    }

    /// Schema 1 kept a row per record with a text msgid: its records move into chunks, in the
    /// order of their times, with new ids (msgids a client kept from before are unknown now).
    private func convertVersion1() throws(HistoryError) {
        let rows = try connection.statement(
            "SELECT time, room, room_name, kind, nick, source, text, target FROM messages ORDER BY time, id")
        defer { rows.reset() }
        let ids = MessageIDSource(loop: MessageID.maximumLoops - 1)
        var batch: [HistoryRecord] = []
        while try rows.step("read the version 1 records") {
            guard let kind = HistoryKind(rawValue: UInt8(clamping: rows.int64(3))) else { continue }
            let time = rows.int64(0)
            batch.append(
                HistoryRecord(
                    id: ids.nextID(time: time), time: time, room: rows.string(1),
                    roomName: rows.string(2), kind: kind, nick: rows.string(4), source: rows.string(5),
                    text: rows.string(6), target: rows.string(7)))
            if batch.count == 4096 {
                try store(batch[...])
                batch.removeAll(keepingCapacity: true)
            }
        }
        try store(batch[...])
        rows.reset()
        try connection.execute("DROP TABLE messages", operation: "drop the version 1 table")
    }

    /// PRAGMA quick_check: a damaged file is refused rather than written to.
    private func checkIntegrity() throws(HistoryError) {
        do throws(HistoryError) {
            let check = try connection.statement("PRAGMA quick_check")
            defer { check.reset() }
            if try check.step("check the file"), check.string(0) != "ok" {
                throw HistoryError.notHistoryDatabase(path: path, reason: "damaged: \(check.string(0))")
            }
        } catch {
            throw refusal(error)
        }
    }

    /// A read error while checking the file, as a refusal when it says the file is not ours.
    private func refusal(_ error: HistoryError) -> HistoryError {
        guard case .storage(_, _, let code, let message) = error else { return error }
        switch code {
        case SQLITE_NOTADB: return .notHistoryDatabase(path: path, reason: "not a SQLite database")
        case SQLITE_CORRUPT: return .notHistoryDatabase(path: path, reason: "damaged: \(message)")
        default: return error
        }
    }

    private func hex(_ value: Int64) -> String {
        "0x" + String(UInt32(truncatingIfNeeded: value), radix: 16, uppercase: true)
    }

    /// Stores `records` in one transaction: all of them or, on an error, none. A record whose
    /// id is already stored in its room is skipped.
    public func insert(_ records: [HistoryRecord]) throws(HistoryError) {
        try insert(records[...])
    }

    /// Stores `records` in one transaction (see `insert(_:)`).
    public func insert(_ records: ArraySlice<HistoryRecord>) throws(HistoryError) {
        guard !records.isEmpty else { return }
        try run("BEGIN", "begin a transaction")
        do {
            try store(records)
            try run("COMMIT", "commit")
        } catch {
            try? run("ROLLBACK", "roll back")
            lastIDs = [:]
            throw error
        }
    }

    /// Stores `records` in the open transaction: each room's records, in id order, as new
    /// chunks after the room's last one; records older than that (a message stamped on
    /// another event loop a moment before, written in the next commit) are merged into the
    /// chunks where they belong.
    private func store(_ records: ArraySlice<HistoryRecord>) throws(HistoryError) {
        // Positions, not copies. A busy room's records come in runs: a run is hashed once.
        var rooms: [String: [Int]] = [:]
        var runRoom = ""
        var run: [Int] = []
        for index in records.indices {
            let room = records[index].room
            if room != runRoom && !run.isEmpty {
                rooms[runRoom, default: []].append(contentsOf: run)
                run.removeAll(keepingCapacity: true)
            }
            runRoom = room
            run.append(index)
        }
        if !run.isEmpty { rooms[runRoom, default: []].append(contentsOf: run) }
        for (room, var indices) in rooms {
            if !zip(indices, indices.dropFirst()).allSatisfy({ records[$0].id < records[$1].id }) {
                indices.sort { records[$0].id < records[$1].id }
            }
            let last = try lastID(room)
            let first = records[indices[0]].id
            if first > last {
                try appendChunks(room, records, indices)
            } else {
                try merge(indices.map { records[$0] }, into: room, from: first)
            }
            lastIDs[room] = max(last, records[indices[indices.count - 1]].id)
            roomsToTrim.insert(room)
            knownRooms?.insert(room)
        }
    }

    /// Writes the records of `records` at `indices` (one room's, in id order, none stored
    /// yet) as chunks.
    private func appendChunks(
        _ room: String, _ records: ArraySlice<HistoryRecord>, _ indices: [Int]
    ) throws(HistoryError) {
        let insert = try connection.statement(
            "INSERT INTO chunks (room, first_id, last_id, count, records) VALUES (?, ?, ?, ?, ?)")
        var start = 0
        while start < indices.count {
            let end = min(start + HistoryChunk.capacity, indices.count)
            insert.bind(1, room)
            insert.bind(2, records[indices[start]].id)
            insert.bind(3, records[indices[end - 1]].id)
            insert.bind(4, Int64(end - start))
            insert.bind(5, blob: HistoryChunk.encode(records, indices[start..<end]))
            defer { insert.reset() }
            _ = try insert.step("insert")
            start = end
        }
    }

    private func appendChunks(_ room: String, _ records: [HistoryRecord]) throws(HistoryError) {
        try appendChunks(room, records[...], Array(records.indices))
    }

    /// Rewrites `room`'s chunks from the one holding `id` on, with `records` (in id order)
    /// merged in; those already stored are skipped.
    private func merge(_ records: [HistoryRecord], into room: String, from id: Int64) throws(HistoryError) {
        var stored: [HistoryRecord] = []
        var rowids: [Int64] = []
        let chunks = try connection.statement(
            """
            SELECT id, records FROM chunks WHERE room = ?1 AND first_id >= coalesce(
                (SELECT max(first_id) FROM chunks WHERE room = ?1 AND first_id <= ?2), ?2) ORDER BY first_id
            """)
        chunks.bind(1, room)
        chunks.bind(2, id)
        do {
            defer { chunks.reset() }
            while try chunks.step("read chunks to merge into") {
                rowids.append(chunks.int64(0))
                stored += try decode(chunks, column: 1, room: room)
            }
        }
        let delete = try connection.statement("DELETE FROM chunks WHERE id = ?")
        for rowid in rowids {
            delete.bind(1, rowid)
            defer { delete.reset() }
            _ = try delete.step("rewrite chunks")
        }
        var merged: [HistoryRecord] = []
        merged.reserveCapacity(stored.count + records.count)
        var old = 0
        var new = 0
        while old < stored.count || new < records.count {
            if new == records.count || (old < stored.count && stored[old].id <= records[new].id) {
                if new < records.count && stored[old].id == records[new].id { new += 1 }  // stored already
                merged.append(stored[old])
                old += 1
            } else {
                if merged.last?.id != records[new].id { merged.append(records[new]) }
                new += 1
            }
        }
        try appendChunks(room, merged)
    }

    /// The records of the chunk in `column` of `statement`'s current row.
    func decode(_ statement: SQLiteStatement, column: Int32, room: String) throws(HistoryError) -> [HistoryRecord] {
        do {
            return try HistoryChunk.decode(statement.blob(column), room: room)
        } catch {
            throw .storage(path: path, operation: "read a chunk of \(room)", code: SQLITE_CORRUPT, message: "damaged chunk")
        }
    }

    /// The highest id stored in `room` (0 for none).
    private func lastID(_ room: String) throws(HistoryError) -> Int64 {
        if let known = lastIDs[room] { return known }
        let last = try connection.statement(
            "SELECT last_id FROM chunks WHERE room = ? ORDER BY first_id DESC LIMIT 1")
        defer { last.reset() }
        last.bind(1, room)
        let id = try last.step("read a room's last id") ? last.int64(0) : 0
        lastIDs[room] = id
        return id
    }

    /// Runs a cached statement that returns no rows.
    func run(_ sql: String, _ operation: String) throws(HistoryError) {
        let statement = try connection.statement(sql)
        defer { statement.reset() }
        _ = try statement.step(operation)
    }

    /// Deletes the records older than `olderThan` (ms since the epoch) and, in each room, all
    /// but the newest `maxPerRoom`. Returns the number of records deleted.
    @discardableResult
    public func prune(olderThan cutoff: Int64, maxPerRoom: Int) throws(HistoryError) -> Int {
        var deleted = 0
        try run("BEGIN", "begin a transaction")
        do {
            let rooms = try allRooms()
            for room in rooms { deleted += try deleteRecords(of: room, below: MessageID.first(at: cutoff)) }
            for room in hasTrimmedAllRooms ? roomsToTrim : rooms {
                if let cut = try newestKept(room, max(maxPerRoom, 0)) {
                    deleted += try deleteRecords(of: room, below: cut)
                }
            }
            try run("COMMIT", "commit")
        } catch {
            try? run("ROLLBACK", "roll back")
            throw error
        }
        roomsToTrim = []
        hasTrimmedAllRooms = true
        if deleted > 0 { knownRooms = nil }
        return deleted
    }

    /// The id of the oldest of `room`'s newest `keep` records, or nil when it has no more.
    private func newestKept(_ room: String, _ keep: Int) throws(HistoryError) -> Int64? {
        let chunks = try connection.statement(
            "SELECT first_id, count, records FROM chunks WHERE room = ? ORDER BY first_id DESC")
        defer { chunks.reset() }
        chunks.bind(1, room)
        var counted = 0
        var newerFirst = Int64.max
        while try chunks.step("count a room's records") {
            let count = Int(chunks.int64(1))
            if counted + count > keep {
                let wanted = keep - counted
                if wanted == 0 { return newerFirst }
                let records = try decode(chunks, column: 2, room: room)
                return records[records.count - wanted].id
            }
            counted += count
            newerFirst = chunks.int64(0)
        }
        return nil
    }

    /// Deletes `room`'s records with ids below `cut`: whole chunks, and the older part of the
    /// chunk holding `cut`. Returns how many.
    private func deleteRecords(of room: String, below cut: Int64) throws(HistoryError) -> Int {
        let chunks = try connection.statement(
            "SELECT id, last_id, count, records FROM chunks WHERE room = ? AND first_id < ? ORDER BY first_id")
        chunks.bind(1, room)
        chunks.bind(2, cut)
        var whole: [Int64] = []
        var deleted = 0
        var kept: [HistoryRecord] = []
        do {
            defer { chunks.reset() }
            while try chunks.step("find old chunks") {
                whole.append(chunks.int64(0))
                let count = Int(chunks.int64(2))
                if chunks.int64(1) < cut {
                    deleted += count
                } else {
                    kept = try decode(chunks, column: 3, room: room).filter { $0.id >= cut }
                    deleted += count - kept.count
                }
            }
        }
        let delete = try connection.statement("DELETE FROM chunks WHERE id = ?")
        for rowid in whole {
            delete.bind(1, rowid)
            defer { delete.reset() }
            _ = try delete.step("prune")
        }
        if !kept.isEmpty { try appendChunks(room, kept) }
        return deleted
    }

    /// Every room with stored messages, one index seek each.
    func allRooms() throws(HistoryError) -> Set<String> {
        if let knownRooms { return knownRooms }
        let next = try connection.statement("SELECT room FROM chunks WHERE room > ? ORDER BY room LIMIT 1")
        var rooms: Set<String> = []
        var last = ""
        while true {
            next.bind(1, last)
            guard try next.step("list the rooms") else { break }
            last = next.string(0)
            next.reset()
            rooms.insert(last)
        }
        next.reset()
        knownRooms = rooms
        return rooms
    }

    /// The newest `limit` messages (PRIVMSG and NOTICE) of each room, no older than `since`,
    /// oldest first: what warms the in-memory rings at start. Rooms with none are left out.
    public func latestPerRoom(limit: Int, since: Int64) throws(HistoryError) -> [String: [HistoryRecord]] {
        guard limit > 0 else { return [:] }
        var result: [String: [HistoryRecord]] = [:]
        for room in try allRooms() {
            let records = try select(
                room: room, includeEvents: false, above: MessageID.first(at: since) - 1, below: .max, newestFirst: true,
                limit: limit)
            if !records.isEmpty { result[room] = records }
        }
        return result
    }

    /// The number of stored records (a full count: not for a hot path).
    public func count() throws(HistoryError) -> Int {
        Int(try connection.integer("SELECT coalesce(sum(count), 0) FROM chunks", operation: "count"))
    }
}
