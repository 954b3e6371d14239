import ChatServer

/// What the operator console asks of the server. `Server` provides it; unit tests use a
/// stand-in. Each call reads a snapshot or posts to a loop's inbox: none blocks an event loop.
public protocol OperatorServer {
    /// Sends `:<server> BROADCAST :<text>` to every registered user.
    func announce(_ text: String) throws(Server.OperatorError)
    /// Disconnects `nick` with `ERROR :Kicked by operator: <reason>`.
    func kick(_ nick: String, reason: String) throws(Server.OperatorError)
    /// Every open connection, registered or not, in connection order.
    func connections(timeout: Double) -> [ConnectionInfo]
    /// The server's counters now, or nil when it is not running.
    func statisticsSnapshot() -> StatisticsSnapshot?
}

extension Server: OperatorServer {}
