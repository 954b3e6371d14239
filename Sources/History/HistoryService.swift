import ChatCore
import Dispatch
import Locking
import Platform

/// The history store as the server uses it: `record` from any thread without waiting for the
/// disk, `recent` from memory, `read` answered by the history thread. The thread writes the
/// queued records in one transaction per commit interval (group commit), answers reads after
/// writing what was queued before them, prunes, and keeps retrying when writing fails.
public final class HistoryService: Sendable {
    /// The database file.
    public let path: String
    public let configuration: HistoryServiceConfiguration
    /// The highest message id stored when the service started: new ids must be above it.
    public let highestMessageID: Int64
    private let queue: HistoryQueue
    private let rings: RoomRings
    /// Wakes the history thread: when a record lands in an empty queue it waits on, for a
    /// request, and for shutdown.
    private let wake = DispatchSemaphore(value: 0)
    /// The history thread until `shutdown` joins it.
    private let thread: Locked<PlatformThread?>

    /// Opens the database at `path` on the calling thread (so that a bad file fails the
    /// server's start), fills the in-memory rings from it, and starts the history thread.
    /// `log` receives a line now and then (write failures, at most one per 10 s; recovery).
    public init(
        path: String, configuration: HistoryServiceConfiguration = HistoryServiceConfiguration(),
        log: @escaping @Sendable (String) -> Void
    ) throws(HistoryError) {
        self.path = path
        self.configuration = configuration
        queue = HistoryQueue(capacity: configuration.queueCapacity)
        rings = RoomRings(capacity: configuration.ringSize)
        let database = try HistoryDatabase(path: path)
        highestMessageID = database.highestIDAtOpen
        let since = Posix.wallClockMilliseconds() - configuration.retentionMilliseconds
        rings.warm(try database.latestPerRoom(limit: configuration.ringSize, since: since))
        let handoff = DatabaseHandoff(database)
        do {
            // Below the event loops: chat gets the CPU first; the writer catches up when a loop
            // is idle, its queue absorbing bursts (beyond it records are dropped and counted).
            let started = try PlatformThread.start(
                name: "linechat-history", niceness: configuration.writerNiceness) {
                [queue, wake, configuration, log] in
                var writer = HistoryWriter(
                    database: handoff.database, queue: queue, wake: wake, configuration: configuration, log: log)
                writer.run()
            }
            thread = Locked(started)
        } catch {
            throw .cannotOpen(path: path, reason: "cannot start the history thread: \(error)")
        }
    }

    deinit { shutdown() }

    /// Queues `record` for writing and, for a PRIVMSG or NOTICE, adds it to its room's ring.
    /// Never waits for the disk. Returns false when the queue is full (or the service is shut
    /// down): the record is dropped and counted, though the ring still has it.
    @discardableResult
    public func record(_ record: HistoryRecord) -> Bool {
        rings.append(record)
        switch queue.append(record) {
        case .accepted: return true
        case .acceptedWake:
            wake.signal()
            return true
        case .dropped: return false
        }
    }

    /// The newest `limit` PRIVMSG and NOTICE records of `room` (its key), oldest first, from
    /// memory: at most `configuration.ringSize`.
    public func recent(room: String, limit: Int) -> [HistoryRecord] {
        rings.recent(room: room, limit: limit)
    }

    /// Answers `query` on the history thread, after writing every record queued before the
    /// call, and calls `reply` there. After `shutdown`, `reply` gets `.shutDown` at once, on
    /// the calling thread. While writing fails, reads answer from what is written.
    public func read(
        _ query: HistoryQuery, includeEvents: Bool,
        reply: @escaping @Sendable (Result<HistoryReadResult, HistoryError>) -> Void
    ) {
        guard queue.post(.read(query, includeEvents: includeEvents, reply: reply)) else {
            reply(.failure(.shutDown))
            return
        }
        wake.signal()
    }

    /// Runs `body` on the history thread with the database, after the queued records are
    /// written (tests: pause the thread, limit the file's size). False after shutdown.
    @discardableResult
    func onHistoryThread(_ body: @escaping @Sendable (HistoryDatabase) -> Void) -> Bool {
        guard queue.post(.onThread(body)) else { return false }
        wake.signal()
        return true
    }

    /// The counters now.
    public func status() -> HistoryStatus {
        queue.stats
    }

    /// Writes every record accepted before the call, closes the database and ends the history
    /// thread. Idempotent; a second caller waits for the first to finish.
    public func shutdown() {
        thread.withLock { thread in
            guard let running = thread else { return }
            if queue.stop() { wake.signal() }
            running.join()
            thread = nil
        }
    }
}

/// Hands the database, opened on the caller's thread, to the history thread.
// @unchecked: the opening thread gives it up before the history thread starts and never
// touches it again; from then on the history thread alone uses it.
private final class DatabaseHandoff: @unchecked Sendable {
    let database: HistoryDatabase
    init(_ database: HistoryDatabase) { self.database = database }
}
