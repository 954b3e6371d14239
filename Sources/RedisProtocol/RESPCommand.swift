/// One argument of a command, as the bytes sent: from bytes, a string's UTF-8 or an integer's
/// decimal digits. String and integer literals convert, so `["SET", "key", .bytes(value)]`
/// is a command.
public struct RESPArgument: Sendable, Hashable, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral {
    /// The bytes sent, unchanged: binary-safe, CR, LF and NUL included.
    public var bytes: [UInt8]

    /// An argument of raw bytes.
    public init(_ bytes: [UInt8]) { self.bytes = bytes }
    /// An argument of a string's UTF-8 bytes.
    public init(_ text: String) { bytes = Array(text.utf8) }
    /// An argument of an integer's decimal digits (`-15`).
    public init(_ value: Int) { bytes = Array(String(value).utf8) }
    /// `"GET"`: the literal's UTF-8 bytes.
    public init(stringLiteral value: String) { self.init(value) }
    /// `10`: the literal's decimal digits.
    public init(integerLiteral value: Int) { self.init(value) }

    /// An argument of raw bytes.
    public static func bytes(_ bytes: [UInt8]) -> RESPArgument { RESPArgument(bytes) }
    /// An argument of a string's UTF-8 bytes.
    public static func string(_ text: String) -> RESPArgument { RESPArgument(text) }
    /// An argument of an integer's decimal digits.
    public static func integer(_ value: Int) -> RESPArgument { RESPArgument(value) }
}

/// A command for a Redis server: always an array of bulk strings, the command's name first.
/// Arguments are never joined into one line of text, so no argument can change another's
/// meaning, whatever bytes it holds.
public struct RESPCommand: Sendable, Hashable, ExpressibleByArrayLiteral {
    /// The name and the arguments, in order.
    public var arguments: [RESPArgument]

    /// A command from its name and arguments, in order.
    public init(_ arguments: [RESPArgument]) { self.arguments = arguments }
    /// `RESPCommand("GET", "key")`.
    public init(_ arguments: RESPArgument...) { self.arguments = arguments }
    /// `["GET", "key"]`.
    public init(arrayLiteral arguments: RESPArgument...) { self.arguments = arguments }
    /// A command from its arguments' bytes.
    public init(bytes arguments: [[UInt8]]) { self.arguments = arguments.map { RESPArgument($0) } }
    /// A command from its arguments as strings (sent as their UTF-8).
    public init(strings arguments: [String]) { self.arguments = arguments.map { RESPArgument($0) } }

    /// The command in RESP.
    public var encoded: [UInt8] {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(encodedByteCount)
        encode(into: &buffer)
        return buffer
    }

    /// Appends the command in RESP to `buffer`: several commands appended to one buffer and
    /// written at once are a pipeline.
    public func encode(into buffer: inout [UInt8]) {
        RESPEncoder.appendArrayHeader(arguments.count, to: &buffer)
        for argument in arguments { RESPEncoder.appendBulkString(argument.bytes, to: &buffer) }
    }

    /// The number of bytes `encode(into:)` appends.
    public var encodedByteCount: Int {
        arguments.reduce(RESPEncoder.headerByteCount(arguments.count)) {
            $0 + RESPEncoder.headerByteCount($1.bytes.count) + $1.bytes.count + 2
        }
    }
}

/// Writes commands in RESP: an array of bulk strings each.
public enum RESPEncoder {
    /// `arguments` as one command.
    public static func encode(_ arguments: [[UInt8]]) -> [UInt8] {
        var buffer: [UInt8] = []
        append(arguments, to: &buffer)
        return buffer
    }

    /// `arguments` (sent as their UTF-8) as one command.
    public static func encode(_ arguments: [String]) -> [UInt8] {
        RESPCommand(strings: arguments).encoded
    }

    /// Appends `arguments` as one command to `buffer`, for a pipeline.
    public static func append(_ arguments: [[UInt8]], to buffer: inout [UInt8]) {
        appendArrayHeader(arguments.count, to: &buffer)
        for argument in arguments { appendBulkString(argument, to: &buffer) }
    }

    /// Appends every command of `commands` to `buffer`, in order: one pipeline.
    public static func append(_ commands: [RESPCommand], to buffer: inout [UInt8]) {
        buffer.reserveCapacity(buffer.count + commands.reduce(0) { $0 + $1.encodedByteCount })
        for command in commands { command.encode(into: &buffer) }
    }

    static func appendArrayHeader(_ count: Int, to buffer: inout [UInt8]) {
        buffer.append(UInt8(ascii: "*"))
        appendDecimal(count, to: &buffer)
        buffer.append(13)
        buffer.append(10)
    }

    static func appendBulkString(_ bytes: [UInt8], to buffer: inout [UInt8]) {
        buffer.append(UInt8(ascii: "$"))
        appendDecimal(bytes.count, to: &buffer)
        buffer.append(13)
        buffer.append(10)
        buffer.append(contentsOf: bytes)
        buffer.append(13)
        buffer.append(10)
    }

    /// The bytes of a `*n` or `$n` header with its CRLF.
    static func headerByteCount(_ count: Int) -> Int {
        var digits = 1
        var rest = count / 10
        while rest > 0 {
            digits += 1
            rest /= 10
        }
        return 1 + digits + 2
    }

    /// Appends the decimal digits of `value` (not negative) without making a string.
    static func appendDecimal(_ value: Int, to buffer: inout [UInt8]) {
        precondition(value >= 0, "a RESP length is never negative")
        let start = buffer.count
        var rest = value
        repeat {
            buffer.append(UInt8(ascii: "0") + UInt8(rest % 10))
            rest /= 10
        } while rest > 0
        buffer[start...].reverse()
    }
}
