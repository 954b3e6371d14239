/// A connection's pending output: one contiguous byte buffer that exists only while there is
/// output (an idle connection holds no output memory). Whole lines are appended with memcpy
/// and the whole queue goes out in one send per wakeup; the buffer remembers whether the
/// socket took part of a line, so a queue that must be cut is cut on a line boundary.
struct OutputBuffer: ~Copyable {
    private var storage: UnsafeMutableRawPointer?
    private var capacity = 0
    /// Bytes already sent from the front.
    private var start = 0
    private var end = 0
    /// The socket has taken part of a line but not its end: the next byte to send is in the
    /// middle of a line.
    private var midLine = false

    init() {}

    deinit { storage?.deallocate() }

    var count: Int { end - start }
    var isEmpty: Bool { end == start }

    /// Appends bytes, growing the storage as needed.
    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        guard let source = bytes.baseAddress, bytes.count > 0 else { return }
        if end + bytes.count > capacity { makeRoom(for: bytes.count) }
        (storage! + end).copyMemory(from: source, byteCount: bytes.count)
        end += bytes.count
    }

    /// The unsent bytes.
    var pending: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: storage.map { UnsafeRawPointer($0 + start) }, count: end - start)
    }

    /// Marks `n` bytes as sent; frees the storage once everything has been sent.
    mutating func consume(_ n: Int) {
        guard n > 0, let storage else { return }
        start += n
        midLine = storage.load(fromByteOffset: start - 1, as: UInt8.self) != 10
        if start == end { release() }
    }

    /// Drops every line the socket has not started on, keeping the rest of a line it has
    /// partly taken, so that whatever is appended next starts on a line boundary.
    mutating func dropUnsentLines() {
        guard midLine, let storage else {
            release()
            return
        }
        let pending = UnsafeRawBufferPointer(start: storage + start, count: end - start)
        if let lf = pending.firstIndex(of: 10) { end = start + lf + 1 }
    }

    /// Drops everything and frees the storage.
    mutating func release() {
        storage?.deallocate()
        storage = nil
        capacity = 0
        start = 0
        end = 0
        midLine = false
    }

    private mutating func makeRoom(for extra: Int) {
        let live = end - start
        if start > 0 && live + extra <= capacity {
            // Plenty of space already sent at the front: slide the live bytes down.
            storage!.copyMemory(from: storage! + start, byteCount: live)
        } else {
            var newCapacity = max(capacity * 2, 2048)
            while newCapacity < live + extra { newCapacity *= 2 }
            let newStorage = UnsafeMutableRawPointer.allocate(byteCount: newCapacity, alignment: 16)
            if let storage { newStorage.copyMemory(from: storage + start, byteCount: live) }
            storage?.deallocate()
            storage = newStorage
            capacity = newCapacity
        }
        start = 0
        end = live
    }
}
