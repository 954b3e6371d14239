/// Names one connection for the server's lifetime: the event loop that owns it, its socket
/// descriptor (for a direct look-up on that loop) and a serial number that is never reused, so a
/// message for a closed connection can never reach a newer one that got the same descriptor.
public struct ConnectionID: Hashable, Sendable, CustomStringConvertible {
    public let loop: Int
    public let descriptor: Int32
    public let serial: UInt64

    public init(loop: Int, descriptor: Int32, serial: UInt64) {
        self.loop = loop
        self.descriptor = descriptor
        self.serial = serial
    }

    public var description: String { "#\(serial)" }
}
