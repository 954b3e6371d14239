/// RFC 6455 frame opcodes.
public enum WebSocketOpcode: UInt8, Sendable {
    case continuation = 0x0
    case text = 0x1
    case binary = 0x2
    case close = 0x8
    case ping = 0x9
    case pong = 0xA

    /// Close, ping and pong.
    public var isControl: Bool { rawValue & 0x8 != 0 }
}

/// RFC 6455 close codes this server sends or checks.
public struct WebSocketCloseCode: RawRepresentable, Sendable, Equatable, Hashable, CustomStringConvertible {
    /// The code on the wire.
    public let rawValue: UInt16
    /// Any code (see `isValidOnTheWire`).
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    /// Normal closure.
    public static let normal = WebSocketCloseCode(rawValue: 1000)
    /// The server is going away (shutdown) or the page is closing.
    public static let goingAway = WebSocketCloseCode(rawValue: 1001)
    /// A protocol error (RFC 6455 7.4.1).
    public static let protocolError = WebSocketCloseCode(rawValue: 1002)
    /// Data of a kind the endpoint cannot take.
    public static let unsupportedData = WebSocketCloseCode(rawValue: 1003)
    /// Sent in a close frame: never. Received: the peer gave no code.
    public static let noStatus = WebSocketCloseCode(rawValue: 1005)
    /// A message not consistent with its type: a text message that is not UTF-8.
    public static let invalidPayload = WebSocketCloseCode(rawValue: 1007)
    /// A message that violates a policy.
    public static let policyViolation = WebSocketCloseCode(rawValue: 1008)
    /// A frame or message too big to process (over the 16 MiB cap).
    public static let messageTooBig = WebSocketCloseCode(rawValue: 1009)
    /// An unexpected condition on the server.
    public static let internalError = WebSocketCloseCode(rawValue: 1011)

    /// Whether a peer may send this code in a close frame (RFC 6455 7.4).
    public var isValidOnTheWire: Bool {
        switch rawValue {
        case 1000...1003, 1007...1011, 3000...4999: true
        default: false
        }
    }

    /// The code as a number: `1002`.
    public var description: String { String(rawValue) }
}

/// Writes frames. The server's are unmasked; a client's (tests, the benchmark) are masked.
public enum WebSocketFrameEncoder {
    /// Appends one final frame carrying `payload`.
    public static func append(
        _ opcode: WebSocketOpcode, _ payload: some Collection<UInt8>, to out: inout [UInt8], fin: Bool = true,
        mask: (UInt8, UInt8, UInt8, UInt8)? = nil
    ) {
        appendHeader(opcode, length: payload.count, to: &out, fin: fin, mask: mask)
        if let mask {
            let key = [mask.0, mask.1, mask.2, mask.3]
            for (i, byte) in payload.enumerated() { out.append(byte ^ key[i & 3]) }
        } else {
            out.append(contentsOf: payload)
        }
    }

    /// Appends a frame header for a payload of `length` bytes (the payload follows it).
    public static func appendHeader(
        _ opcode: WebSocketOpcode, length: Int, to out: inout [UInt8], fin: Bool = true,
        mask: (UInt8, UInt8, UInt8, UInt8)? = nil
    ) {
        out.append((fin ? 0x80 : 0) | opcode.rawValue)
        let maskBit: UInt8 = mask == nil ? 0 : 0x80
        if length < 126 {
            out.append(maskBit | UInt8(length))
        } else if length <= 0xFFFF {
            out += [maskBit | 126, UInt8(length >> 8), UInt8(length & 0xFF)]
        } else {
            out.append(maskBit | 127)
            for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: length >> shift)) }
        }
        if let mask { out += [mask.0, mask.1, mask.2, mask.3] }
    }

    /// A close frame's payload: the code, big-endian, then the reason (cut to fit 125 bytes).
    public static func closePayload(_ code: WebSocketCloseCode, reason: String = "") -> [UInt8] {
        var payload = [UInt8(code.rawValue >> 8), UInt8(code.rawValue & 0xFF)]
        payload += UTF8Text.prefix(Array(reason.utf8), maxBytes: 123)
        return payload
    }
}
