/// Why bytes from a server are not RESP, or not RESP within the decoder's limits. Each is fatal
/// to the connection: the decoder cannot find where the next value starts, so it stops (see
/// `RESPDecoder`). `type` is the byte that opened the value in question (`$`, `*`, `:`...).
public enum RESPError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A value starts with a byte that is no RESP2 or RESP3 type.
    case unknownType(UInt8)
    /// A length, count or integer is not a decimal number that fits in 64 bits.
    case badInteger(type: UInt8)
    /// A length or count below zero: only a bulk string or an array may be null (-1).
    case badLength(type: UInt8, length: Int)
    /// A bulk, verbatim or blob error string longer than `Limits.maxBulkLength`.
    case bulkTooLong(length: Int, limit: Int)
    /// An array, map, set, push or attribute with more elements than `Limits.maxElementCount`.
    case tooManyElements(count: Int, limit: Int)
    /// Aggregates nested deeper than `Limits.maxDepth`.
    case nestingTooDeep(limit: Int)
    /// A line (a simple string, an error, a number, a header) longer than
    /// `Limits.maxLineLength` bytes before its CRLF.
    case lineTooLong(limit: Int)
    /// A CR not followed by LF, an LF with no CR before it, or a string's bytes not followed by
    /// CRLF where its length says they end.
    case missingCRLF(type: UInt8)
    /// A null, boolean, double, big number or verbatim string whose text is not of its type.
    case malformed(type: UInt8)

    /// The error in words, naming the type it was found in.
    public var description: String {
        switch self {
        case .unknownType(let byte): "unknown RESP type byte \(Self.show(byte))"
        case .badInteger(let type): "malformed integer in a \(Self.name(type))"
        case .badLength(let type, let length): "invalid length \(length) for a \(Self.name(type))"
        case .bulkTooLong(let length, let limit): "a string of \(length) bytes is over the limit of \(limit)"
        case .tooManyElements(let count, let limit): "an aggregate of \(count) elements is over the limit of \(limit)"
        case .nestingTooDeep(let limit): "aggregates nested more than \(limit) deep"
        case .lineTooLong(let limit): "a line longer than \(limit) bytes"
        case .missingCRLF(let type): "missing CRLF after a \(Self.name(type))"
        case .malformed(let type): "malformed \(Self.name(type))"
        }
    }

    /// The type a type byte stands for, with the byte: "bulk string ('$')".
    static func name(_ type: UInt8) -> String {
        let name =
            switch type {
            case UInt8(ascii: "+"): "simple string"
            case UInt8(ascii: "-"): "error"
            case UInt8(ascii: ":"): "integer"
            case UInt8(ascii: "$"): "bulk string"
            case UInt8(ascii: "*"): "array"
            case UInt8(ascii: "_"): "null"
            case UInt8(ascii: ","): "double"
            case UInt8(ascii: "#"): "boolean"
            case UInt8(ascii: "("): "big number"
            case UInt8(ascii: "="): "verbatim string"
            case UInt8(ascii: "!"): "blob error"
            case UInt8(ascii: "%"): "map"
            case UInt8(ascii: "~"): "set"
            case UInt8(ascii: ">"): "push"
            case UInt8(ascii: "|"): "attribute"
            default: "value"
            }
        return "\(name) (\(show(type)))"
    }

    /// A byte as 'c' when printable ASCII, else as 0xNN.
    static func show(_ byte: UInt8) -> String {
        if (0x21..<0x7F).contains(byte) { return "'\(Character(Unicode.Scalar(byte)))'" }
        let digits = Array("0123456789ABCDEF")
        return "0x\(digits[Int(byte >> 4)])\(digits[Int(byte & 15)])"
    }
}
