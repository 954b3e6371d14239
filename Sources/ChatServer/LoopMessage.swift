import ChatCore

/// What one thread asks an event loop to do. Posted to the loop's inbox.
enum LoopMessage: Sendable {
    /// Queue bytes for one connection, if it is still there.
    case send(ConnectionID, [UInt8])
    /// Queue bytes for every registered connection on the loop except one.
    case broadcast([UInt8], except: ConnectionID?)
    /// Close a connection with `ERROR :<error>`, telling the others `QUIT :<quitReason>`.
    case close(ConnectionID, error: String, quitReason: String)
    /// Copy every connection's figures and hand them to `reply` (called on the loop thread).
    case snapshot(reply: @Sendable ([ConnectionInfo]) -> Void)
    /// Tell every client `ERROR :Server shutting down`, close everything and stop.
    case shutdown
}
