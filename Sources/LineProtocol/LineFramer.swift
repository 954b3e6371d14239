/// Splits an inbound byte stream into lines, telnet IAC sequences removed first.
///
/// Line ends are those of IRC servers and old telnet clients: CR LF, LF, a bare CR and CR NUL.
/// A CR ends a line; an LF or NUL right after a CR (even at the start of the next chunk) belongs
/// to that terminator and is swallowed, so CR LF gives one line, not a line and an empty one.
///
/// A line longer than `maxLineBytes`, terminator included, is reported once as `.overlong` as
/// soon as it is known to be too long, and its bytes are discarded up to the next terminator,
/// so the framer never holds more than `maxLineBytes`. A line ended by CR is counted with a
/// two-byte terminator whatever follows the CR (CR LF, CR NUL or a bare CR): the byte after a CR
/// may not have arrived yet, and this way the limit never waits on it.
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

    /// The longest line accepted, in bytes, terminator included. The server raises it by
    /// `Limits.tagAllowanceBytes` for a client that negotiated message-tags.
    public var maxLineBytes: Int
    /// The running total of input bytes thrown away rather than handed out in a line: every byte
    /// of a telnet command, option negotiation or subnegotiation, and every byte of an overlong
    /// line except its terminator. Line terminators are never counted. It only grows, so a
    /// caller charges flood control with how much it grew during one `feed`.
    public private(set) var discardedByteCount = 0

    private var partial: [UInt8] = []
    private var discarding = false
    /// The last byte seen was a CR: an LF or NUL that comes next is part of its terminator.
    private var afterCR = false
    private var telnet = TelnetFilter()

    private static let lf: UInt8 = 10
    private static let cr: UInt8 = 13
    private static let nul: UInt8 = 0

    /// A framer whose lines may be at most `maxLineBytes` long, terminator included.
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
            discardedByteCount += chunk.count - count
        }
        let bytes = UnsafeRawPointer(base).assumingMemoryBound(to: UInt8.self)
        var start = 0
        if afterCR && count > 0 {
            afterCR = false
            if bytes[0] == Self.lf || bytes[0] == Self.nul { start = 1 }
        }
        while start < count {
            guard let offset = firstLineEnd(bytes + start, count - start) else {
                appendPartial(UnsafeRawBufferPointer(start: base + start, count: count - start), onEvent)
                return
            }
            let end = start + offset  // index of the CR or LF
            let isCR = bytes[end] == Self.cr
            let terminatorBytes = isCR ? 2 : 1
            if discarding {
                discarding = false
                discardedByteCount += end - start
            } else if partial.isEmpty {
                emit(UnsafeRawBufferPointer(start: base + start, count: end - start), terminatorBytes, onEvent)
            } else if partial.count + (end - start) + terminatorBytes > maxLineBytes {
                discardedByteCount += partial.count + (end - start)
                partial.removeAll(keepingCapacity: false)
                onEvent(.overlong)
            } else {
                partial.append(contentsOf: UnsafeRawBufferPointer(start: base + start, count: end - start))
                let line = partial
                partial.removeAll(keepingCapacity: true)
                line.withUnsafeBytes { emit($0, terminatorBytes, onEvent) }
            }
            start = end + 1
            if isCR {
                if start == count {
                    afterCR = true
                } else if bytes[start] == Self.lf || bytes[start] == Self.nul {
                    start += 1
                }
            }
        }
        if partial.isEmpty { shrink() }
    }

    private mutating func emit(_ line: UnsafeRawBufferPointer, _ terminatorBytes: Int, _ onEvent: (Event) -> Void) {
        if line.count + terminatorBytes > maxLineBytes {
            discardedByteCount += line.count
            onEvent(.overlong)
            return
        }
        onEvent(.line(line))
    }

    private mutating func appendPartial(_ bytes: UnsafeRawBufferPointer, _ onEvent: (Event) -> Void) {
        if discarding {
            discardedByteCount += bytes.count
            return
        }
        // Without its terminator the line will be at least one byte longer than what we hold.
        if partial.count + bytes.count + 1 > maxLineBytes {
            discardedByteCount += partial.count + bytes.count
            partial.removeAll(keepingCapacity: false)
            discarding = true
            onEvent(.overlong)
            return
        }
        if partial.capacity == 0 { partial.reserveCapacity(min(maxLineBytes, 128)) }
        partial.append(contentsOf: bytes)
    }
}

/// The offset of the first CR or LF in `count` bytes at `bytes`, if any.
@inline(__always)
func firstLineEnd(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> Int? {
    // Eight bytes at a time while none is below 14 (CR), then byte by byte through the eight
    // that may hold one; it keeps this target free of libc.
    var i = 0
    while i < count {
        if i &+ 8 <= count && !ByteWord.hasByte(below: 14, ByteWord.load(bytes + i)) {
            i &+= 8
            continue
        }
        let end = min(i &+ 8, count)
        while i < end {
            let byte = bytes[i]
            if byte == 13 || byte == 10 { return i }
            i &+= 1
        }
    }
    return nil
}

/// The offset of the first `byte` in `count` bytes at `pointer`, if any.
@inline(__always)
func memchrByte(_ pointer: UnsafeRawPointer, _ byte: UInt8, _ count: Int) -> Int? {
    // Eight bytes at a time, then byte by byte through the eight that hold it; it keeps this
    // target free of libc.
    let bytes = pointer.assumingMemoryBound(to: UInt8.self)
    var i = 0
    while i &+ 8 <= count && !ByteWord.contains(byte, ByteWord.load(pointer + i)) { i &+= 8 }
    while i < count {
        if bytes[i] == byte { return i }
        i &+= 1
    }
    return nil
}
