import WebProtocol

/// What a connection from an HTTP listener has besides a plain one: the request being read,
/// then (after a WebSocket upgrade) the frame decoder; and `wire`, the bytes ready for the
/// socket. Owned by its connection, on its loop's thread.
///
/// Output is kept in two stages. The connection's `output` stays what it is for every
/// connection, CRLF-terminated lines (the fan-out does not know the transport); `flush` turns
/// the queued lines into one frame each, without the CRLF, in `wire`, only once `wire` is
/// empty, so the framed copy never holds more than one batch and --sendq-bytes still measures
/// what the client is not taking. HTTP responses, pongs and close frames go to `wire` directly.
final class WebConnection {
    enum Phase: Equatable {
        /// Reading the request head.
        case request
        /// A response is queued and the connection closes after it.
        case responding
        /// The WebSocket is open: messages are lines.
        case websocket
    }

    let routes: WebRoutes
    var phase = Phase.request
    var parser = HTTPRequestParser()
    var decoder: WebSocketDecoder
    /// Lines go out as binary messages (`binary.ircv3.net`), else text.
    var isBinary = false
    /// Bytes for the socket, sent from `wireStart`.
    var wire: [UInt8] = []
    var wireStart = 0
    /// The close frame to end with: its code and reason.
    var closeCode = WebSocketCloseCode.normal
    var closeReason = ""
    /// The ERROR line goes out before the close frame (not after a protocol error or the
    /// client's own close).
    var sendsErrorLine = true
    var closeFrameQueued = false

    init(routes: WebRoutes, maxMessageBytes: Int) {
        self.routes = routes
        decoder = WebSocketDecoder(maxMessageBytes: maxMessageBytes)
    }

    var hasWire: Bool { wireStart < wire.count }

    /// Appends a control frame (pong, close) after whatever is framed already.
    func appendControl(_ opcode: WebSocketOpcode, _ payload: [UInt8]) {
        WebSocketFrameEncoder.append(opcode, payload, to: &wire)
    }

    /// Frames every whole line in `bytes` (CRLF-terminated lines) into `wire`: one message per
    /// line, without the line end; text messages get U+FFFD for bytes that are not UTF-8.
    /// Returns how many bytes of `bytes` were used (up to the end of the last whole line).
    func frameLines(_ bytes: UnsafeRawBufferPointer) -> Int {
        var start = 0
        var used = 0
        let opcode: WebSocketOpcode = isBinary ? .binary : .text
        while start < bytes.count {
            guard let lf = bytes[start...].firstIndex(of: 10) else { break }
            var end = lf
            if end > start && bytes[end - 1] == 13 { end -= 1 }
            let line = UnsafeRawBufferPointer(rebasing: bytes[start..<end])
            if isBinary || UTF8Text.isValid(line) {
                WebSocketFrameEncoder.appendHeader(opcode, length: line.count, to: &wire)
                wire.append(contentsOf: line)
            } else {
                var text: [UInt8] = []
                UTF8Text.appendReplacingInvalid(line, to: &text)
                WebSocketFrameEncoder.append(opcode, text, to: &wire)
            }
            start = lf + 1
            used = start
        }
        return used
    }

    /// Marks `n` bytes of `wire` sent.
    func consumeWire(_ n: Int) {
        wireStart += n
        if wireStart == wire.count {
            if wire.capacity > 64 * 1024 { wire = [] } else { wire.removeAll(keepingCapacity: true) }
            wireStart = 0
        }
    }
}
