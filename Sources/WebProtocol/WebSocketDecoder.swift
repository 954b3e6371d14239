/// Reads a client's WebSocket frames (RFC 6455 section 5) from the byte stream, as they arrive,
/// and reports messages and control frames.
///
/// Bounded: a frame or message longer than `maxFrameBytes` fails the connection (1009) as soon
/// as its header says so; a message longer than `maxMessageBytes` (the server's line limit) is
/// read through and discarded, reported once as `.overlong`, so the decoder never holds more
/// than `maxMessageBytes` plus a control frame. Payloads are unmasked as they arrive.
///
/// Anything RFC 6455 calls a protocol error (an unmasked frame, reserved bits, an unknown
/// opcode, a length not in its shortest form or with the top bit set, a fragmented or long
/// control frame, a continuation out of place, a bad close frame) is reported as `.failure`
/// with the close code to send, and the decoder takes no more input; so does a text message
/// that is not UTF-8 (1007). After the peer's close frame it takes no more input either.
public struct WebSocketDecoder: Sendable {
    /// The largest frame, and message, accepted: 16 MiB.
    public static let defaultMaxFrameBytes = 16 << 20

    /// What the decoder found.
    public enum Event {
        /// A whole text or binary message (its fragments joined). Valid only during the callback.
        case message(WebSocketOpcode, UnsafeRawBufferPointer)
        /// A message longer than `maxMessageBytes`: its bytes were discarded.
        case overlong(WebSocketOpcode)
        /// A ping and its payload (the pong must echo it).
        case ping([UInt8])
        case pong
        /// The peer's close frame: its code (nil when it gave none) and reason.
        case close(WebSocketCloseCode?, reason: [UInt8])
        /// The connection must be failed with this code; `reason` says why (for the log and the
        /// close frame).
        case failure(WebSocketCloseCode, reason: String)
    }

    /// The longest message kept (longer ones are `.overlong`); the server sets its line limit.
    public var maxMessageBytes: Int
    /// The longest frame or message taken at all (longer fails with 1009).
    public let maxFrameBytes: Int

    /// No more input is taken (after a failure or the peer's close).
    public private(set) var isFinished = false
    /// The running total of message payload bytes thrown away (those of overlong messages),
    /// for flood control to charge, as `LineFramer.discardedByteCount`.
    public private(set) var discardedByteCount = 0

    private enum Stage { case header, payload }
    private var stage = Stage.header
    private var header: [UInt8] = []
    private var headerNeeded = 2
    // The frame being read.
    private var fin = false
    private var opcode = WebSocketOpcode.continuation
    /// The frame's masking key, first byte in the low bits (byte k of the payload is XORed
    /// with bits 8 x (k mod 4)).
    private var maskKey: UInt32 = 0
    private var remaining = 0
    private var maskOffset = 0
    // The message being assembled (text or binary), if any.
    private var messageKind: WebSocketOpcode?
    private var message: [UInt8] = []
    private var messageTotal = 0
    private var messageOverlong = false
    private var control: [UInt8] = []

    /// A decoder at the start of a stream of client frames.
    public init(maxMessageBytes: Int, maxFrameBytes: Int = WebSocketDecoder.defaultMaxFrameBytes) {
        self.maxMessageBytes = maxMessageBytes
        self.maxFrameBytes = maxFrameBytes
    }

    /// Payload bytes held for an incomplete message.
    public var bufferedByteCount: Int { message.count + control.count + header.count }

    /// Feeds a chunk of the stream.
    public mutating func feed(_ bytes: UnsafeRawBufferPointer, _ onEvent: (Event) -> Void) {
        var i = 0
        let count = bytes.count
        while i < count && !isFinished {
            switch stage {
            case .header:
                while header.count < headerNeeded && i < count {
                    header.append(bytes[i])
                    i += 1
                    if header.count == 2 {
                        let length7 = header[1] & 0x7F
                        headerNeeded =
                            2 + (length7 == 126 ? 2 : length7 == 127 ? 8 : 0) + (header[1] & 0x80 != 0 ? 4 : 0)
                    }
                }
                guard header.count == headerNeeded else { return }
                if let (code, reason) = beginFrame() {
                    fail(code, reason, onEvent)
                    return
                }
                header.removeAll(keepingCapacity: true)
                headerNeeded = 2
                if remaining == 0 { endFrame(onEvent) } else { stage = .payload }
            case .payload:
                let n = min(remaining, count - i)
                if opcode.isControl {
                    Self.unmask(bytes, from: i, count: n, key: maskKey, offset: maskOffset, into: &control)
                } else if !messageOverlong {
                    Self.unmask(bytes, from: i, count: n, key: maskKey, offset: maskOffset, into: &message)
                } else {
                    discardedByteCount += n
                }
                i += n
                remaining -= n
                maskOffset += n
                if remaining == 0 {
                    stage = .header
                    endFrame(onEvent)
                }
            }
        }
    }

    /// Appends `count` bytes from `start`, unmasked; `offset` is the payload position of the
    /// first one (the key's phase).
    @inline(__always)
    private static func unmask(
        _ bytes: UnsafeRawBufferPointer, from start: Int, count: Int, key: UInt32, offset: Int, into out: inout [UInt8]
    ) {
        let base = out.count
        out.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[start..<(start + count)]))
        guard key != 0 else { return }
        out.withUnsafeMutableBufferPointer { buffer in
            for k in 0..<count {
                buffer[base + k] ^= UInt8(truncatingIfNeeded: key >> (UInt32((offset + k) & 3) * 8))
            }
        }
    }

    private mutating func fail(_ code: WebSocketCloseCode, _ reason: String, _ onEvent: (Event) -> Void) {
        isFinished = true
        message = []
        control = []
        onEvent(.failure(code, reason: reason))
    }

    /// Checks the header just read and sets up the frame; returns the failure, if any.
    private mutating func beginFrame() -> (WebSocketCloseCode, String)? {
        let b0 = header[0]
        let b1 = header[1]
        guard b0 & 0x70 == 0 else { return (.protocolError, "reserved bits set") }
        guard let op = WebSocketOpcode(rawValue: b0 & 0x0F) else { return (.protocolError, "unknown opcode") }
        guard b1 & 0x80 != 0 else { return (.protocolError, "client frames must be masked") }
        fin = b0 & 0x80 != 0
        opcode = op
        var length = UInt64(b1 & 0x7F)
        var offset = 2
        if length == 126 {
            length = UInt64(header[2]) << 8 | UInt64(header[3])
            offset = 4
            guard length >= 126 else { return (.protocolError, "length not in its shortest form") }
        } else if length == 127 {
            length = 0
            for k in 2..<10 { length = length << 8 | UInt64(header[k]) }
            offset = 10
            guard length >> 63 == 0 else { return (.protocolError, "length with the top bit set") }
            guard length > 0xFFFF else { return (.protocolError, "length not in its shortest form") }
        }
        maskKey =
            UInt32(header[offset]) | UInt32(header[offset + 1]) << 8 | UInt32(header[offset + 2]) << 16
            | UInt32(header[offset + 3]) << 24
        maskOffset = 0
        if op.isControl {
            guard fin else { return (.protocolError, "fragmented control frame") }
            guard length <= 125 else { return (.protocolError, "control frame longer than 125 bytes") }
            remaining = Int(length)
            control.removeAll(keepingCapacity: true)
            return nil
        }
        guard length <= UInt64(maxFrameBytes) else {
            return (.messageTooBig, "frame longer than \(maxFrameBytes) bytes")
        }
        remaining = Int(length)
        if op == .continuation {
            guard messageKind != nil else { return (.protocolError, "continuation frame without a message") }
        } else {
            guard messageKind == nil else { return (.protocolError, "new message before the last one ended") }
            messageKind = op
            messageTotal = 0
            messageOverlong = false
        }
        messageTotal += remaining
        guard messageTotal <= maxFrameBytes else {
            return (.messageTooBig, "message longer than \(maxFrameBytes) bytes")
        }
        if !messageOverlong && messageTotal > maxMessageBytes {
            messageOverlong = true
            discardedByteCount += message.count
            message = []
        }
        return nil
    }

    private mutating func endFrame(_ onEvent: (Event) -> Void) {
        switch opcode {
        case .ping:
            onEvent(.ping(control))
        case .pong:
            onEvent(.pong)
        case .close:
            if control.count == 1 {
                fail(.protocolError, "close frame with a one-byte payload", onEvent)
                return
            }
            var code: WebSocketCloseCode?
            var reason: [UInt8] = []
            if control.count >= 2 {
                let value = WebSocketCloseCode(rawValue: UInt16(control[0]) << 8 | UInt16(control[1]))
                guard value.isValidOnTheWire else {
                    fail(.protocolError, "close code \(value.rawValue) may not be sent", onEvent)
                    return
                }
                reason = Array(control[2...])
                guard UTF8Text.isValid(reason) else {
                    fail(.invalidPayload, "close reason is not UTF-8", onEvent)
                    return
                }
                code = value
            }
            isFinished = true
            onEvent(.close(code, reason: reason))
        case .text, .binary, .continuation:
            guard fin, let kind = messageKind else { return }
            messageKind = nil
            if messageOverlong {
                messageOverlong = false
                onEvent(.overlong(kind))
                return
            }
            if kind == .text && !UTF8Text.isValid(message) {
                fail(.invalidPayload, "text message is not UTF-8", onEvent)
                return
            }
            message.withUnsafeBytes { onEvent(.message(kind, $0)) }
            if message.capacity > 4096 { message = [] } else { message.removeAll(keepingCapacity: true) }
        }
    }
}
