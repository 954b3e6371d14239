import ChatCore
import Locking
import Platform
import Synchronization
import TLS

/// What every event loop shares: the registry, configuration, connection counts, each loop's
/// counters and every loop's handle. Immutable but for its lock- and atomic-guarded parts.
final class ServerState: Sendable {
    let configuration: ServerConfiguration
    let chatConfig: ChatConfig
    let registry = Registry()
    let logger: Logger
    let handles: [EventLoopHandle]
    /// The plain-text listening socket, or -1 when only TLS is served.
    let listener: Int32
    /// The TLS listening socket, or -1 when TLS is not served.
    let tlsListener: Int32
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
        listener: Int32, tlsListener: Int32 = -1, tlsContext: TLSServerContext? = nil
    ) {
        self.configuration = configuration
        self.chatConfig = chatConfig
        self.logger = logger
        self.handles = handles
        self.loopCounters = handles.map { _ in LoopCounters() }
        self.listener = listener
        self.tlsListener = tlsListener
        self.tlsContext = tlsContext.map { Locked($0) }
        self.startedAt = Posix.monotonicNanoseconds()
        self.admission = Admission(maxClients: configuration.maxClients, maxPerAddress: configuration.maxPerIP)
    }

    func makeSerial() -> UInt64 { nextSerial.add(1, ordering: .relaxed).newValue }

    /// Connections counted now (each holds a descriptor).
    var openConnections: Int { admission.count }
}
