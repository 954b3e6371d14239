import ChatCore
import Locking
import Platform
import Synchronization
import TLS

/// What every event loop shares: the registry, configuration, connection counts, counters and
/// every loop's handle. Immutable but for its lock- and atomic-guarded parts.
final class ServerState: Sendable {
    /// The configuration at start. What a reload changed is in `live`.
    let configuration: ServerConfiguration
    let chatConfig: ChatConfig
    /// The configuration in force, replaced by `Server.reload` (which holds this lock for the
    /// whole reload, so two reloads never interleave). No event loop takes it: the loops get
    /// their copy through their inbox, so the certificate files a reload reads under it delay
    /// only another reload.
    let live: Locked<LiveSettings>
    let registry = Registry()
    let logger: Logger
    let handles: [EventLoopHandle]
    /// The plain-text listening socket, or -1 when only TLS is served.
    let listener: Int32
    /// The TLS listening socket, or -1 when TLS is not served.
    let tlsListener: Int32
    /// The HTTP listening socket (page, /ws, /healthz; /metrics too when it is also the metrics
    /// listener), or -1.
    let httpListener: Int32
    /// The metrics listening socket (/metrics, /healthz), or -1 (not served, or served by
    /// `httpListener`).
    let metricsListener: Int32
    /// What `httpListener` serves.
    let httpRoutes: WebRoutes
    /// The certificate and key new TLS connections get: read at accept time, replaced by a
    /// reload (SIGHUP); connections already made keep the context they were made with.
    let tlsContext: Locked<TLSServerContext>?
    let statistics = ServerStatistics()
    /// Monotonic nanoseconds at start.
    let startedAt: Int64

    /// Counts connections against --max-clients and --max-per-ip.
    let admission: Admission
    private let nextSerial = Atomic<UInt64>(0)

    init(
        configuration: ServerConfiguration, chatConfig: ChatConfig, logger: Logger, handles: [EventLoopHandle],
        listener: Int32, tlsListener: Int32 = -1, tlsContext: TLSServerContext? = nil, httpListener: Int32 = -1,
        metricsListener: Int32 = -1, httpRoutes: WebRoutes = .chat
    ) {
        self.httpListener = httpListener
        self.metricsListener = metricsListener
        self.httpRoutes = httpRoutes
        self.configuration = configuration
        self.chatConfig = chatConfig
        self.live = Locked(LiveSettings(configuration: configuration, chatConfig: chatConfig))
        self.logger = logger
        self.handles = handles
        self.listener = listener
        self.tlsListener = tlsListener
        self.tlsContext = tlsContext.map { Locked($0) }
        self.startedAt = Posix.monotonicNanoseconds()
        self.admission = Admission(maxClients: configuration.maxClients, maxPerAddress: configuration.maxPerIP)
    }

    /// Every listening socket served (for pausing accepts when descriptors run out).
    var listeners: [Int32] { [listener, tlsListener, httpListener, metricsListener].filter { $0 >= 0 } }

    func makeSerial() -> UInt64 { nextSerial.add(1, ordering: .relaxed).newValue }

    /// Connections counted now (each holds a descriptor).
    var openConnections: Int { admission.count }
}

/// The settings a reload replaces.
struct LiveSettings: Sendable {
    var configuration: ServerConfiguration
    var chatConfig: ChatConfig
}

/// Server-wide counters for the operator console. Loops add their local tallies once per
/// wakeup, so the hot path never touches an atomic per delivery.
public final class ServerStatistics: Sendable {
    let connectionsAccepted = Atomic<Int>(0)
    let connectionsRefused = Atomic<Int>(0)
    let linesIn = Atomic<Int>(0)
    let messagesRelayed = Atomic<Int>(0)
    let deliveries = Atomic<Int>(0)
    let bytesIn = Atomic<Int>(0)
    let bytesOut = Atomic<Int>(0)
    let sendQueueDisconnects = Atomic<Int>(0)
    let floodDisconnects = Atomic<Int>(0)
    let outputBudgetDisconnects = Atomic<Int>(0)
    let bytesDiscarded = Atomic<Int>(0)
    let tlsHandshakes = Atomic<Int>(0)
    let tlsHandshakeFailures = Atomic<Int>(0)
}

/// A loop's counters since its last publish.
struct LocalStatistics {
    var connectionsAccepted = 0
    var connectionsRefused = 0
    var linesIn = 0
    var messagesRelayed = 0
    var deliveries = 0
    var bytesIn = 0
    var bytesOut = 0
    var sendQueueDisconnects = 0
    var floodDisconnects = 0
    var outputBudgetDisconnects = 0
    var bytesDiscarded = 0
    var tlsHandshakes = 0
    var tlsHandshakeFailures = 0

    mutating func publish(to statistics: ServerStatistics) {
        if connectionsAccepted != 0 { statistics.connectionsAccepted.add(connectionsAccepted, ordering: .relaxed) }
        if connectionsRefused != 0 { statistics.connectionsRefused.add(connectionsRefused, ordering: .relaxed) }
        if linesIn != 0 { statistics.linesIn.add(linesIn, ordering: .relaxed) }
        if messagesRelayed != 0 { statistics.messagesRelayed.add(messagesRelayed, ordering: .relaxed) }
        if deliveries != 0 { statistics.deliveries.add(deliveries, ordering: .relaxed) }
        if bytesIn != 0 { statistics.bytesIn.add(bytesIn, ordering: .relaxed) }
        if bytesOut != 0 { statistics.bytesOut.add(bytesOut, ordering: .relaxed) }
        if sendQueueDisconnects != 0 { statistics.sendQueueDisconnects.add(sendQueueDisconnects, ordering: .relaxed) }
        if floodDisconnects != 0 { statistics.floodDisconnects.add(floodDisconnects, ordering: .relaxed) }
        if outputBudgetDisconnects != 0 {
            statistics.outputBudgetDisconnects.add(outputBudgetDisconnects, ordering: .relaxed)
        }
        if bytesDiscarded != 0 { statistics.bytesDiscarded.add(bytesDiscarded, ordering: .relaxed) }
        if tlsHandshakes != 0 { statistics.tlsHandshakes.add(tlsHandshakes, ordering: .relaxed) }
        if tlsHandshakeFailures != 0 { statistics.tlsHandshakeFailures.add(tlsHandshakeFailures, ordering: .relaxed) }
        self = LocalStatistics()
    }
}

/// Which routes an HTTP listener serves.
struct WebRoutes: OptionSet, Sendable {
    let rawValue: UInt8
    /// `/` (the page), `/ws` and `/healthz`.
    static let chat = WebRoutes(rawValue: 1)
    /// `/metrics` and `/healthz`.
    static let metrics = WebRoutes(rawValue: 2)
}
