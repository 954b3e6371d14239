@preconcurrency import Glibc

/// Byte searches the C library does with vector instructions, for line splitting in tools.
public enum Memory {
    /// The offset of the first `byte` in `count` bytes at `start`, or nil (memchr(3)).
    @inlinable @inline(__always)
    public static func firstIndex(of byte: UInt8, in start: UnsafeRawPointer, count: Int) -> Int? {
        guard count > 0, let found = memchr(start, Int32(byte), count) else { return nil }
        return start.distance(to: UnsafeRawPointer(found))
    }
}
