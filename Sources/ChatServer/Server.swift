import ChatCore
import Platform

/// The whole server: a listening socket shared by a fixed pool of event-loop threads.
/// `start` binds and returns the port; `shutdown` tells every client and joins the threads.
public final class Server: Sendable {
    public let configuration: ServerConfiguration

    public init(configuration: ServerConfiguration) {
        self.configuration = configuration
    }

    /// Binds, starts the event loops and returns the bound port.
    public func start() throws -> Int {
        fatalError("not yet")
    }

    /// Sends `ERROR :Server shutting down` to everyone, closes every socket, joins the threads.
    public func shutdown() {}
}
