import ChatServer

/// What the operator console asks of the server. `Server` provides it; unit tests use a
/// stand-in. Each call reads a snapshot or posts to a loop's inbox: none blocks an event loop.
public protocol OperatorServer {
    /// Sends the server notice `:<server> NOTICE * :<text>` to every registered user.
    func announce(_ text: String) throws(Server.OperatorError)
    /// Disconnects `nick` with `ERROR :Kicked by operator: <reason>`.
    func kick(_ nick: String, reason: String) throws(Server.OperatorError)
    /// Removes `nick` from one room: its members, `nick` included, see
    /// `:<server> KICK <#room> <nick> :<reason>`. The user stays connected.
    func kick(_ nick: String, fromRoom room: String, reason: String) throws(Server.OperatorError)
    /// Every open connection, registered or not, in connection order, with each user's rooms.
    func connections(timeout: Double) -> [ConnectionInfo]
    /// Every room with its members, topic and modes, by name.
    func rooms() -> [RoomInfo]
    /// The server's counters now, or nil when it is not running.
    func statisticsSnapshot() -> StatisticsSnapshot?
}

extension Server: OperatorServer {}
