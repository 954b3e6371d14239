import ChatCore

/// What one thread asks an event loop to do. Posted to the loop's inbox.
enum LoopMessage: Sendable {
    /// Queue a line for one connection, if it is still there.
    case send(ConnectionID, OutboundLine)
    /// Queue a line for the loop's members of a room, except one connection.
    case toRoom(String, OutboundLine, except: ConnectionID?)
    /// Queue a line once for each of the loop's connections in any of these rooms, except one.
    case toRooms([String], OutboundLine, except: ConnectionID?)
    /// Like `toRooms`, only for connections that negotiated away-notify.
    case toRoomsAwayNotify([String], OutboundLine, except: ConnectionID?)
    /// Hand a history answer's lines to one connection, if it is still there.
    case historyReply(ConnectionID, [UInt8])
    /// Queue a line for every registered connection on the loop except one.
    case broadcast(OutboundLine, except: ConnectionID?)
    /// A connection of this loop left a room (kicked by a user on another loop).
    case leftRoom(String, ConnectionID)
    /// Close a connection with `ERROR :<error>`, telling the others `QUIT :<quitReason>`.
    case close(ConnectionID, error: String, quitReason: String)
    /// Copy every connection's figures and hand them to `reply` (called on the loop thread).
    case snapshot(reply: @Sendable ([ConnectionInfo]) -> Void)
    /// Use a reloaded configuration from now on (what a reload can change; see `Server.reload`),
    /// then call `applied` (on the loop thread).
    case reconfigure(ServerConfiguration, ChatConfig, applied: @Sendable () -> Void)
    /// Tell every client `ERROR :Server shutting down`, close everything and stop.
    case shutdown
}
