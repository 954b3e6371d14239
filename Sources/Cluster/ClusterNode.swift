import ChatCore
import LineProtocol
import Dispatch
import Locking
import Platform
import RedisClient
import RedisProtocol
import Synchronization

/// One LineChat server as a node of a cluster: several servers that share one Redis and act
/// as one chat.
///
/// - The directory (nicknames, rooms, members, modes) is replicated: each node keeps a whole
///   copy (`registry`) and answers every read from it. A change is appended to the log stream
///   `<prefix>:log` and applied by every node, itself included, in the stream's order
///   (`ClusterOperation`); the node that asked waits for its own entry to come back and
///   answers with what applying it returned. So a nickname or a +l room's last seat is won by
///   exactly one node, and every copy ends up the same.
/// - Lines for other nodes' users (room messages, private messages, notices) and history
///   records go through the chat stream `<prefix>:chat`, whatever the number of recipients:
///   at most one XADD per line, fewer when busy (the writer appends what piled up while it
///   worked as one entry, `ChatBatch`); every node reads it and fans the lines out to its own
///   users.
/// - Each node holds a lease (`<prefix>:lease:<index>`, renewed every third of its length);
///   a node whose lease is gone is declared lost by the others (`nodeLost`), which frees its
///   users' nicknames and tells their rooms.
///
/// Two threads talk to Redis, each on its own connection: the writer (appends, pipelined in
/// batches, and the lease) and the reader (XREAD on both streams). Event loops never wait on
/// Redis except for a directory change, which is one round trip through the log.
public final class ClusterNode: Sendable {
    public let settings: ClusterSettings
    /// This node's index in the cluster (1...15), stable for its name.
    public let nodeIndex: Int
    /// The directory the chat logic uses on this node.
    public let directory: ClusterDirectory
    /// This node's copy of the directory: read it freely.
    public let registry: Registry
    /// History records read from the chat stream at start (made while this node was down).
    public let recordsCaughtUp: Int

    let keys: ClusterKeys
    let state: Locked<LinkState>
    /// Wakes the writer: something was queued.
    let writerWake = DispatchSemaphore(value: 0)
    let delegate: Locked<(any ClusterDelegate)?> = Locked(nil)
    let counters = ClusterCounters()
    let stopping = Atomic<Bool>(false)
    private let threads: Locked<[PlatformThread]> = Locked([])

    /// How long a directory change may wait for its log entry before it is refused.
    static let changeTimeoutSeconds = 5.0

    /// Joins the cluster: takes a node index for the name, reads the whole log into this
    /// node's copy of the directory, drops what a previous run of this node left, and takes
    /// the lease. Fails when Redis cannot be reached.
    ///
    /// With `history` and a `cursorFile` from an earlier run, the history records the other
    /// nodes made while this one was down are read from the chat stream into it first.
    public init(settings: ClusterSettings, history: (any ChatHistory)? = nil) throws(ClusterError) {
        guard (1...32).contains(settings.nodeName.utf8.count),
            settings.nodeName.utf8.allSatisfy({ $0.isASCIIAlphanumeric || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") })
        else { throw .badNodeName(settings.nodeName) }
        self.settings = settings
        keys = ClusterKeys(prefix: settings.keyPrefix)
        let registry = Registry()
        self.registry = registry
        let connection: RedisConnection
        do {
            connection = try RedisConnection(url: settings.url, timeout: 5)
        } catch {
            throw .redis(error)
        }
        nodeIndex = try Self.claimIndex(settings.nodeName, keys: keys, connection)
        try Self.claimLease(
            keys.lease(nodeIndex), name: settings.nodeName, milliseconds: settings.leaseMilliseconds, connection)
        let epoch = try Self.epoch(keys: keys, connection)
        var cursor = StreamCursor()
        cursor.chat = try Self.lastID(of: keys.chat, connection)
        var caughtUp = 0
        if let history, let file = settings.cursorFile,
            let saved = try? Posix.readFile(file, maxBytes: 64).split(separator: UInt8(ascii: "\n")).first
        {
            (cursor.chat, caughtUp) = try Self.catchUpHistory(
                from: String(decoding: saved, as: UTF8.self), keys: keys, node: nodeIndex, into: history, connection)
        }
        recordsCaughtUp = caughtUp
        state = Locked(LinkState(epoch: epoch))
        directory = ClusterDirectory(registry: registry)
        directory.node = self
        cursor.log = try loadSnapshot(connection)
        try catchUp(&cursor, connection)
        // A previous run of this node may have left users behind (it was killed): drop them.
        if registry.snapshot().contains(where: { $0.id.node == nodeIndex }) {
            let restarted = ClusterOperation.nodeLost(node: nodeIndex, reason: "Node \(settings.nodeName) restarted")
            _ = try Self.command(logAppend(restarted), connection)
            try catchUp(&cursor, connection)
        }
        connection.close()
        state.withLock {
            $0.cursor = cursor
            $0.writerUp = true
            $0.readerUp = true
        }
    }

    /// Starts the writer and reader threads; lines from other nodes go to `delegate`.
    public func start(delegate: any ClusterDelegate) throws(SystemError) {
        self.delegate.withLock { $0 = delegate }
        let writer = try PlatformThread.start(name: "cluster-writer") { [self] in runWriter() }
        let reader = try PlatformThread.start(name: "cluster-reader") { [self] in runReader() }
        threads.withLock { $0 = [writer, reader] }
    }

    /// Stops both threads; the lease is given up so the other nodes drop this node's users at
    /// once (every connection is closed by then).
    public func stop() {
        guard !stopping.exchange(true, ordering: .relaxed) else { return }
        // The writer removes the lease and announces this node's users gone on its way out.
        writerWake.signal()
        for thread in threads.withLock({ $0 }) { thread.join() }
        threads.withLock { $0 = [] }
    }

    /// Whether this node can reach Redis now (both threads connected).
    public var isConnected: Bool { state.withLock { $0.writerUp && $0.readerUp } }

    /// Figures for `stats` and /metrics.
    public var status: ClusterStatus {
        let link = state.withLock {
            ($0.writerUp && $0.readerUp, $0.queue.count + $0.chatBatchEntries, $0.pending.count, $0.nodeNames)
        }
        var names = link.3
        names[nodeIndex] = settings.nodeName
        return ClusterStatus(
            nodeName: settings.nodeName, nodeIndex: nodeIndex, connected: link.0, queued: link.1, waiting: link.2,
            commands: counters.commands.load(ordering: .relaxed),
            roundTrips: counters.roundTrips.load(ordering: .relaxed),
            entriesAppended: counters.appended.load(ordering: .relaxed),
            entriesRead: counters.read.load(ordering: .relaxed),
            linesDropped: counters.dropped.load(ordering: .relaxed),
            reconnects: counters.reconnects.load(ordering: .relaxed),
            snapshots: counters.snapshots.load(ordering: .relaxed),
            nodes: registry.snapshot().reduce(into: [Int: Int]()) { $0[$1.id.node, default: 0] += 1 },
            nodeNames: names)
    }

    // MARK: Sending

    /// Hands an effect of a command on this node to the other nodes (never waits). Dropped and
    /// counted while Redis is unreachable.
    public func forward(_ outbound: Outbound) {
        append(.outbound(outbound))
    }

    /// Hands a history record made on this node to the other nodes' stores.
    public func forward(_ record: HistoryRecord) {
        append(.record(record))
    }

    private func append(_ chat: ChatEntry) {
        var entry = StreamEntryWriter()
        chat.write(to: &entry)
        let (queued, first) = state.withLock { state -> (Bool, Bool) in
            guard state.writerUp else { return (false, false) }
            ChatBatch.append(entry.bytes, to: &state.chatBatch)
            state.chatBatchEntries += 1
            return (true, state.chatBatchEntries == 1)
        }
        // The writer is woken once per batch: while it works, lines pile up for the next one.
        if first { writerWake.signal() }
        if !queued { counters.dropped.add(1, ordering: .relaxed) }
    }

    /// Appends a directory change to the log and waits until this node has applied it.
    /// Returns nil when Redis is unreachable or the entry did not come back in time.
    func submit(_ operation: ClusterOperation) -> ClusterOutcome? {
        let waiter = Waiter(operation: operation)
        let requestID = state.withLock { state -> UInt64? in
            guard state.writerUp && state.readerUp else { return nil }
            state.nextRequest += 1
            let id = state.nextRequest
            state.queue.append(logAppend(operation, request: id))
            state.pending[id] = waiter
            return id
        }
        guard let requestID else { return nil }
        writerWake.signal()
        if waiter.semaphore.wait(timeout: .now() + Self.changeTimeoutSeconds) == .success { return waiter.outcome }
        let abandoned = state.withLock { state -> Bool in
            guard state.pending.removeValue(forKey: requestID) != nil else { return false }
            state.abandoned.insert(requestID)
            return true
        }
        if abandoned { return nil }
        // Applied just as the wait ended: the outcome is being handed over.
        waiter.semaphore.wait()
        return waiter.outcome
    }

    /// A removal that cannot reach the log now (Redis is away): sent once it is back.
    func deferRemoval(_ nickname: Nickname, id: ConnectionID) {
        state.withLock { $0.deferredRemovals.append((nickname, id)) }
    }

    /// The XADD of a directory change to the log, with its envelope: the node it comes from
    /// and the request its caller waits on (0: nobody waits).
    func logAppend(_ operation: ClusterOperation, request: UInt64 = 0) -> RESPCommand {
        var entry = StreamEntryWriter()
        entry.add("o", nodeIndex)
        entry.add("q", Int64(request))
        operation.write(to: &entry)
        return RESPCommand(["XADD", .string(keys.log), "*"] + entry.arguments)
    }

    var leaseCommand: RESPCommand {
        RESPCommand(
            "SET", .string(keys.lease(nodeIndex)), .string(settings.nodeName), "PX",
            .integer(settings.leaseMilliseconds))
    }
}

/// Redis key names.
struct ClusterKeys: Sendable {
    let prefix: String
    var log: String { "\(prefix):log" }
    var chat: String { "\(prefix):chat" }
    var nodes: String { "\(prefix):nodes" }
    var nodeSequence: String { "\(prefix):nodeseq" }
    var epoch: String { "\(prefix):epoch" }
    var snapshot: String { "\(prefix):snapshot" }
    /// The log entry the snapshot was taken after.
    var snapshotID: String { "\(prefix):snapshot-id" }
    /// The id the log was last trimmed to (entries before it are gone).
    var logTrimmedTo: String { "\(prefix):log-trimmed-to" }
    /// Held by the node taking a snapshot (one at a time).
    var snapshotLock: String { "\(prefix):snapshot-lock" }
    func lease(_ index: Int) -> String { "\(prefix):lease:\(index)" }
}

/// Where the reader is in each stream.
struct StreamCursor: Sendable {
    var log = "0-0"
    var chat = "0-0"
}

/// The writer's queue, the changes waiting for their log entry, and the link's state.
struct LinkState: Sendable {
    var epoch: String
    var cursor = StreamCursor()
    var writerUp = false
    var readerUp = false
    /// Counts the reader's losses of Redis (see `ClusterNode.lostRedis`).
    var generation = 0
    /// Node names by index, as last read from Redis.
    var nodeNames: [Int: String] = [:]
    var queue: [RESPCommand] = []
    /// Lines and history records for the other nodes, packed (`ChatBatch`), and how many.
    var chatBatch: [UInt8] = []
    var chatBatchEntries = 0
    var nextRequest: UInt64 = 0
    var pending: [UInt64: Waiter] = [:]
    /// Changes whose caller stopped waiting: if they were applied, they are undone.
    var abandoned: Set<UInt64> = []
    var deferredRemovals: [(Nickname, ConnectionID)] = []
}

/// A directory change waiting for its log entry.
final class Waiter: Sendable {
    let operation: ClusterOperation
    let semaphore = DispatchSemaphore(value: 0)
    private let result = Locked<ClusterOutcome?>(nil)

    init(operation: ClusterOperation) { self.operation = operation }

    var outcome: ClusterOutcome? { result.withLock { $0 } }

    func complete(_ outcome: ClusterOutcome?) {
        result.withLock { $0 = outcome }
        semaphore.signal()
    }
}

/// What a node has done with Redis since it started.
final class ClusterCounters: Sendable {
    let commands = Atomic<Int>(0)
    let roundTrips = Atomic<Int>(0)
    let appended = Atomic<Int>(0)
    let read = Atomic<Int>(0)
    let dropped = Atomic<Int>(0)
    let reconnects = Atomic<Int>(0)
    let snapshots = Atomic<Int>(0)
}

/// A node's figures, for the operator.
public struct ClusterStatus: Sendable, Equatable {
    public var nodeName: String
    public var nodeIndex: Int
    public var connected: Bool
    /// Commands waiting for the writer.
    public var queued: Int
    /// Directory changes waiting for their log entry.
    public var waiting: Int
    /// Redis commands sent, and the pipelined round trips that carried them.
    public var commands: Int
    public var roundTrips: Int
    public var entriesAppended: Int
    public var entriesRead: Int
    /// Lines for other nodes dropped while Redis was unreachable.
    public var linesDropped: Int
    public var reconnects: Int
    /// Snapshots of the directory this node wrote (the log trimmed after each).
    public var snapshots: Int
    /// Users by node index, as this node's copy of the directory has them.
    public var nodes: [Int: Int]
    /// Node names by index (every node that ever joined, as Redis has them).
    public var nodeNames: [Int: String]
}

extension UInt8 {
    fileprivate var isASCIIAlphanumeric: Bool {
        (48...57).contains(self) || (65...90).contains(self) || (97...122).contains(self)
    }
}
