/// Names one connection for the server's lifetime: the event loop that owns it, its socket
/// descriptor (for a direct look-up on that loop) and a serial number that is never reused, so a
/// message for a closed connection can never reach a newer one that got the same descriptor.
public struct ConnectionID: Hashable, Sendable, CustomStringConvertible {
    /// The index of the event loop that owns the connection.
    public var loop: Int { Int(loopIndex) }
    // 32 bits beside the descriptor: an id is 16 bytes, not 24, in every member table entry,
    // user record and connection.
    private let loopIndex: Int32
    public let descriptor: Int32
    public let serial: UInt64

    public init(loop: Int, descriptor: Int32, serial: UInt64) {
        self.loopIndex = Int32(loop)
        self.descriptor = descriptor
        self.serial = serial
    }

    public var description: String { "#\(serial)" }
}
