import Locking
import ChatCore
import Dispatch
import Foundation
import Platform
import Synchronization

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
        case alreadyStarted

        public var description: String {
            switch self {
            case .address(let error): error.description
            case .system(let error): error.description
            case .alreadyStarted: "the server is already running"
            }
        }
    }

    private struct Running: Sendable {
        let state: ServerState
        let finished: [DispatchSemaphore]
    }

    private let running = Locked<Running?>(nil)
    private let stopped = Atomic<Bool>(false)

    public init(configuration: ServerConfiguration, logger: Logger = Logger()) {
        self.configuration = configuration
        self.logger = logger
    }

    /// Binds, starts the event loops and returns the bound port.
    public func start() throws(StartError) -> Int {
        Posix.ignoreSIGPIPE()
        Posix.raiseOpenFileLimit()
        Posix.keepFreedMemoryForReuse()
        let address: SocketAddress
        do {
            address = try SocketAddress.resolve(host: configuration.host, port: configuration.port)
        } catch {
            throw .address(error)
        }
        let listener: Int32
        let port: Int
        let handles: [EventLoopHandle]
        do {
            listener = try Socket.listen(on: address)
            port = try Socket.localAddress(listener).port
            let count = configuration.eventLoops > 0 ? configuration.eventLoops : Posix.availableCPUCount
            handles = try (0..<count).map { index throws(SystemError) in try EventLoopHandle(index: index) }
        } catch {
            throw .system(error)
        }
        let state = ServerState(
            configuration: configuration, chatConfig: configuration.chatConfig(createdText: Self.startDate()),
            logger: logger, handles: handles, listener: listener)

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
        let runningState = Running(state: state, finished: finished)
        running.withLock { $0 = runningState }
        if let failure = startFailure.withLock({ $0 }) {
            shutdown()
            throw .system(failure)
        }
        return port
    }

    /// Sends `ERROR :Server shutting down` to everyone, closes every socket (waiting up to two
    /// seconds for output to drain) and joins the threads. Calling it again does nothing.
    public func shutdown() {
        guard let current = running.withLock({ $0 }), !stopped.exchange(true, ordering: .relaxed) else { return }
        for handle in current.state.handles { handle.post(.shutdown) }
        for done in current.finished { done.wait() }
        Posix.close(current.state.listener)
    }

    var runningState: ServerState? { running.withLock { $0?.state } }

    /// The registry of users, for the operator console.
    public var registry: Registry? { running.withLock { $0?.state.registry } }

    /// Server-wide counters, for the operator console.
    public var statistics: ServerStatistics? { running.withLock { $0?.state.statistics } }

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
