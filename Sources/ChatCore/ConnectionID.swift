/// Names one connection for the server's lifetime: the node that holds it (0 without a
/// cluster), the event loop that owns it there, its socket descriptor (for a direct look-up on
/// that loop) and a serial number that is never reused, so a message for a closed connection
/// can never reach a newer one that got the same descriptor.
public struct ConnectionID: Hashable, Sendable, CustomStringConvertible {
    /// The index of the event loop that owns the connection.
    public var loop: Int { Int(loopIndex) }
    /// The cluster node that holds the connection: 0 for a server on its own.
    public var node: Int { Int(nodeIndex) }
    // 16 + 16 bits beside the descriptor: an id is 16 bytes, not 24, in every member table
    // entry, user record and connection.
    private let loopIndex: UInt16
    private let nodeIndex: UInt16
    public let descriptor: Int32
    public let serial: UInt64

    public init(loop: Int, descriptor: Int32, serial: UInt64, node: Int = 0) {
        self.loopIndex = UInt16(loop)
        self.nodeIndex = UInt16(node)
        self.descriptor = descriptor
        self.serial = serial
    }

    public var description: String { node == 0 ? "#\(serial)" : "#\(node).\(serial)" }
}
