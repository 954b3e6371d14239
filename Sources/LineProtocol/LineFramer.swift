/// Splits an inbound byte stream into lines: LF ends a line, a CR just before it is dropped,
/// telnet IAC sequences are removed first. A line longer than `maxLineBytes` (terminator
/// included) is reported once as `.overlong` as soon as it is known to be too long, and its
/// bytes are discarded up to the next LF, so the framer never holds more than `maxLineBytes`.
///
/// Only an incomplete line is copied into the framer's own storage; complete lines are handed
/// out as views into the caller's buffer, which the server reuses across connections.
public struct LineFramer: Sendable {
    /// What the framer found in the input.
    public enum Event {
        /// One line, without its terminator. Valid only during the callback.
        case line(UnsafeRawBufferPointer)
        /// A line exceeded the maximum and is being discarded.
        case overlong
    }

    public let maxLineBytes: Int
    private var partial: [UInt8] = []
    private var discarding = false
    private var telnet = TelnetFilter()

    public init(maxLineBytes: Int = Limits.defaultMaxLineBytes) {
        precondition(maxLineBytes >= 2, "a line needs room for at least one byte and LF")
        self.maxLineBytes = maxLineBytes
    }

    /// Bytes of an incomplete line held between calls.
    public var bufferedByteCount: Int { partial.count }

    /// Releases the storage of an empty partial-line buffer (for idle connections).
    public mutating func shrink() {
        if partial.isEmpty && partial.capacity > 0 { partial = [] }
    }

    /// Feeds one chunk. The chunk may be modified (telnet sequences are removed in place).
    public mutating func feed(_ chunk: UnsafeMutableRawBufferPointer, _ onEvent: (Event) -> Void) {
        guard let base = chunk.baseAddress, chunk.count > 0 else { return }
        var count = chunk.count
        if !telnet.isIdle || memchrByte(base, TelnetFilter.iac, count) != nil {
            count = telnet.filter(UnsafeMutableRawBufferPointer(start: base, count: count))
        }
        var start = 0
        while start < count {
            guard let lf = memchrByte(base + start, 10, count - start) else {
                appendPartial(UnsafeRawBufferPointer(start: base + start, count: count - start), onEvent)
                return
            }
            let end = start + lf  // index of the LF
            if discarding {
                discarding = false
            } else if partial.isEmpty {
                emit(UnsafeRawBufferPointer(start: base + start, count: end - start), onEvent)
            } else if partial.count + (end - start) + 1 > maxLineBytes {
                partial.removeAll(keepingCapacity: false)
                onEvent(.overlong)
            } else {
                partial.append(contentsOf: UnsafeRawBufferPointer(start: base + start, count: end - start))
                let line = partial
                partial.removeAll(keepingCapacity: true)
                line.withUnsafeBytes { emit($0, onEvent) }
            }
            start = end + 1
        }
        if partial.isEmpty { shrink() }
    }

    private func emit(_ line: UnsafeRawBufferPointer, _ onEvent: (Event) -> Void) {
        if line.count + 1 > maxLineBytes {
            onEvent(.overlong)
            return
        }
        var line = line
        if let last = line.last, last == 13 {
            line = UnsafeRawBufferPointer(rebasing: line.dropLast())
        }
        onEvent(.line(line))
    }

    private mutating func appendPartial(_ bytes: UnsafeRawBufferPointer, _ onEvent: (Event) -> Void) {
        if discarding { return }
        // Without its LF the line will be at least one byte longer than what we hold.
        if partial.count + bytes.count + 1 > maxLineBytes {
            partial.removeAll(keepingCapacity: false)
            discarding = true
            onEvent(.overlong)
            return
        }
        if partial.capacity == 0 { partial.reserveCapacity(min(maxLineBytes, 128)) }
        partial.append(contentsOf: bytes)
    }
}

/// The offset of the first `byte` in `count` bytes at `pointer`, if any.
@inline(__always)
func memchrByte(_ pointer: UnsafeRawPointer, _ byte: UInt8, _ count: Int) -> Int? {
    // A plain loop: the optimizer vectorizes it and it keeps this target free of libc.
    let bytes = pointer.assumingMemoryBound(to: UInt8.self)
    var i = 0
    while i < count {
        if bytes[i] == byte { return i }
        i += 1
    }
    return nil
}
