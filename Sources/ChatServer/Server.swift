import Locking
import ChatCore
import Cluster
import Dispatch
import Foundation
import Platform
import Synchronization
import TLS

/// The whole server: one listening socket shared by a fixed pool of event-loop threads (one
/// per CPU by default), each owning its connections through its own epoll.
/// `start` binds and returns the port; `shutdown` tells every client and joins the threads.
public final class Server: Sendable {
    public let configuration: ServerConfiguration
    public let logger: Logger

    /// Why the server could not start.
    public enum StartError: Error, CustomStringConvertible {
        case address(AddressError)
        case system(SystemError)
        /// A listening socket could not be opened: which one ("0.0.0.0:8080 (HTTP)") and why.
        case listen(String, SystemError)
        /// The TLS certificate or key cannot be used (the description names the file).
        case tls(TLSError)
        /// Neither the plain port nor TLS is to be served.
        case noListener
        case alreadyStarted
        /// The cluster's Redis cannot be reached or refused this node.
        case cluster(ClusterError)

        public var description: String {
            switch self {
            case .address(let error): error.description
            case .system(let error): error.description
            case .listen(let listener, let error): "cannot listen on \(listener): \(error.reason)"
            case .tls(let error): error.description
            case .noListener: "nothing to serve: the plain port is off and neither TLS nor HTTP is configured"
            case .alreadyStarted: "the server is already running"
            case .cluster(let error): "cannot join the cluster: \(error)"
            }
        }
    }

    /// Why `reloadTLSCertificate` kept the certificate it had.
    public enum ReloadError: Error, CustomStringConvertible {
        case notRunning
        /// TLS is off, or its certificate is a generated one with no files to read again.
        case noCertificateFiles
        /// The new files cannot be used (the description names the file).
        case tls(TLSError)

        public var description: String {
            switch self {
            case .notRunning: "the server is not running"
            case .noCertificateFiles: "the server was not started with certificate and key files"
            case .tls(let error): error.description
            }
        }
    }

    private struct Running: Sendable {
        let state: ServerState
        let finished: [DispatchSemaphore]
        /// The bound ports: nil for a listener not served.
        let plainPort: Int?
        let tlsPort: Int?
        let httpPort: Int?
        let metricsPort: Int?
    }

    private let running = Locked<Running?>(nil)
    private let stopped = Atomic<Bool>(false)

    public init(configuration: ServerConfiguration, logger: Logger = Logger()) {
        self.configuration = configuration
        self.logger = logger
    }

    /// Binds, starts the event loops and returns the bound port: the plain one, or the TLS one
    /// when only TLS is served (`plainPort` and `tlsPort` tell both).
    public func start() throws(StartError) -> Int {
        // OpenSSL writes with write(2): a peer gone mid-write must not kill the process.
        Posix.ignoreSIGPIPE()
        Posix.raiseOpenFileLimit()
        Posix.keepFreedMemoryForReuse()
        guard configuration.servesPlain || configuration.tls != nil || configuration.httpPort != nil else {
            throw .noListener
        }
        // The certificate first: a bad one stops the start before any port is bound.
        var tlsContext: TLSServerContext?
        if let tls = configuration.tls {
            do {
                tlsContext = try Self.makeContext(tls.certificate)
            } catch {
                throw .tls(error)
            }
        }
        let plainAddress: SocketAddress?
        let tlsAddress: SocketAddress?
        let httpAddress: SocketAddress?
        var metricsAddress: SocketAddress?
        // One listener for everything when the metrics address is the HTTP one (a fixed port:
        // two port-0 listeners are two free ports).
        let metricsSharesHTTP =
            configuration.httpPort != nil && configuration.httpPort != 0
            && configuration.metricsPort == configuration.httpPort
            && configuration.metricsHost == (configuration.httpHost ?? configuration.host)
        do {
            httpAddress = try configuration.httpPort.map { port throws(AddressError) in
                try SocketAddress.resolve(host: configuration.httpHost ?? configuration.host, port: port)
            }
            if !metricsSharesHTTP, let port = configuration.metricsPort {
                metricsAddress = try SocketAddress.resolve(host: configuration.metricsHost, port: port)
            }
            plainAddress =
                configuration.servesPlain
                ? try SocketAddress.resolve(host: configuration.host, port: configuration.port) : nil
            tlsAddress = try configuration.tls.map { tls throws(AddressError) in
                try SocketAddress.resolve(host: tls.host ?? configuration.host, port: tls.port)
            }
        } catch {
            throw .address(error)
        }
        var listener: Int32 = -1
        var tlsListener: Int32 = -1
        var plainPort: Int?
        var tlsPort: Int?
        var httpListener: Int32 = -1
        var metricsListener: Int32 = -1
        var httpPort: Int?
        var metricsPort: Int?
        let handles: [EventLoopHandle]
        // The listener being opened, for the error message.
        var opening: String?
        do {
            if let plainAddress {
                opening = "\(plainAddress) (plain)"
                listener = try Socket.listen(on: plainAddress)
                plainPort = try Socket.localAddress(listener).port
            }
            if let tlsAddress {
                opening = "\(tlsAddress) (TLS)"
                tlsListener = try Socket.listen(on: tlsAddress)
                tlsPort = try Socket.localAddress(tlsListener).port
            }
            if let httpAddress {
                opening = "\(httpAddress) (HTTP)"
                httpListener = try Socket.listen(on: httpAddress)
                httpPort = try Socket.localAddress(httpListener).port
                if metricsSharesHTTP { metricsPort = httpPort }
            }
            if let metricsAddress {
                opening = "\(metricsAddress) (metrics)"
                metricsListener = try Socket.listen(on: metricsAddress)
                metricsPort = try Socket.localAddress(metricsListener).port
            }
            opening = nil
            var count = configuration.eventLoops > 0 ? configuration.eventLoops : Posix.availableCPUCount
            // A cluster node's message ids have 4 bits for the loop (ClusterSettings).
            if configuration.cluster != nil { count = min(count, 15) }
            handles = try (0..<count).map { index throws(SystemError) in try EventLoopHandle(index: index) }
        } catch {
            if listener >= 0 { Posix.close(listener) }
            if tlsListener >= 0 { Posix.close(tlsListener) }
            if httpListener >= 0 { Posix.close(httpListener) }
            if metricsListener >= 0 { Posix.close(metricsListener) }
            if let opening { throw .listen(opening, error) }
            throw .system(error)
        }
        // A cluster node reads the cluster's directory before it serves anyone.
        var serving = configuration
        var cluster: ClusterNode?
        if let settings = configuration.cluster {
            switch Result(catching: { () throws(ClusterError) in
                try ClusterNode(settings: settings, history: configuration.history)
            }) {
            case .failure(let error):
                for fd in [listener, tlsListener, httpListener, metricsListener] where fd >= 0 { Posix.close(fd) }
                throw StartError.cluster(error)
            case .success(let node):
                cluster = node
                serving.history = configuration.history.map { ClusterHistory(local: $0, node: node) }
                logger.info(
                    "cluster: node \(settings.nodeName) (index \(node.nodeIndex)) joined through \(settings.url), "
                        + "\(node.registry.count) users elsewhere"
                        + (node.recordsCaughtUp > 0 ? ", \(node.recordsCaughtUp) history records caught up" : ""))
            }
        }
        let state = ServerState(
            configuration: serving, chatConfig: serving.chatConfig(createdText: Self.startDate()),
            logger: logger, handles: handles, listener: listener, tlsListener: tlsListener, tlsContext: tlsContext,
            httpListener: httpListener, metricsListener: metricsListener,
            httpRoutes: metricsSharesHTTP ? [.chat, .metrics] : .chat, cluster: cluster)
        if let cluster {
            do {
                try cluster.start(delegate: ClusterRelay(state: state))
            } catch {
                cluster.stop()
                for fd in state.listeners { Posix.close(fd) }
                throw .system(error)
            }
        }

        let startFailure = Locked<SystemError?>(nil)
        let started = DispatchSemaphore(value: 0)
        var finished: [DispatchSemaphore] = []
        for handle in handles {
            let done = DispatchSemaphore(value: 0)
            finished.append(done)
            // The loop is built on its own thread: it is not Sendable, only its handle is.
            let thread = Thread {
                defer { done.signal() }
                switch Result(catching: { () throws(SystemError) in try EventLoop(handle: handle, state: state) }) {
                case .failure(let error):
                    startFailure.withLock { $0 = error }
                    started.signal()
                case .success(let loop):
                    started.signal()
                    loop.run()
                }
            }
            thread.name = "linechat-loop-\(handle.index)"
            thread.start()
        }
        for _ in handles { started.wait() }
        let runningState = Running(
            state: state, finished: finished, plainPort: plainPort, tlsPort: tlsPort, httpPort: httpPort,
            metricsPort: metricsPort)
        running.withLock { $0 = runningState }
        if let failure = startFailure.withLock({ $0 }) {
            shutdown()
            throw .system(failure)
        }
        return plainPort ?? tlsPort ?? httpPort ?? 0
    }

    /// The HTTP port bound (page, /ws, /healthz), while running; nil when not served.
    public var httpPort: Int? { running.withLock { $0?.httpPort } }

    /// The port serving /metrics, while running (the HTTP port when they are one); nil when
    /// not served.
    public var metricsPort: Int? { running.withLock { $0?.metricsPort } }

    /// The plain-text port bound, while running; nil when only TLS is served.
    public var plainPort: Int? { running.withLock { $0?.plainPort } }

    /// The TLS port bound, while running; nil without TLS.
    public var tlsPort: Int? { running.withLock { $0?.tlsPort } }

    /// The SHA-256 fingerprint of the certificate new TLS connections get ("AB:12:..."); nil
    /// without TLS.
    public var tlsFingerprint: String? {
        guard let context = running.withLock({ $0?.state.tlsContext }) else { return nil }
        return context.withLock { $0.fingerprintSHA256 }
    }

    /// Reads the certificate and key files again (SIGHUP): new TLS connections get the new pair,
    /// connections already made keep theirs. A pair that cannot be used changes nothing.
    /// Returns the new certificate's SHA-256 fingerprint.
    @discardableResult
    public func reloadTLSCertificate() throws(ReloadError) -> String {
        guard let state = runningState else { throw .notRunning }
        guard let tls = configuration.tls, case .files = tls.certificate, let current = state.tlsContext else {
            throw .noCertificateFiles
        }
        let context: TLSServerContext
        do {
            context = try Self.makeContext(tls.certificate)
        } catch {
            throw .tls(error)
        }
        current.withLock { $0 = context }
        return context.fingerprintSHA256
    }

    private static func makeContext(_ certificate: TLSSettings.Certificate) throws(TLSError) -> TLSServerContext {
        switch certificate {
        case .files(let certificateFile, let keyFile):
            try TLSServerContext(certificateFile: certificateFile, keyFile: keyFile)
        case .selfSigned(let commonName):
            try TLSServerContext.selfSigned(commonName: commonName)
        }
    }

    /// Sends `ERROR :Server shutting down` to everyone, closes every socket (waiting up to two
    /// seconds for output to drain) and joins the threads. Calling it again does nothing.
    public func shutdown() {
        guard let current = running.withLock({ $0 }), !stopped.exchange(true, ordering: .relaxed) else { return }
        for handle in current.state.handles { handle.post(.shutdown) }
        for done in current.finished { done.wait() }
        current.state.cluster?.stop()
        if current.state.listener >= 0 { Posix.close(current.state.listener) }
        if current.state.tlsListener >= 0 { Posix.close(current.state.tlsListener) }
        if current.state.httpListener >= 0 { Posix.close(current.state.httpListener) }
        if current.state.metricsListener >= 0 { Posix.close(current.state.metricsListener) }
    }

    var runningState: ServerState? { running.withLock { $0?.state } }

    /// This server as a cluster node, while running; nil on its own.
    public var cluster: ClusterNode? { running.withLock { $0?.state.cluster } }

    /// The registry of users, for the operator console.
    public var registry: Registry? { running.withLock { $0?.state.registry } }

    /// Connections open now (registered or not).
    public var openConnections: Int { running.withLock { $0?.state.openConnections } ?? 0 }

    private static func startDate() -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd 'at' HH:mm:ss 'UTC'"
        return formatter.string(from: Date())
    }
}
