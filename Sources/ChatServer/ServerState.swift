import ChatCore
import Cluster
import Locking
import Platform
import Synchronization
import TLS

/// What every event loop shares: the registry, configuration, connection counts, each loop's
/// counters and every loop's handle. Immutable but for its lock- and atomic-guarded parts.
final class ServerState: Sendable {
    /// The configuration at start. What a reload changed is in `live`.
    let configuration: ServerConfiguration
    let chatConfig: ChatConfig
    /// The configuration in force, replaced by `Server.reload` (which holds this lock for the
    /// whole reload, so two reloads never interleave). No event loop takes it: the loops get
    /// their copy through their inbox, so the certificate files a reload reads under it delay
    /// only another reload.
    let live: Locked<LiveSettings>
    /// The directory the chat logic uses: `registry` itself, or the cluster's replicated one.
    let directory: any ChatDirectory
    /// The users and rooms (on a cluster node, this node's copy of the cluster's).
    let registry: Registry
    /// This server as a node of a cluster; nil on its own.
    let cluster: ClusterNode?
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
    /// Each event loop's counters, by loop index (see `LoopCounters`): summed when read.
    let loopCounters: [LoopCounters]
    /// Monotonic nanoseconds at start.
    let startedAt: Int64

    /// Counts connections against --max-clients and --max-per-ip.
    let admission: Admission
    private let nextSerial = Atomic<UInt64>(0)

    init(
        configuration: ServerConfiguration, chatConfig: ChatConfig, logger: Logger, handles: [EventLoopHandle],
        listener: Int32, tlsListener: Int32 = -1, tlsContext: TLSServerContext? = nil, httpListener: Int32 = -1,
        metricsListener: Int32 = -1, httpRoutes: WebRoutes = .chat, cluster: ClusterNode? = nil
    ) {
        self.cluster = cluster
        if let cluster {
            registry = cluster.registry
            directory = cluster.directory
        } else {
            let registry = Registry()
            self.registry = registry
            directory = registry
        }
        self.httpListener = httpListener
        self.metricsListener = metricsListener
        self.httpRoutes = httpRoutes
        self.configuration = configuration
        self.chatConfig = chatConfig
        self.live = Locked(LiveSettings(configuration: configuration, chatConfig: chatConfig))
        self.logger = logger
        self.handles = handles
        self.loopCounters = handles.map { _ in LoopCounters() }
        self.listener = listener
        self.tlsListener = tlsListener
        self.tlsContext = tlsContext.map { Locked($0) }
        self.startedAt = Posix.monotonicNanoseconds()
        self.admission = Admission(maxClients: configuration.maxClients, maxPerAddress: configuration.maxPerIP)
    }

    /// Every listening socket served (for pausing accepts when descriptors run out).
    var listeners: [Int32] { [listener, tlsListener, httpListener, metricsListener].filter { $0 >= 0 } }

    func makeSerial() -> UInt64 { nextSerial.add(1, ordering: .relaxed).newValue }

    /// This server's node index in its cluster (0 on its own): part of every connection id.
    var nodeIndex: Int { cluster?.nodeIndex ?? 0 }

    /// The index a loop stamps message ids with: its own, or on a cluster node the node's
    /// index and the loop's (4 bits each), so that no two nodes stamp the same id.
    func messageIDLoop(_ loop: Int) -> Int {
        guard let cluster else { return loop }
        return cluster.nodeIndex << 4 | (loop & 15)
    }

    /// Connections counted now (each holds a descriptor).
    var openConnections: Int { admission.count }
}

/// The settings a reload replaces.
struct LiveSettings: Sendable {
    var configuration: ServerConfiguration
    var chatConfig: ChatConfig
}

/// Which routes an HTTP listener serves.
struct WebRoutes: OptionSet, Sendable {
    let rawValue: UInt8
    /// `/` (the page), `/ws` and `/healthz`.
    static let chat = WebRoutes(rawValue: 1)
    /// `/metrics` and `/healthz`.
    static let metrics = WebRoutes(rawValue: 2)
}
