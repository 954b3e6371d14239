import ChatCore
import Dispatch
import LineProtocol
import Platform
import RedisClient
import RedisProtocol

/// The writer: appends queued entries in pipelined batches, renews the lease, and declares
/// lost the nodes whose lease is gone.
extension ClusterNode {
    func runWriter() {
        var connection: RedisConnection?
        var backoff = Backoff(initialDelay: 0.05, maximumDelay: 2, seed: UInt64(nodeIndex) &* 104_729)
        let renewEvery = Int64(settings.leaseMilliseconds) * 1_000_000 / 3
        // Other nodes' leases are checked twice a second: a lost node's users are gone at most
        // half a second (and a round trip) after its lease runs out.
        let checkEvery: Int64 = 500_000_000
        var nextRenewal: Int64 = 0
        var nextCheck = Posix.monotonicNanoseconds() + checkEvery
        // The link generation the connection was made in: when the reader loses Redis, the
        // writer's idle connection is as dead, and is replaced before anything is sent on it.
        var generation = state.withLock { $0.generation }
        while true {
            if stopping.load(ordering: .relaxed) {
                if let connection { leave(connection) }
                return
            }
            guard let link = connection else {
                do {
                    let fresh = try RedisConnection(url: settings.url, timeout: 2)
                    _ = try fresh.roundTrip(leaseCommand, timeout: 2)
                    connection = fresh
                    backoff.reset()
                    state.withLock { state in
                        generation = state.generation
                        state.writerUp = true
                    }
                    nextRenewal = Posix.monotonicNanoseconds() + renewEvery
                    // Others may have missed renewals while Redis was away: give them a lease.
                    nextCheck = Posix.monotonicNanoseconds() + Int64(settings.leaseMilliseconds) * 1_000_000
                } catch {
                    pause(backoff.nextDelay())
                }
                continue
            }
            let now = Posix.monotonicNanoseconds()
            let wait = max(0, min(nextRenewal, nextCheck) - now)
            _ = writerWake.wait(timeout: DispatchTime.now() + .nanoseconds(Int(min(wait, 1_000_000_000))))
            if state.withLock({ $0.generation }) != generation {
                link.close()
                connection = nil
                continue
            }
            var (batch, chat, chatEntries, removals) = state.withLock {
                state -> ([RESPCommand], [UInt8], Int, [(Nickname, ConnectionID)]) in
                // Quits made while Redis was away, once the reader has seen the store is the
                // same (a store that lost its data gets this node's live users put back instead).
                let removals = state.readerUp ? state.deferredRemovals : []
                defer {
                    state.queue.removeAll(keepingCapacity: true)
                    state.chatBatch = []
                    state.chatBatchEntries = 0
                    if state.readerUp { state.deferredRemovals = [] }
                }
                return (state.queue, state.chatBatch, state.chatBatchEntries, removals)
            }
            batch += removals.map { logAppend(.remove($0.0, id: $0.1)) }
            let appended = batch.count + chatEntries
            if !chat.isEmpty {
                batch.append(
                    RESPCommand(
                        "XADD", .string(keys.chat), "MAXLEN", "~", .integer(settings.chatStreamLength), "*", "o",
                        .integer(nodeIndex), "b", .bytes(chat)))
                chat = []
            }
            let clock = Posix.monotonicNanoseconds()
            if clock >= nextRenewal {
                batch.append(leaseCommand)
                nextRenewal = clock + renewEvery
            }
            var lostNodes: [Int] = []
            var checking = false
            if clock >= nextCheck {
                nextCheck = clock + checkEvery
                checking = true
                let others = Set(registry.snapshot().map(\.id.node)).subtracting([nodeIndex]).sorted()
                lostNodes = others
                for node in others { batch.append(RESPCommand("EXISTS", .string(keys.lease(node)))) }
                batch.append(RESPCommand("HGETALL", .string(keys.nodes)))
            }
            guard !batch.isEmpty else { continue }
            do {
                let replies = try link.roundTrip(batch, timeout: 5)
                counters.commands.add(batch.count, ordering: .relaxed)
                counters.roundTrips.add(1, ordering: .relaxed)
                counters.appended.add(appended, ordering: .relaxed)
                if checking, let names = replies.last {
                    let nameOf = Self.nodeNames(names)
                    state.withLock { $0.nodeNames = nameOf }
                    let answers = replies.dropLast().suffix(lostNodes.count)
                    lostNodes = zip(lostNodes, answers).filter { $0.1.integer == 0 }.map(\.0)
                    for node in lostNodes {
                        _ = submitWithoutWaiting(.nodeLost(node: node, reason: "Node \(nameOf[node] ?? String(node)) lost"))
                    }
                }
            } catch {
                lostRedis(reader: false)
                connection = nil
            }
        }
    }

    /// The node names by index, from HGETALL of the names hash. A node that finds another's
    /// lease gone appends `nodeLost` for it (every surviving node may: the second entry finds no
    /// users left and changes nothing).
    static func nodeNames(_ reply: RESPValue) -> [Int: String] {
        let fields = reply.array ?? []
        var nameOf: [Int: String] = [:]
        var index = 0
        while index + 1 < fields.count {
            if let name = fields[index].string, let node = fields[index + 1].string.flatMap({ Int($0) }) {
                nameOf[node] = name
            }
            index += 2
        }
        return nameOf
    }

    /// On the way out: what is queued, then this node's users gone and its lease given up, so
    /// the other nodes need not wait for it to run out.
    private func leave(_ connection: RedisConnection) {
        var batch = state.withLock { $0.queue }
        batch.append(logAppend(.nodeLost(node: nodeIndex, reason: "Node \(settings.nodeName) shut down")))
        batch.append(RESPCommand("DEL", .string(keys.lease(nodeIndex))))
        _ = try? connection.roundTrip(batch, timeout: 2)
        connection.close()
    }
}
