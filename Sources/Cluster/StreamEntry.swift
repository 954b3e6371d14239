import ChatCore
import RedisProtocol

/// The field-value pairs of one Redis stream entry as a node writes them (XADD arguments
/// after the id). Values are bulk strings: nothing a client sends is ever parsed by Redis.
struct StreamEntryWriter {
    private(set) var arguments: [RESPArgument] = []

    mutating func add(_ field: String, _ value: String) {
        arguments.append(RESPArgument(field))
        arguments.append(RESPArgument(value))
    }

    mutating func add(_ field: String, bytes: [UInt8]) {
        arguments.append(RESPArgument(field))
        arguments.append(RESPArgument(bytes))
    }

    mutating func add(_ field: String, _ value: Int64) { add(field, String(value)) }
    mutating func add(_ field: String, _ value: Int) { add(field, String(value)) }
    mutating func add(_ field: String, _ value: Bool) { add(field, value ? "1" : "0") }
    mutating func add(_ field: String, _ id: ConnectionID) { add(field, Self.text(of: id)) }

    /// Adds the field only when there is a value (a missing field reads as nil).
    mutating func add(_ field: String, optional value: String?) {
        if let value { add(field, value) }
    }

    static func text(of id: ConnectionID) -> String { "\(id.node).\(id.loop).\(id.descriptor).\(id.serial)" }
}

/// Reads the fields of a stream entry written by `StreamEntryWriter`.
struct StreamEntryReader {
    private var fields: [String: [UInt8]] = [:]

    init(pairs: [RESPValue]) {
        var index = 0
        while index + 1 < pairs.count {
            if let name = pairs[index].string, let value = pairs[index + 1].bytes { fields[name] = value }
            index += 2
        }
    }

    func bytes(_ field: String) -> [UInt8]? { fields[field] }
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
