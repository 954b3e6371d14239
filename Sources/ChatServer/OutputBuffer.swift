import Platform

/// A connection's pending output: one contiguous byte buffer that exists only while there is
/// output or the loop keeps it for the next burst (an idle connection holds no output memory:
/// see `EventLoop.keepDrainedOutput`). Whole lines are appended with memcpy and the whole queue
/// goes out in one send per wakeup; the buffer remembers whether the socket took part of a
/// line, so a queue that must be cut is cut on a line boundary.
///
/// The storage is mapped pages of its own, not heap: output comes and goes in bursts (a join
/// storm, a busy room), and heap buffers freed between the long-lived allocations made in the
/// meantime (users, members) would leave those scattered over pages the heap can never give
/// back. A mapping grows with mremap (no copy) and is unmapped when released.
struct OutputBuffer: ~Copyable {
    /// The smallest storage: one page.
    static let minimumCapacity = 4096

    private var storage: UnsafeMutableRawPointer?
    /// Bytes of storage held, sent or not (0: none).
    private(set) var capacity = 0
    /// Bytes already sent from the front.
    private var start = 0
    private var end = 0
    /// The socket has taken part of a line but not its end: the next byte to send is in the
    /// middle of a line.
    private var midLine = false

    init() {}

    deinit { if let storage { Posix.unmapMemory(storage, capacity) } }

    // Wrapping arithmetic in what each delivery runs: the values are bounded by the storage
    // size, and the overflow checks were a tenth of a delivery's instructions.
    var count: Int { end &- start }
    var isEmpty: Bool { end == start }

    /// Appends bytes, growing the storage as needed.
    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        guard let source = bytes.baseAddress, bytes.count > 0 else { return }
        if end &+ bytes.count > capacity { makeRoom(for: bytes.count) }
        (storage! + end).copyMemory(from: source, byteCount: bytes.count)
        end &+= bytes.count
    }

    /// The unsent bytes.
    var pending: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: storage.map { UnsafeRawPointer($0 + start) }, count: end - start)
    }

    /// Marks `n` bytes as sent. Once everything is sent the storage is kept, empty, for the
    /// owner to reuse or `release`.
    mutating func consume(_ n: Int) {
        guard n > 0, let storage else { return }
        start += n
        midLine = storage.load(fromByteOffset: start - 1, as: UInt8.self) != 10
        if start == end {
            start = 0
            end = 0
        }
    }

    /// Drops every line the socket has not started on, keeping the rest of a line it has
    /// partly taken, so that whatever is appended next starts on a line boundary. The first
    /// `minimum` pending bytes are kept too, with the rest of the line they end in: a TLS write
    /// that waits to be retried has started on them.
    mutating func dropUnsentLines(keeping minimum: Int = 0) {
        guard midLine || minimum > 0, let storage else {
            release()
            return
        }
        let pending = UnsafeRawBufferPointer(start: storage + start, count: end - start)
        let from = min(max(minimum - 1, 0), pending.count)
        if let lf = pending[from...].firstIndex(of: 10) { end = start + lf + 1 }
    }

    /// Drops everything and frees the storage.
    mutating func release() {
        if let storage { Posix.unmapMemory(storage, capacity) }
        storage = nil
        capacity = 0
        start = 0
        end = 0
        midLine = false
    }

    private mutating func makeRoom(for extra: Int) {
        let live = end - start
        // Space already sent at the front: slide the live bytes down first.
        if start > 0, let storage { storage.copyMemory(from: storage + start, byteCount: live) }
        start = 0
        end = live
        guard live + extra > capacity else { return }
        var newCapacity = max(capacity * 2, Self.minimumCapacity)
        while newCapacity < live + extra { newCapacity *= 2 }
        if let storage {
            self.storage = Posix.remapMemory(storage, from: capacity, to: newCapacity)
        } else {
            storage = Posix.mapMemory(newCapacity)
        }
        capacity = newCapacity
    }
}
