import ChatCore
import LineProtocol
import Platform
import RedisClient
import RedisProtocol

/// The reader: every entry of both streams, in order.
extension ClusterNode {
    func runReader() {
        var connection: RedisConnection?
        var backoff = Backoff(initialDelay: 0.05, maximumDelay: 2, seed: UInt64(nodeIndex) &* 7919)
        var lastChatID: String?
        var cursorSavedAt: Int64 = 0
        var logEntriesSinceSnapshot = 0
        while !stopping.load(ordering: .relaxed) {
            guard let link = connection else {
                do {
                    let fresh = try RedisConnection(url: settings.url, timeout: 2)
                    if try !resumes(fresh) { return }
                    connection = fresh
                    backoff.reset()
                    state.withLock { $0.readerUp = true }
                } catch {
                    pause(backoff.nextDelay())
                }
                continue
            }
            let cursor = state.withLock { $0.cursor }
            let reply: RESPValue
            do {
                reply = try link.roundTrip(
                    RESPCommand(
                        "XREAD", "COUNT", "1000", "BLOCK", "500", "STREAMS", .string(keys.log), .string(keys.chat),
                        .string(cursor.log), .string(cursor.chat)),
                    timeout: 5)
                counters.commands.add(1, ordering: .relaxed)
                counters.roundTrips.add(1, ordering: .relaxed)
            } catch {
                lostRedis(reader: true)
                connection = nil
                continue
            }
            guard let streams = reply.array else { continue }  // nil: nothing new within the block
            var appliedLogID: String?
            for stream in streams {
                guard let parts = stream.array, parts.count == 2, let name = parts[0].string,
                    let entries = parts[1].array
                else { continue }
                let isLog = name == keys.log
                for entry in entries {
                    guard let pair = entry.array, pair.count == 2, let id = pair[0].string else { continue }
                    counters.read.add(1, ordering: .relaxed)
                    if isLog {
                        applyLogEntry(StreamEntryReader(pairs: pair[1].array ?? []), live: true)
                        state.withLock { $0.cursor.log = id }
                        appliedLogID = id
                        logEntriesSinceSnapshot += 1
                    } else {
                        handleChatBatch(pair[1].array ?? [])
                        state.withLock { $0.cursor.chat = id }
                        lastChatID = id
                    }
                }
            }
            if let lastChatID { saveCursor(lastChatID, lastSaved: &cursorSavedAt) }
            if let appliedLogID { takeSnapshotIfDue(after: appliedLogID, entries: &logEntriesSinceSnapshot, link) }
        }
        if let lastChatID {
            cursorSavedAt = 0
            saveCursor(lastChatID, lastSaved: &cursorSavedAt)
        }
        connection?.close()
    }

    /// After a reconnect: whether Redis still holds what this node has read (the same epoch).
    /// If it lost its data (restarted without persistence), the node starts its copy of the
    /// directory afresh from the new log and puts back what it knows of its own: its users
    /// (but those who quit meanwhile), the rooms they are in as they were (topic, modes) and
    /// their memberships with their status. Every node does the same when it reconnects, so
    /// the copies converge on what the live nodes hold. Returns false when stopping.
    private func resumes(_ connection: RedisConnection) throws(ClusterError) -> Bool {
        let epoch = try Self.epoch(keys: keys, connection)
        if epoch == state.withLock({ $0.epoch }) {
            let cursor = state.withLock { $0.cursor }
            if try logStillHolds(after: cursor.log, connection) { return true }
            // Away longer than a snapshot interval: the log was trimmed past this node's place.
            // Start the copy again from the snapshot (this node's users are in it, or after it).
            registry.removeAll()
            var fresh = cursor
            fresh.log = try loadSnapshot(connection)
            try catchUp(&fresh, connection)
            state.withLock { $0.cursor = fresh }
            return !stopping.load(ordering: .relaxed)
        }
        let gone = Set(
            state.withLock { state in
                defer { state.deferredRemovals = [] }
                return state.deferredRemovals.map(\.1)
            })
        let operations = ClusterOperation.rebuilding(users: registry.snapshot(), rooms: registry.rooms()) { id in
            id.node == self.nodeIndex && !gone.contains(id)
        }
        registry.removeAll()
        var cursor = StreamCursor()
        cursor.chat = try Self.lastID(of: keys.chat, connection)
        try catchUp(&cursor, connection)
        let restore = operations.map { logAppend($0) }
        if !restore.isEmpty {
            let replies: [RESPValue]
            do {
                replies = try connection.roundTrip(restore, timeout: 10)
            } catch {
                throw .redis(error)
            }
            if let message = replies.lazy.compactMap(\.errorMessage).first {
                throw .refused(command: "XADD", message: message)
            }
        }
        state.withLock {
            $0.epoch = epoch
            $0.cursor = cursor
        }
        return !stopping.load(ordering: .relaxed)
    }

    /// Reads the log from the cursor to its end (at start, before serving anyone).
    func catchUp(_ cursor: inout StreamCursor, _ connection: RedisConnection) throws(ClusterError) {
        while true {
            let start = cursor.log == "0-0" ? "-" : "(" + cursor.log
            let reply = try Self.command(
                RESPCommand("XRANGE", .string(keys.log), .string(start), "+", "COUNT", "1000"), connection)
            guard let entries = reply.array, !entries.isEmpty else { return }
            for entry in entries {
                guard let pair = entry.array, pair.count == 2, let id = pair[0].string else { continue }
                applyLogEntry(StreamEntryReader(pairs: pair[1].array ?? []), live: false)
                cursor.log = id
            }
        }
    }

    /// Applies one log entry to this node's copy of the directory, and answers the change's
    /// caller if it was this node's.
    func applyLogEntry(_ fields: StreamEntryReader, live: Bool) {
        let now = Posix.monotonicNanoseconds()
        let origin = fields.int("o").map(Int.init) ?? 0
        let request = fields.int("q").map { UInt64(clamping: $0) } ?? 0
        let decoded = ClusterOperation(reading: fields, now: now)
        if origin == nodeIndex && request != 0 {
            let (waiter, wasAbandoned) = state.withLock { state in
                (state.pending.removeValue(forKey: request), state.abandoned.remove(request) != nil)
            }
            if let waiter {
                // The caller's own operation: it holds this connection's activity record.
                let outcome = waiter.operation.apply(to: registry)
                waiter.complete(outcome)
                announce(outcome, of: waiter.operation, live: live)
                return
            }
            if wasAbandoned, let decoded {
                undo(decoded.apply(to: registry), of: decoded)
                return
            }
        }
        guard let decoded else { return }
        announce(decoded.apply(to: registry), of: decoded, live: live)
    }

    /// What applying an operation means for this node's users beyond the directory.
    private func announce(_ outcome: ClusterOutcome, of operation: ClusterOperation, live: Bool) {
        guard live, case .nodeLost(let lost) = outcome, !lost.isEmpty, case .nodeLost(let node, let reason) = operation
        else { return }
        guard let delegate = delegate.withLock({ $0 }) else { return }
        if node == nodeIndex {
            delegate.usersEvicted(
                lost.map(\.user.id), reason: "This server was cut off from its cluster for too long: please reconnect")
        } else {
            delegate.usersLost(lost, reason: reason)
        }
    }

    /// A change whose caller gave up waiting was applied after all: take it back.
    private func undo(_ outcome: ClusterOutcome, of operation: ClusterOperation) {
        switch (outcome, operation) {
        case (.register(.success), .register(let registration)):
            _ = submitWithoutWaiting(.remove(registration.nickname, id: registration.id))
        case (.join(.success), .join(let room, let nickname, _, _, _, _, _)):
            _ = submitWithoutWaiting(.part(room.key, nickname: nickname))
        default:
            break
        }
    }

    /// A batch of another node's lines and records (this node's own are skipped unread).
    private func handleChatBatch(_ pairs: [RESPValue]) {
        guard pairs.count == 4, pairs[0].string == "o", let origin = pairs[1].string.flatMap({ Int($0) }),
            origin != nodeIndex, pairs[2].string == "b", let batch = pairs[3].bytes,
            let delegate = delegate.withLock({ $0 })
        else { return }
        ChatBatch.forEach(batch) { packed in
            guard let fields = StreamEntryReader(packed: packed), let entry = ChatEntry(reading: fields) else { return }
            switch entry {
            case .outbound(let outbound): delegate.carryOut(outbound)
            case .record(let record): delegate.record(record)
            }
        }
    }

    /// Appends a change without waiting for it (the reader's own corrections).
    func submitWithoutWaiting(_ operation: ClusterOperation) -> Bool {
        let command = logAppend(operation)
        let queued = state.withLock { state -> Bool in
            guard state.writerUp else { return false }
            state.queue.append(command)
            return true
        }
        if queued { writerWake.signal() }
        return queued
    }

    /// Marks the link down; changes waiting for their entry are refused. The reader's loss is
    /// the writer's too (its connection, idle, would only fail on the next change): the writer
    /// reconnects before sending anything more.
    func lostRedis(reader: Bool) {
        counters.reconnects.add(1, ordering: .relaxed)
        let waiting = state.withLock { state -> [Waiter] in
            state.writerUp = false
            if reader {
                state.readerUp = false
                state.generation += 1
            }
            let waiting = Array(state.pending)
            state.pending = [:]
            for (id, _) in waiting { state.abandoned.insert(id) }
            return waiting.map(\.value)
        }
        for waiter in waiting { waiter.complete(nil) }
        if reader { writerWake.signal() }
    }

    /// Sleeps up to `seconds`, in short steps so that a stop is not held up.
    func pause(_ seconds: Double) {
        var left = seconds
        while left > 0 && !stopping.load(ordering: .relaxed) {
            let step = min(left, 0.05)
            Posix.sleep(milliseconds: max(1, Int(step * 1000)))
            left -= step
        }
    }

    // MARK: Set-up commands

    static func command(_ command: RESPCommand, _ connection: RedisConnection) throws(ClusterError) -> RESPValue {
        let reply: RESPValue
        do {
            reply = try connection.roundTrip(command, timeout: 5)
        } catch {
            throw .redis(error)
        }
        if let message = reply.errorMessage {
            throw .refused(command: command.arguments.first.map { String(decoding: $0.bytes, as: UTF8.self) } ?? "", message: message)
        }
        return reply
    }

    /// The node index that goes with `name`: the one it had before, or the next free one.
    static func claimIndex(_ name: String, keys: ClusterKeys, _ connection: RedisConnection) throws(ClusterError) -> Int {
        for _ in 0..<3 {
            if let index = try command(RESPCommand("HGET", .string(keys.nodes), .string(name)), connection).string
                .flatMap({ Int($0) })
            {
                return index
            }
            guard let next = try command(RESPCommand("INCR", .string(keys.nodeSequence)), connection).integer else {
                continue
            }
            guard next <= ClusterSettings.maximumNodes else { throw .tooManyNodes(ClusterSettings.maximumNodes) }
            if try command(RESPCommand("HSETNX", .string(keys.nodes), .string(name), .integer(next)), connection)
                .integer == 1
            {
                return next
            }
        }
        throw .refused(command: "HSETNX", message: "could not claim a node index for \(name)")
    }

    /// Takes the node's lease before anything else. A lease still held is a previous run of
    /// this node that was killed (it runs out within its length) or another node running
    /// under the same name (it never does): wait up to twice the lease, then refuse.
    static func claimLease(_ key: String, name: String, milliseconds: Int, _ connection: RedisConnection)
        throws(ClusterError)
    {
        let deadline = Posix.monotonicNanoseconds() + 2 * Int64(milliseconds) * 1_000_000
        while true {
            let reply = try command(
                RESPCommand("SET", .string(key), .string(name), "NX", "PX", .integer(milliseconds)), connection)
            if reply.isOK { return }
            guard Posix.monotonicNanoseconds() < deadline else { throw .nodeNameInUse(name) }
            Posix.sleep(milliseconds: 100)
        }
    }

    /// The store's epoch: a random value set once per Redis data set. A different one after a
    /// reconnect means Redis lost its data.
    static func epoch(keys: ClusterKeys, _ connection: RedisConnection) throws(ClusterError) -> String {
        var random = SystemRandomNumberGenerator()
        let candidate = String(random.next(), radix: 36)
        _ = try command(RESPCommand("SET", .string(keys.epoch), .string(candidate), "NX"), connection)
        return try command(RESPCommand("GET", .string(keys.epoch)), connection).string ?? candidate
    }

    /// Reads the chat stream after `saved` (this node's cursor of its last run) and hands the
    /// other nodes' history records to `history`; returns the id read up to and the count.
    static func catchUpHistory(
        from saved: String, keys: ClusterKeys, node: Int, into history: any ChatHistory, _ connection: RedisConnection
    ) throws(ClusterError) -> (String, Int) {
        var cursor = saved
        var count = 0
        while true {
            let reply = try command(
                RESPCommand("XRANGE", .string(keys.chat), .string("(" + cursor), "+", "COUNT", "100"), connection)
            guard let entries = reply.array, !entries.isEmpty else { return (cursor, count) }
            for entry in entries {
                guard let pair = entry.array, pair.count == 2, let id = pair[0].string else { continue }
                cursor = id
                let fields = pair[1].array ?? []
                guard fields.count == 4, fields[1].string.flatMap({ Int($0) }) != node, let batch = fields[3].bytes else {
                    continue
                }
                ChatBatch.forEach(batch) { packed in
                    guard let reader = StreamEntryReader(packed: packed), case .record(let record)? = ChatEntry(reading: reader)
                    else { return }
                    history.record(record)
                    count += 1
                }
            }
        }
    }

    /// Notes how far the chat stream is read (at most once a second).
    func saveCursor(_ id: String, lastSaved: inout Int64) {
        guard let file = settings.cursorFile else { return }
        let now = Posix.monotonicNanoseconds()
        guard now - lastSaved >= 1_000_000_000 else { return }
        lastSaved = now
        try? Posix.replaceFile(file, with: Array((id + "\n").utf8))
    }

    /// The id of a stream's last entry ("0-0" for none).
    static func lastID(of stream: String, _ connection: RedisConnection) throws(ClusterError) -> String {
        let reply = try command(RESPCommand("XREVRANGE", .string(stream), "+", "-", "COUNT", "1"), connection)
        return reply.array?.first?.array?.first?.string ?? "0-0"
    }
}
