import ChatCore
import CSQLite

/// The history of every room in one SQLite file (WAL mode). Not thread-safe: one thread owns
/// it (the history service's). Opening checks that the file is ours and sound, and never
/// writes to a file that is not.
public final class HistoryDatabase {
    /// `PRAGMA application_id` of a LineChat history database: "LCHT".
    public static let applicationID: Int64 = 0x4C43_4854
    /// `PRAGMA user_version`: the schema this code writes. A file with a higher one is refused.
    public static let schemaVersion: Int64 = 1

    /// The file, as given.
    public let path: String
    let connection: SQLiteConnection
    /// Every room with stored messages, loaded on first need and kept up to date by inserts.
    private var knownRooms: Set<String>?
    /// Rooms inserted into since the last prune: the only ones whose size can have grown.
    private var roomsToTrim: Set<String> = []
    /// Whether a prune has trimmed every room once (later ones trim `roomsToTrim`).
    private var hasTrimmedAllRooms = false

    static let columns = "msgid, time, room, room_name, kind, nick, source, text, target"
    private static let insertSQL = "INSERT OR IGNORE INTO messages (\(columns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"

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
            BEGIN IMMEDIATE;
            CREATE TABLE IF NOT EXISTS messages (
                id INTEGER PRIMARY KEY,
                msgid TEXT NOT NULL UNIQUE,
                time INTEGER NOT NULL,
                room TEXT NOT NULL,
                room_name TEXT NOT NULL,
                kind INTEGER NOT NULL,
                nick TEXT NOT NULL,
                source TEXT NOT NULL,
                text TEXT NOT NULL,
                target TEXT NOT NULL
            );
            CREATE INDEX IF NOT EXISTS messages_room_time ON messages (room, time);
            PRAGMA application_id=\(Self.applicationID);
            PRAGMA user_version=\(Self.schemaVersion);
            COMMIT;
            """, operation: "create the schema")
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
    /// msgid is already stored is skipped.
    public func insert(_ records: some Collection<HistoryRecord>) throws(HistoryError) {
        guard !records.isEmpty else { return }
        try run("BEGIN", "begin a transaction")
        do {
            let insert = try connection.statement(Self.insertSQL)
            for record in records {
                insert.bind(1, record.msgid)
                insert.bind(2, record.time)
                insert.bind(3, record.room)
                insert.bind(4, record.roomName)
                insert.bind(5, Int64(record.kind.rawValue))
                insert.bind(6, record.nick)
                insert.bind(7, record.source)
                insert.bind(8, record.text)
                insert.bind(9, record.target)
                _ = try insert.step("insert")
                insert.reset()
                roomsToTrim.insert(record.room)
            }
            try run("COMMIT", "commit")
        } catch {
            try? run("ROLLBACK", "roll back")
            throw error
        }
        for record in records { knownRooms?.insert(record.room) }
    }

    /// Runs a cached statement that returns no rows.
    func run(_ sql: String, _ operation: String) throws(HistoryError) {
        let statement = try connection.statement(sql)
        defer { statement.reset() }
        _ = try statement.step(operation)
    }

    /// Deletes the messages older than `olderThan` (ms since the epoch, in storage order: the
    /// oldest stored until the first one that is not too old) and, in each room, all but the
    /// newest `maxPerRoom`. Returns the number of rows deleted.
    @discardableResult
    public func prune(olderThan cutoff: Int64, maxPerRoom: Int) throws(HistoryError) -> Int {
        var deleted = 0
        try run("BEGIN", "begin a transaction")
        do {
            let old = try connection.statement(
                """
                DELETE FROM messages WHERE id < coalesce(
                    (SELECT id FROM messages WHERE time >= ?1 ORDER BY id LIMIT 1),
                    (SELECT coalesce(max(id), 0) + 1 FROM messages))
                """)
            old.bind(1, cutoff)
            _ = try old.step("prune old messages")
            old.reset()
            deleted += connection.changes
            let rooms = hasTrimmedAllRooms ? roomsToTrim : try allRooms()
            let trim = try connection.statement(
                """
                DELETE FROM messages WHERE room = ?1 AND (time, id) <= (
                    SELECT time, id FROM messages WHERE room = ?1 ORDER BY time DESC, id DESC LIMIT 1 OFFSET ?2)
                """)
            for room in rooms {
                trim.bind(1, room)
                trim.bind(2, Int64(max(maxPerRoom, 0)))
                _ = try trim.step("prune a room")
                trim.reset()
                deleted += connection.changes
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

    /// Every room with stored messages, one index seek each.
    func allRooms() throws(HistoryError) -> Set<String> {
        if let knownRooms { return knownRooms }
        let next = try connection.statement("SELECT room FROM messages WHERE room > ? ORDER BY room LIMIT 1")
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
                room: room, includeEvents: false, conditions: [Condition("time >= ?", [since])], order: .time,
                newestFirst: true, limit: limit)
            if !records.isEmpty { result[room] = records }
        }
        return result
    }

    /// The number of stored records (a full count: not for a hot path).
    public func count() throws(HistoryError) -> Int {
        Int(try connection.integer("SELECT count(*) FROM messages", operation: "count"))
    }
}
