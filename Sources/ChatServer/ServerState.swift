import ChatCore
import Platform
import Synchronization

/// What every event loop shares: the registry, configuration, connection counts, counters and
/// every loop's handle. Immutable but for its lock- and atomic-guarded parts.
final class ServerState: Sendable {
    let configuration: ServerConfiguration
    let chatConfig: ChatConfig
    let registry = Registry()
    let logger: Logger
    let handles: [EventLoopHandle]
    let listener: Int32
    let statistics = ServerStatistics()
    /// Monotonic nanoseconds at start.
    let startedAt: Int64

    private let nextSerial = Atomic<UInt64>(0)
    private let connectionCount = Atomic<Int>(0)
    private let perAddress = Locked<[String: Int]>([:])

    init(
        configuration: ServerConfiguration, chatConfig: ChatConfig, logger: Logger, handles: [EventLoopHandle],
        listener: Int32
    ) {
        self.configuration = configuration
        self.chatConfig = chatConfig
        self.logger = logger
        self.handles = handles
        self.listener = listener
        self.startedAt = Posix.monotonicNanoseconds()
    }

    func makeSerial() -> UInt64 { nextSerial.add(1, ordering: .relaxed).newValue }

    var openConnections: Int { connectionCount.load(ordering: .relaxed) }

    /// Why a new connection from `host` may not stay, or nil when it may (and is now counted).
    func admit(host: String) -> String? {
        if connectionCount.add(1, ordering: .relaxed).newValue > configuration.maxClients {
            connectionCount.subtract(1, ordering: .relaxed)
            return "Server is full"
        }
        let admitted = perAddress.withLock { counts in
            let count = counts[host, default: 0]
            guard count < configuration.maxPerIP else { return false }
            counts[host] = count + 1
            return true
        }
        if !admitted {
            connectionCount.subtract(1, ordering: .relaxed)
            return "Too many connections from your address (at most \(configuration.maxPerIP))"
        }
        statistics.noteConnections(connectionCount.load(ordering: .relaxed))
        return nil
    }

    /// Forgets a connection that `admit` counted.
    func release(host: String) {
        connectionCount.subtract(1, ordering: .relaxed)
        perAddress.withLock { counts in
            let count = counts[host, default: 1] - 1
            counts[host] = count > 0 ? count : nil
        }
    }
}

/// Server-wide counters for the operator console. Loops add their local tallies once per
/// wakeup, so the hot path never touches an atomic per delivery.
public final class ServerStatistics: Sendable {
    let peakConnections = Atomic<Int>(0)
    let linesIn = Atomic<Int>(0)
    let messagesRelayed = Atomic<Int>(0)
    let deliveries = Atomic<Int>(0)
    let bytesIn = Atomic<Int>(0)
    let bytesOut = Atomic<Int>(0)
    let sendQueueDisconnects = Atomic<Int>(0)
    let floodDisconnects = Atomic<Int>(0)

    func noteConnections(_ count: Int) {
        var peak = peakConnections.load(ordering: .relaxed)
        while count > peak {
            let (exchanged, original) = peakConnections.compareExchange(
                expected: peak, desired: count, ordering: .relaxed)
            if exchanged { break }
            peak = original
        }
    }
}

/// A loop's counters since its last publish.
struct LocalStatistics {
    var linesIn = 0
    var messagesRelayed = 0
    var deliveries = 0
    var bytesIn = 0
    var bytesOut = 0
    var sendQueueDisconnects = 0
    var floodDisconnects = 0

    mutating func publish(to statistics: ServerStatistics) {
        if linesIn != 0 { statistics.linesIn.add(linesIn, ordering: .relaxed) }
        if messagesRelayed != 0 { statistics.messagesRelayed.add(messagesRelayed, ordering: .relaxed) }
        if deliveries != 0 { statistics.deliveries.add(deliveries, ordering: .relaxed) }
        if bytesIn != 0 { statistics.bytesIn.add(bytesIn, ordering: .relaxed) }
        if bytesOut != 0 { statistics.bytesOut.add(bytesOut, ordering: .relaxed) }
        if sendQueueDisconnects != 0 { statistics.sendQueueDisconnects.add(sendQueueDisconnects, ordering: .relaxed) }
        if floodDisconnects != 0 { statistics.floodDisconnects.add(floodDisconnects, ordering: .relaxed) }
        self = LocalStatistics()
    }
}
