import ChatCore
import RedisProtocol

/// The fields of one entry a node hands the others, packed: for each field a one-byte name
/// length, the name, a four-byte little-endian value length and the value. A directory change
/// is one stream entry whose fields are these pairs (`arguments`); lines and history records
/// travel many to a stream entry (`ChatBatch`). Values are bytes: nothing a client sends is
/// ever parsed by Redis.
struct StreamEntryWriter {
    private(set) var bytes: [UInt8] = []

    mutating func add(_ field: String, bytes value: [UInt8]) {
        appendHeader(field, count: value.count)
        bytes.append(contentsOf: value)
    }

    mutating func add(_ field: String, _ value: String) {
        appendHeader(field, count: value.utf8.count)
        bytes.append(contentsOf: value.utf8)
    }

    mutating func add(_ field: String, _ value: Int64) { add(field, String(value)) }
    mutating func add(_ field: String, _ value: Int) { add(field, String(value)) }
    mutating func add(_ field: String, _ value: Bool) { add(field, value ? "1" : "0") }
    mutating func add(_ field: String, _ id: ConnectionID) { add(field, Self.text(of: id)) }

    /// Adds the field only when there is a value (a missing field reads as nil).
    mutating func add(_ field: String, optional value: String?) {
        if let value { add(field, value) }
    }

    private mutating func appendHeader(_ field: String, count: Int) {
        bytes.append(UInt8(field.utf8.count))
        bytes.append(contentsOf: field.utf8)
        withUnsafeBytes(of: UInt32(count).littleEndian) { bytes.append(contentsOf: $0) }
    }

    /// The pairs as XADD arguments (field, value, field, value...).
    var arguments: [RESPArgument] {
        var arguments: [RESPArgument] = []
        StreamEntryReader.forEachPair(bytes[...]) { name, value in
            arguments.append(RESPArgument(Array(name)))
            arguments.append(RESPArgument(Array(value)))
        }
        return arguments
    }

    static func text(of id: ConnectionID) -> String { "\(id.node).\(id.loop).\(id.descriptor).\(id.serial)" }
}

/// Reads the fields of an entry written by `StreamEntryWriter`.
struct StreamEntryReader {
    private var fields: [String: ArraySlice<UInt8>] = [:]

    /// From a stream entry's field list.
    init(pairs: [RESPValue]) {
        var index = 0
        while index + 1 < pairs.count {
            if let name = pairs[index].string, let value = pairs[index + 1].bytes { fields[name] = value[...] }
            index += 2
        }
    }

    /// From packed pairs; nil if they are cut short.
    init?(packed: ArraySlice<UInt8>) {
        var fields: [String: ArraySlice<UInt8>] = [:]
        guard Self.forEachPair(packed, { name, value in fields[String(decoding: name, as: UTF8.self)] = value }) else {
            return nil
        }
        self.fields = fields
    }

    /// Calls `body` with each packed pair; false if the bytes end inside one.
    @discardableResult
    static func forEachPair(_ bytes: ArraySlice<UInt8>, _ body: (ArraySlice<UInt8>, ArraySlice<UInt8>) -> Void) -> Bool {
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let nameCount = Int(bytes[index])
            let nameStart = index + 1
            guard nameStart + nameCount + 4 <= bytes.endIndex else { return false }
            let lengthStart = nameStart + nameCount
            var count = 0
            for offset in 0..<4 { count |= Int(bytes[lengthStart + offset]) << (8 * offset) }
            let valueStart = lengthStart + 4
            guard valueStart + count <= bytes.endIndex else { return false }
            body(bytes[nameStart..<lengthStart], bytes[valueStart..<(valueStart + count)])
            index = valueStart + count
        }
        return true
    }

    func bytes(_ field: String) -> [UInt8]? { fields[field].map(Array.init) }
    func string(_ field: String) -> String? { fields[field].map { String(decoding: $0, as: UTF8.self) } }
    func int(_ field: String) -> Int64? { string(field).flatMap { Int64($0) } }
    func bool(_ field: String) -> Bool { string(field) == "1" }

    func id(_ field: String) -> ConnectionID? {
        guard let parts = string(field)?.split(separator: "."), parts.count == 4,
            let node = Int(parts[0]), let loop = Int(parts[1]), let fd = Int32(parts[2]), let serial = UInt64(parts[3]),
            (0...Int(UInt16.max)).contains(node), (0...Int(UInt16.max)).contains(loop)
        else { return nil }
        return ConnectionID(loop: loop, descriptor: fd, serial: serial, node: node)
    }
}

/// Many packed entries in one stream entry's `b` field: each a four-byte little-endian length
/// and the entry. A busy node appends its lines in batches, one XADD per wakeup of its writer
/// (at most `maximumBytes`), not one per line.
enum ChatBatch {
    static let maximumBytes = 256 << 10

    static func append(_ entry: [UInt8], to batch: inout [UInt8]) {
        withUnsafeBytes(of: UInt32(entry.count).littleEndian) { batch.append(contentsOf: $0) }
        batch.append(contentsOf: entry)
    }

    /// Calls `body` with each entry of a batch; stops at bytes cut short.
    static func forEach(_ batch: [UInt8], _ body: (ArraySlice<UInt8>) -> Void) {
        var index = 0
        while index + 4 <= batch.count {
            var count = 0
            for offset in 0..<4 { count |= Int(batch[index + offset]) << (8 * offset) }
            guard index + 4 + count <= batch.count else { return }
            body(batch[(index + 4)..<(index + 4 + count)])
            index += 4 + count
        }
    }
}
