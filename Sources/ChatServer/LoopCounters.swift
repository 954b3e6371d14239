import Synchronization

/// One event loop's counters and gauges, summed over the loops when they are read (the
/// operator console's `stats`, `GET /metrics`).
///
/// Only the owning loop writes them, with relaxed atomic stores: hot counters (deliveries,
/// bytes, lines) are tallied in the loop's `LocalStatistics` and published once per wakeup,
/// rare events (a disconnect, a connection changing state) are written when they happen.
/// Nothing on the delivery path touches an atomic, and no atomic is shared between loops: each
/// loop's cells are an allocation of their own, aligned and padded to whole cache-line pairs
/// (128 bytes, what the adjacent-line prefetcher pulls in together), so two loops never write
/// the same line. Readers load each cell with relaxed ordering: a sum may be a wakeup behind.
// @unchecked Sendable: the storage is only ever accessed as `Atomic<Int>` cells (one writing
// thread, any reading thread), allocated in init and freed in deinit.
final class LoopCounters: @unchecked Sendable {
    /// Single cells: counters (only ever grow) and a few gauges.
    enum Counter: Int, CaseIterable {
        case connectionsAccepted, connectionsRefused
        case linesIn, messagesRelayed, deliveries, replyLines, bytesIn, bytesOut, bytesDiscarded
        /// Closes for a full sendq at enqueue, for excess flood, and for the output budget
        /// (the operator console's figures; `linechat_disconnects_total` has every reason).
        case sendQueueDisconnects, floodDisconnects, outputBudgetDisconnects
        case tlsHandshakes, tlsHandshakeFailures
        /// Times a client ran out of flood tokens and stopped being read.
        case throttleEvents
        /// Nanoseconds spent working in all wakeups (the histogram's sum).
        case wakeupNanoseconds
        /// Gauge: clients throttled now (not read until their tokens come back).
        case throttledClients
        /// Gauge: output bytes queued for this loop's connections and not yet sent.
        case queuedOutputBytes
    }

    /// Where a connection is in its life, as the `state` label of `linechat_connections` counts it.
    enum ConnectionState: Int, CaseIterable {
        /// Connected, no nickname yet (a TLS handshake in progress included).
        case unregistered
        case registered
        /// Its close is requested: sending its last line or waiting for the peer's EOF.
        case closing

        /// The label value.
        var label: String {
            switch self {
            case .unregistered: "unregistered"
            case .registered: "registered"
            case .closing: "closing"
            }
        }
    }

    /// Upper bounds of the wakeup-time histogram's buckets, in nanoseconds: 10 µs to 1 s.
    static let wakeupBounds: [Int64] = [
        10_000, 25_000, 50_000, 100_000, 250_000, 500_000,
        1_000_000, 2_500_000, 5_000_000, 10_000_000, 25_000_000, 50_000_000,
        100_000_000, 250_000_000, 500_000_000, 1_000_000_000,
    ]
    /// Registration failures are counted for numerics in this range (the error replies).
    static let numerics = 400..<600

    private static let disconnectBase = Counter.allCases.count
    private static let connectionBase = disconnectBase + DisconnectReason.allCases.count
    private static let numericBase = connectionBase + ConnectionKind.allCases.count * ConnectionState.allCases.count
    private static let bucketBase = numericBase + numerics.count
    /// Buckets: one per bound, then the one above the last bound (+Inf).
    private static let cellCount = bucketBase + wakeupBounds.count + 1
    private static let lineBytes = 128

    private let cells: UnsafeMutablePointer<Atomic<Int>>

    init() {
        let byteCount =
            (Self.cellCount * MemoryLayout<Atomic<Int>>.stride + Self.lineBytes - 1) / Self.lineBytes * Self.lineBytes
        let raw = UnsafeMutableRawPointer.allocate(byteCount: byteCount, alignment: Self.lineBytes)
        cells = raw.bindMemory(to: Atomic<Int>.self, capacity: Self.cellCount)
        for index in 0..<Self.cellCount { (cells + index).initialize(to: Atomic(0)) }
    }

    deinit {
        cells.deinitialize(count: Self.cellCount)
        UnsafeMutableRawPointer(cells).deallocate()
    }

    // MARK: Writing (the owning loop's thread only)

    /// Adds to a cell. One thread writes each cell, so a load and a store do what an atomic
    /// add would, without its locked instruction.
    @inline(__always)
    private func add(cell index: Int, _ amount: Int) {
        cells[index].store(cells[index].load(ordering: .relaxed) &+ amount, ordering: .relaxed)
    }

    func add(_ counter: Counter, _ amount: Int) { add(cell: counter.rawValue, amount) }

    func set(_ gauge: Counter, _ value: Int) {
        if cells[gauge.rawValue].load(ordering: .relaxed) != value {
            cells[gauge.rawValue].store(value, ordering: .relaxed)
        }
    }

    func countDisconnect(_ reason: DisconnectReason) {
        guard reason != .refused else { return }
        add(cell: Self.disconnectBase + reason.rawValue, 1)
    }

    /// Counts an error numeric sent to a client that has not registered.
    func countRegistrationFailure(numeric: Int) {
        guard Self.numerics.contains(numeric) else { return }
        add(cell: Self.numericBase + numeric - Self.numerics.lowerBound, 1)
    }

    /// The connections-gauge cell for a kind and state.
    static func connectionCell(_ kind: ConnectionKind, _ state: ConnectionState) -> Int {
        connectionBase + kind.rawValue * ConnectionState.allCases.count + state.rawValue
    }

    /// Moves one connection between connections-gauge cells (-1: none).
    func moveConnection(from old: Int, to new: Int) {
        if old >= 0 { add(cell: old, -1) }
        if new >= 0 { add(cell: new, 1) }
    }

    /// Counts one wakeup that took `nanoseconds` of work.
    func recordWakeup(nanoseconds: Int64) {
        var bucket = 0
        while bucket < Self.wakeupBounds.count && nanoseconds > Self.wakeupBounds[bucket] { bucket += 1 }
        add(cell: Self.bucketBase + bucket, 1)
        add(cell: Counter.wakeupNanoseconds.rawValue, Int(nanoseconds))
    }

    // MARK: Reading (any thread)

    func load(_ counter: Counter) -> Int { cells[counter.rawValue].load(ordering: .relaxed) }

    func disconnects(_ reason: DisconnectReason) -> Int {
        cells[Self.disconnectBase + reason.rawValue].load(ordering: .relaxed)
    }

    func connections(_ kind: ConnectionKind, _ state: ConnectionState) -> Int {
        cells[Self.connectionCell(kind, state)].load(ordering: .relaxed)
    }

    func registrationFailures(numeric: Int) -> Int {
        guard Self.numerics.contains(numeric) else { return 0 }
        return cells[Self.numericBase + numeric - Self.numerics.lowerBound].load(ordering: .relaxed)
    }

    /// Wakeups in bucket `index` alone (not cumulative); `wakeupBounds.count` is the +Inf one.
    func wakeupBucket(_ index: Int) -> Int { cells[Self.bucketBase + index].load(ordering: .relaxed) }
}

extension Array where Element == LoopCounters {
    /// The sum of one figure over every loop.
    func sum(_ figure: (LoopCounters) -> Int) -> Int { reduce(0) { $0 + figure($1) } }

    func sum(_ counter: LoopCounters.Counter) -> Int { sum { $0.load(counter) } }
}

/// A loop's hot counters since its last publish: plain integers, added to its `LoopCounters`
/// once per wakeup, so the delivery path never touches an atomic.
struct LocalStatistics {
    var connectionsAccepted = 0
    var connectionsRefused = 0
    var linesIn = 0
    var messagesRelayed = 0
    var deliveries = 0
    /// Lines of replies to a client's own lines.
    var replyLines = 0
    var bytesIn = 0
    var bytesOut = 0
    var sendQueueDisconnects = 0
    var floodDisconnects = 0
    var outputBudgetDisconnects = 0
    var bytesDiscarded = 0
    var tlsHandshakes = 0
    var tlsHandshakeFailures = 0
    var throttleEvents = 0

    mutating func publish(to counters: LoopCounters) {
        if connectionsAccepted != 0 { counters.add(.connectionsAccepted, connectionsAccepted) }
        if connectionsRefused != 0 { counters.add(.connectionsRefused, connectionsRefused) }
        if linesIn != 0 { counters.add(.linesIn, linesIn) }
        if messagesRelayed != 0 { counters.add(.messagesRelayed, messagesRelayed) }
        if deliveries != 0 { counters.add(.deliveries, deliveries) }
        if replyLines != 0 { counters.add(.replyLines, replyLines) }
        if bytesIn != 0 { counters.add(.bytesIn, bytesIn) }
        if bytesOut != 0 { counters.add(.bytesOut, bytesOut) }
        if sendQueueDisconnects != 0 { counters.add(.sendQueueDisconnects, sendQueueDisconnects) }
        if floodDisconnects != 0 { counters.add(.floodDisconnects, floodDisconnects) }
        if outputBudgetDisconnects != 0 { counters.add(.outputBudgetDisconnects, outputBudgetDisconnects) }
        if bytesDiscarded != 0 { counters.add(.bytesDiscarded, bytesDiscarded) }
        if tlsHandshakes != 0 { counters.add(.tlsHandshakes, tlsHandshakes) }
        if tlsHandshakeFailures != 0 { counters.add(.tlsHandshakeFailures, tlsHandshakeFailures) }
        if throttleEvents != 0 { counters.add(.throttleEvents, throttleEvents) }
        self = LocalStatistics()
    }
}
