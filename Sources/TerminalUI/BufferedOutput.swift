import Platform

/// Bytes for a descriptor (usually stdout), gathered and written in one go per event. A write
/// error (a closed pipe, a terminal that went away) stops output for good but not the program,
/// which may still have work to finish.
public struct BufferedOutput {
    /// Where `flush` writes.
    public let fd: Int32
    /// What `append` has gathered since the last `flush`.
    public private(set) var pending: [UInt8] = []
    /// Whether a write has failed; nothing is written after that.
    public private(set) var isBroken = false

    public init(fd: Int32) {
        self.fd = fd
    }

    /// Adds `text` to what the next `flush` writes.
    public mutating func append(_ text: String) {
        if !isBroken { pending.append(contentsOf: text.utf8) }
    }

    /// Writes everything gathered.
    public mutating func flush() {
        defer { pending.removeAll(keepingCapacity: true) }
        guard !isBroken, !pending.isEmpty else { return }
        if case .failure = ByteIO.writeAll(fd, pending) { isBroken = true }
    }
}
