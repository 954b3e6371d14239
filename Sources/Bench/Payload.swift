/// The text of one benchmark message: `|` then the sender id (6 hex digits), the sequence
/// number (8 hex digits) and the CLOCK_MONOTONIC send time in nanoseconds (16 hex digits), padded
/// with `x` to the requested size. Every adapter's server relays it as the end of a line, so a
/// receiver finds it at a fixed distance from the line's end without parsing the prefix.
public enum Payload {
    /// The marker, the three fields and nothing else.
    public static let minimumBytes = 31
    static let marker = UInt8(ascii: "|")
    static let padding = UInt8(ascii: "x")

    /// One decoded payload.
    public struct Fields: Equatable, Sendable {
        public var sender: Int
        public var sequence: UInt32
        public var sentAt: Int64

        public init(sender: Int, sequence: UInt32, sentAt: Int64) {
            self.sender = sender
            self.sequence = sequence
            self.sentAt = sentAt
        }
    }

    /// Writes a payload of `size` bytes at `destination`.
    @inline(__always)
    public static func write(_ fields: Fields, size: Int, to destination: UnsafeMutablePointer<UInt8>) {
        destination[0] = marker
        writeHex(UInt64(fields.sender), digits: 6, to: destination + 1)
        writeHex(UInt64(fields.sequence), digits: 8, to: destination + 7)
        writeHex(UInt64(bitPattern: fields.sentAt), digits: 16, to: destination + 15)
        if size > minimumBytes { (destination + minimumBytes).update(repeating: padding, count: size - minimumBytes) }
    }

    /// Reads the payload at `source` (exactly `minimumBytes` or more are readable); nil when it
    /// is not one.
    @inline(__always)
    public static func read(_ source: UnsafePointer<UInt8>) -> Fields? {
        guard source[0] == marker,
            let sender = readHex(source + 1, digits: 6),
            let sequence = readHex(source + 7, digits: 8),
            let sentAt = readHex(source + 15, digits: 16)
        else { return nil }
        return Fields(sender: Int(sender), sequence: UInt32(sequence), sentAt: Int64(bitPattern: sentAt))
    }

    /// Convenience for tests: the payload as bytes.
    public static func bytes(_ fields: Fields, size: Int) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
            write(fields, size: size, to: buffer.baseAddress!)
            count = size
        }
    }

    /// Convenience for tests: decodes the last `size` bytes of `line`.
    public static func find(in line: [UInt8], size: Int) -> Fields? {
        guard line.count >= size, size >= minimumBytes else { return nil }
        return line.withUnsafeBufferPointer { read($0.baseAddress! + (line.count - size)) }
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    @inline(__always)
    private static func writeHex(_ value: UInt64, digits: Int, to destination: UnsafeMutablePointer<UInt8>) {
        var value = value
        hexDigits.withUnsafeBufferPointer { table in
            for index in stride(from: digits - 1, through: 0, by: -1) {
                destination[index] = table[Int(value & 15)]
                value >>= 4
            }
        }
    }

    @inline(__always)
    private static func readHex(_ source: UnsafePointer<UInt8>, digits: Int) -> UInt64? {
        var value: UInt64 = 0
        for index in 0..<digits {
            let byte = source[index]
            let digit: UInt8
            if byte &- 48 < 10 {
                digit = byte &- 48
            } else if byte &- 97 < 6 {
                digit = byte &- 87
            } else {
                return nil
            }
            value = value << 4 | UInt64(digit)
        }
        return value
    }
}
