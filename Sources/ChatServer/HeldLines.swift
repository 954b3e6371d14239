import LineProtocol

/// Lines a throttled connection has sent but the loop has not handled yet, oldest first. Only
/// a throttled connection holds any; `byteCount` is what counts against --flood-backlog-bytes.
struct HeldLines {
    /// One held framer event.
    enum Line: Equatable {
        case line([UInt8])
        case overlong
    }

    private var lines: [Line] = []
    private var head = 0
    private(set) var byteCount = 0

    var isEmpty: Bool { head == lines.count }
    var count: Int { lines.count - head }

    /// Copies a framer event (its bytes are valid only during the framer's callback).
    mutating func append(_ event: LineFramer.Event) {
        switch event {
        case .line(let bytes):
            lines.append(.line(Array(bytes)))
            byteCount += bytes.count + 1
        case .overlong:
            lines.append(.overlong)
            byteCount += 1
        }
    }

    /// Removes and returns the oldest line.
    mutating func popFirst() -> Line? {
        guard head < lines.count else { return nil }
        let line = lines[head]
        head += 1
        switch line {
        case .line(let bytes): byteCount -= bytes.count + 1
        case .overlong: byteCount -= 1
        }
        if head == lines.count { removeAll() }
        return line
    }

    /// Drops every held line and frees the storage.
    mutating func removeAll() {
        lines = []
        head = 0
        byteCount = 0
    }
}
