// Reading a reply without a switch: the accessors answer nil for a value of another type.
extension RESPValue {
    /// A bulk string made of `text`'s UTF-8 bytes.
    public static func bulkString(_ text: String) -> RESPValue { .bulkString(Array(text.utf8)) }

    /// The text of a simple string, or of a bulk or verbatim string that is valid UTF-8.
    public var string: String? {
        switch self {
        case .simpleString(let text): text
        case .bulkString(let bytes?): String(validating: bytes, as: UTF8.self)
        case .verbatimString(_, let text): String(validating: text, as: UTF8.self)
        default: nil
        }
    }

    /// The bytes of a bulk, simple or verbatim string.
    public var bytes: [UInt8]? {
        switch self {
        case .bulkString(let bytes?): bytes
        case .simpleString(let text): Array(text.utf8)
        case .verbatimString(_, let text): text
        default: nil
        }
    }

    /// The value of an integer reply.
    public var integer: Int? {
        if case .integer(let value) = self { return value }
        return nil
    }

    /// The elements of an array, set or push (not of a null array).
    public var array: [RESPValue]? {
        switch self {
        case .array(let elements?), .set(let elements), .push(let elements): elements
        default: nil
        }
    }

    /// True for an error reply.
    public var isError: Bool {
        if case .error = self { return true }
        return false
    }

    /// The message of an error reply (`WRONGTYPE Operation against a key...`).
    public var errorMessage: String? {
        if case .error(let message) = self { return message }
        return nil
    }

    /// The first word of an error reply's message: `ERR`, `NOAUTH`, `WRONGPASS`, `MOVED`...
    public var errorCode: String? {
        guard let message = errorMessage else { return nil }
        return String(message.prefix { $0 != " " })
    }

    /// True for the RESP3 null, the null bulk string and the null array.
    public var isNull: Bool {
        switch self {
        case .null, .bulkString(nil), .array(nil): true
        default: false
        }
    }

    /// True for the simple string `OK`, what SET, SELECT and AUTH answer.
    public var isOK: Bool { self == .simpleString("OK") }
}

extension RESPValue: CustomStringConvertible {
    /// A readable rendering for logs and test failures: strings quoted, bytes that are not
    /// printable ASCII escaped, aggregates in brackets. Not RESP.
    public var description: String {
        switch self {
        case .simpleString(let text): "+\(text)"
        case .error(let message): "-\(message)"
        case .integer(let value): ":\(value)"
        case .bulkString(nil): "(nil)"
        case .bulkString(let bytes?): Self.quoted(bytes)
        case .array(nil): "(nil array)"
        case .array(let elements?): "[" + elements.map(\.description).joined(separator: ", ") + "]"
        case .null: "(null)"
        case .double(let value): ",\(value)"
        case .boolean(let value): value ? "#t" : "#f"
        case .bigNumber(let digits): "(\(digits)"
        case .verbatimString(let format, let text): "\(format):\(Self.quoted(text))"
        case .map(let pairs): "{" + pairs.map { "\($0.key): \($0.value)" }.joined(separator: ", ") + "}"
        case .set(let elements): "~[" + elements.map(\.description).joined(separator: ", ") + "]"
        case .push(let elements): ">[" + elements.map(\.description).joined(separator: ", ") + "]"
        }
    }

    private static func quoted(_ bytes: [UInt8]) -> String {
        var text = "\""
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "\""): text += "\\\""
            case UInt8(ascii: "\\"): text += "\\\\"
            case 0x20..<0x7F: text.unicodeScalars.append(Unicode.Scalar(byte))
            case 10: text += "\\n"
            case 13: text += "\\r"
            default:
                let digits = Array("0123456789abcdef".unicodeScalars)
                text += "\\x"
                text.unicodeScalars.append(digits[Int(byte >> 4)])
                text.unicodeScalars.append(digits[Int(byte & 15)])
            }
        }
        return text + "\""
    }
}
