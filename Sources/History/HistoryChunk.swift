import ChatCore

/// How the records of one room are packed into a chunk's BLOB: each record as its id and time
/// (8 bytes each, little-endian), its kind (1 byte), then its room name, nick, source, text and
/// target, each a 4-byte little-endian length and that many UTF-8 bytes. A chunk holds one
/// room's records in id order; the room's key is the chunk's `room` column.
///
/// One row per chunk, not per record: a b-tree insert costs SQLite some 20,000 instructions,
/// more than delivering a message to a hundred members, and the history thread shares the
/// server's CPUs with the event loops.
enum HistoryChunk {
    /// Records per chunk at most: a read decodes whole chunks, so they stay small (~30 KiB).
    static let capacity = 256

    /// The chunk of the records of `records` at `indices` (one room's, in id order).
    static func encode(_ records: ArraySlice<HistoryRecord>, _ indices: ArraySlice<Int>) -> [UInt8] {
        var size = 0
        for index in indices {
            size += 17 + 20 + records[index].roomName.utf8.count + records[index].nick.utf8.count
                + records[index].source.utf8.count + records[index].text.utf8.count + records[index].target.utf8.count
        }
        return [UInt8](unsafeUninitializedCapacity: size) { buffer, initialized in
            var writer = Writer(buffer: UnsafeMutableRawBufferPointer(buffer))
            for index in indices {
                writer.write(records[index].id)
                writer.write(records[index].time)
                writer.write(records[index].kind.rawValue)
                writer.write(records[index].roomName)
                writer.write(records[index].nick)
                writer.write(records[index].source)
                writer.write(records[index].text)
                writer.write(records[index].target)
            }
            initialized = writer.offset
        }
    }

    /// The records of a chunk of `room`, in order. Throws `Damaged` for bytes this code did not
    /// write (a truncated or altered chunk).
    static func decode(_ bytes: UnsafeRawBufferPointer, room: String) throws(Damaged) -> [HistoryRecord] {
        var reader = Reader(bytes: bytes)
        var records: [HistoryRecord] = []
        while !reader.isAtEnd {
            let id = try reader.int64()
            let time = try reader.int64()
            guard let kind = HistoryKind(rawValue: try reader.byte()) else { throw Damaged() }
            let roomName = try reader.string()
            let nick = try reader.string()
            let source = try reader.string()
            let text = try reader.string()
            let target = try reader.string()
            records.append(
                HistoryRecord(
                    id: id, time: time, room: room, roomName: roomName, kind: kind, nick: nick, source: source,
                    text: text, target: target))
        }
        return records
    }

    /// A chunk's bytes are not what `encode` writes.
    struct Damaged: Error {}

    /// Writes into a buffer `encode` sized for everything written.
    private struct Writer {
        let buffer: UnsafeMutableRawBufferPointer
        var offset = 0

        mutating func write(_ value: Int64) {
            buffer.storeBytes(of: value.littleEndian, toByteOffset: offset, as: Int64.self)
            offset += 8
        }

        mutating func write(_ value: UInt8) {
            buffer[offset] = value
            offset += 1
        }

        mutating func write(_ text: String) {
            let count = text.utf8.count
            buffer.storeBytes(of: UInt32(truncatingIfNeeded: count).littleEndian, toByteOffset: offset, as: UInt32.self)
            offset += 4
            let target = UnsafeMutableRawBufferPointer(rebasing: buffer[offset..<offset + count])
            if text.utf8.withContiguousStorageIfAvailable({ target.copyMemory(from: UnsafeRawBufferPointer($0)) }) == nil {
                target.copyBytes(from: Array(text.utf8))
            }
            offset += count
        }
    }

    private struct Reader {
        let bytes: UnsafeRawBufferPointer
        var offset = 0

        var isAtEnd: Bool { offset >= bytes.count }

        mutating func take(_ count: Int) throws(Damaged) -> UnsafeRawBufferPointer {
            guard count >= 0, bytes.count - offset >= count else { throw Damaged() }
            defer { offset += count }
            return UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + count])
        }

        mutating func byte() throws(Damaged) -> UInt8 { try take(1)[0] }

        mutating func int64() throws(Damaged) -> Int64 {
            Int64(littleEndian: try take(8).loadUnaligned(as: Int64.self))
        }

        mutating func string() throws(Damaged) -> String {
            let count = Int(UInt32(littleEndian: try take(4).loadUnaligned(as: UInt32.self)))
            return String(decoding: try take(count), as: UTF8.self)
        }
    }
}
