import Platform
import WebProtocol

/// A raw HTTP/1.1 exchange for tests: sends bytes as they are and reads the response up to the
/// server's close.
public struct HTTPTestResponse: CustomStringConvertible {
    public let status: Int
    public let headers: [(name: String, value: String)]
    public let body: [UInt8]

    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    public var text: String { String(decoding: body, as: UTF8.self) }
    public var description: String { "\(status) \(headers) \(text)" }

    /// Parses a response head and body (the body is what follows the head).
    static func parse(_ bytes: [UInt8]) -> HTTPTestResponse? {
        let marker: [UInt8] = [13, 10, 13, 10]
        guard bytes.count >= 4, let end = (0...(bytes.count - 4)).first(where: { Array(bytes[$0..<$0 + 4]) == marker })
        else { return nil }
        let head = String(decoding: bytes[..<end], as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst().split(separator: " ")
        guard statusLine.count >= 2, statusLine[0] == "HTTP/1.1", let status = Int(statusLine[1]) else { return nil }
        let headers = lines.compactMap { line -> (name: String, value: String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        return HTTPTestResponse(status: status, headers: headers, body: Array(bytes[(end + 4)...]))
    }

    /// Sends `request` (raw) to 127.0.0.1:`port` and reads until the server closes.
    public static func exchange(port: Int, _ request: String, timeout: Double = 5) throws -> HTTPTestResponse {
        let client = try LineClient(host: "127.0.0.1", port: port)
        defer { client.close() }
        try client.send(Array(request.utf8))
        let bytes = try readAll(client, timeout: timeout)
        guard let response = parse(bytes) else {
            throw TestClient.Mismatch(description: "not an HTTP response: \(String(decoding: bytes, as: UTF8.self))")
        }
        return response
    }

    /// A GET of `path` with the usual fields.
    public static func get(
        port: Int, _ path: String, method: String = "GET", headers: [String] = [], timeout: Double = 5
    ) throws -> HTTPTestResponse {
        let fields = (["Host: 127.0.0.1:\(port)"] + headers).map { $0 + "\r\n" }.joined()
        return try exchange(port: port, "\(method) \(path) HTTP/1.1\r\n\(fields)\r\n", timeout: timeout)
    }

    /// Everything up to the peer's close, bytes as they came.
    static func readAll(_ client: LineClient, timeout: Double) throws -> [UInt8] {
        var bytes: [UInt8] = []
        let deadline = Posix.monotonicNanoseconds() + Int64(timeout * 1e9)
        while true {
            let remaining = deadline - Posix.monotonicNanoseconds()
            guard remaining > 0 else { throw TestClient.Mismatch(description: "the server did not close in time") }
            let ready = try Socket.waitReadable([client.fd], timeoutMilliseconds: Int32(remaining / 1_000_000 + 1))
            if ready.isEmpty { continue }
            var chunk = [UInt8](repeating: 0, count: 65536)
            let result = chunk.withUnsafeMutableBytes { raw in
                Result { () throws(SystemError) in try Posix.read(client.fd, raw) }
            }
            switch result {
            case .success(.done(0)): return bytes
            case .success(.done(let n)): bytes += chunk[..<n]
            case .success(.wouldBlock): continue
            case .failure(let error):
                if error.isConnectionReset { return bytes }
                throw error
            }
        }
    }
}

/// A test's WebSocket user: the opening handshake, masked frames out, the server's frames in,
/// IRC lines as messages.
public final class WebSocketTestClient: LineExpecting {
    /// What one server frame carried.
    public enum Frame: Equatable, CustomStringConvertible {
        case text(String)
        case binary([UInt8])
        case ping([UInt8])
        case pong([UInt8])
        case close(UInt16?, String)
        /// A frame with FIN clear or an opcode we did not expect.
        case other(opcode: UInt8, fin: Bool, payload: [UInt8])

        public var description: String {
            switch self {
            case .text(let s): "text \"\(s)\""
            case .binary(let b): "binary \(String(decoding: b, as: UTF8.self))"
            case .ping(let p): "ping \(p)"
            case .pong(let p): "pong \(p)"
            case .close(let code, let reason): "close \(code.map(String.init) ?? "-") \(reason)"
            case .other(let opcode, let fin, let payload): "opcode \(opcode) fin \(fin) \(payload.count) bytes"
            }
        }
    }

    public let connection: LineClient
    /// The 101 response's fields.
    public let handshake: HTTPTestResponse
    private var buffer: [UInt8] = []
    private var closed = false
    private var pings = 0
    /// Masks are not secret here; a fixed one keeps failures reproducible.
    public var mask: (UInt8, UInt8, UInt8, UInt8) = (0x12, 0x34, 0x56, 0x78)

    /// The request a client sends to open a WebSocket.
    public static func upgradeRequest(
        port: Int, path: String = "/ws", key: String = "dGhlIHNhbXBsZSBub25jZQ==", subprotocols: [String] = [],
        origin: String? = nil, extraHeaders: [String] = []
    ) -> String {
        var fields = [
            "Host: 127.0.0.1:\(port)", "Upgrade: websocket", "Connection: Upgrade", "Sec-WebSocket-Key: \(key)",
            "Sec-WebSocket-Version: 13",
        ]
        if !subprotocols.isEmpty { fields.append("Sec-WebSocket-Protocol: \(subprotocols.joined(separator: ", "))") }
        if let origin { fields.append("Origin: \(origin)") }
        return "GET \(path) HTTP/1.1\r\n" + (fields + extraHeaders).map { $0 + "\r\n" }.joined() + "\r\n"
    }

    /// Opens a WebSocket to 127.0.0.1:`port`; throws unless the server answers 101.
    public init(
        port: Int, path: String = "/ws", key: String = "dGhlIHNhbXBsZSBub25jZQ==", subprotocols: [String] = [],
        origin: String? = nil
    ) throws {
        connection = try LineClient(host: "127.0.0.1", port: port)
        try connection.send(
            Array(
                Self.upgradeRequest(port: port, path: path, key: key, subprotocols: subprotocols, origin: origin).utf8))
        // The head up to its empty line; what follows is frames.
        var bytes: [UInt8] = []
        let deadline = Posix.monotonicNanoseconds() + 5_000_000_000
        var headEnd: Int?
        while headEnd == nil {
            guard Self.fill(&bytes, from: connection.fd, deadline: deadline) else {
                throw TestClient.Mismatch(
                    description: "no handshake response: got \(String(decoding: bytes, as: UTF8.self))")
            }
            headEnd =
                bytes.count < 4 ? nil : (0...(bytes.count - 4)).first { Array(bytes[$0..<$0 + 4]) == [13, 10, 13, 10] }
        }
        let end = headEnd! + 4
        guard let response = HTTPTestResponse.parse(Array(bytes[..<end])), response.status == 101 else {
            throw TestClient.Mismatch(description: "expected 101, got \(String(decoding: bytes, as: UTF8.self))")
        }
        handshake = response
        buffer = Array(bytes[end...])
    }

    /// Reads what is there into `bytes`; false on close, error or the deadline.
    private static func fill(_ bytes: inout [UInt8], from fd: Int32, deadline: Int64) -> Bool {
        let remaining = deadline - Posix.monotonicNanoseconds()
        guard remaining > 0,
            let ready = try? Socket.waitReadable([fd], timeoutMilliseconds: Int32(remaining / 1_000_000 + 1))
        else { return false }
        if ready.isEmpty { return true }
        var chunk = [UInt8](repeating: 0, count: 65536)
        let result = chunk.withUnsafeMutableBytes { raw in Result { () throws(SystemError) in try Posix.read(fd, raw) }
        }
        guard case .success(.done(let n)) = result, n > 0 else { return false }
        bytes += chunk[..<n]
        return true
    }

    /// The negotiated subprotocol, if any.
    public var subprotocol: String? { handshake.header("Sec-WebSocket-Protocol") }

    // MARK: Sending

    public func sendFrame(_ opcode: WebSocketOpcode, _ payload: [UInt8], fin: Bool = true, masked: Bool = true) throws {
        var out: [UInt8] = []
        WebSocketFrameEncoder.append(opcode, payload, to: &out, fin: fin, mask: masked ? mask : nil)
        try connection.send(out)
    }

    public func sendRaw(_ bytes: [UInt8]) throws { try connection.send(bytes) }

    /// One IRC line as a text message (no CRLF).
    public func send(_ line: String) throws { try sendFrame(.text, Array(line.utf8)) }

    // MARK: Receiving

    /// The next frame from the server, waiting at most `timeout` seconds.
    public func readFrame(timeout: Double = 5) throws -> Frame {
        let deadline = Posix.monotonicNanoseconds() + Int64(timeout * 1e9)
        while true {
            if let frame = takeFrame() { return frame }
            if closed { throw LineClient.ReadError.closed }
            let remaining = deadline - Posix.monotonicNanoseconds()
            guard remaining > 0 else { throw LineClient.ReadError.timedOut }
            let ready = try Socket.waitReadable([connection.fd], timeoutMilliseconds: Int32(remaining / 1_000_000 + 1))
            if ready.isEmpty { continue }
            var chunk = [UInt8](repeating: 0, count: 65536)
            let fd = connection.fd
            let result = chunk.withUnsafeMutableBytes { raw in
                Result { () throws(SystemError) in try Posix.read(fd, raw) }
            }
            switch result {
            case .success(.done(0)): closed = true
            case .success(.done(let n)): buffer += chunk[..<n]
            case .success(.wouldBlock): continue
            case .failure(let error):
                if error.isConnectionReset { closed = true } else { throw error }
            }
        }
    }

    private func takeFrame() -> Frame? {
        guard buffer.count >= 2 else { return nil }
        let fin = buffer[0] & 0x80 != 0
        let opcode = buffer[0] & 0x0F
        var length = Int(buffer[1] & 0x7F)
        var offset = 2
        if length == 126 {
            guard buffer.count >= 4 else { return nil }
            length = Int(buffer[2]) << 8 | Int(buffer[3])
            offset = 4
        } else if length == 127 {
            guard buffer.count >= 10 else { return nil }
            length = buffer[2..<10].reduce(0) { $0 << 8 | Int($1) }
            offset = 10
        }
        guard buffer.count >= offset + length else { return nil }
        let payload = Array(buffer[offset..<offset + length])
        buffer.removeFirst(offset + length)
        guard fin else { return .other(opcode: opcode, fin: fin, payload: payload) }
        switch opcode {
        case 1: return .text(String(decoding: payload, as: UTF8.self))
        case 2: return .binary(payload)
        case 8:
            let code = payload.count >= 2 ? UInt16(payload[0]) << 8 | UInt16(payload[1]) : nil
            return .close(code, String(decoding: payload.dropFirst(2), as: UTF8.self))
        case 9: return .ping(payload)
        case 10: return .pong(payload)
        default: return .other(opcode: opcode, fin: fin, payload: payload)
        }
    }

    /// The next IRC line (a text or binary message), skipping pongs.
    public func readLine(timeout: Double = 5) throws -> String {
        while true {
            switch try readFrame(timeout: timeout) {
            case .text(let line): return line
            case .binary(let bytes): return String(decoding: bytes, as: UTF8.self)
            case .pong: continue
            case let frame: throw TestClient.Mismatch(description: "expected a line, got \(frame)")
            }
        }
    }

    /// Registers `nick` as an nc-style user and reads through the auto-join's end of NAMES.
    public func register(_ nick: String, server: String = "linechat", room: String? = TestClient.defaultRoom) throws {
        try send("NICK \(nick)")
        try expect(":\(server) 001 \(nick) :Welcome to the chat room, \(nick)!", skippingOthers: true)
        if let room {
            try expect(":\(server) 366 \(nick) \(room) :End of /NAMES list", skippingOthers: true)
        } else {
            try expect(where: { $0.hasPrefix(":\(server) 376 \(nick) ") })
        }
    }

    /// A PING whose PONG must be the next line.
    public func roundTrip(server: String = "linechat") throws {
        pings += 1
        try send("PING ws-sync-\(pings)")
        try expect(":\(server) PONG \(server) :ws-sync-\(pings)")
    }

    /// Reads frames until the server's close frame; returns its code and reason.
    public func expectClose(timeout: Double = 5) throws -> (code: UInt16?, reason: String) {
        while true {
            if case .close(let code, let reason) = try readFrame(timeout: timeout) { return (code, reason) }
        }
    }

    /// True when the server closes the TCP connection within `timeout` seconds (frames before
    /// it are skipped).
    public func waitForClose(timeout: Double = 5) -> Bool {
        while true {
            do { _ = try readFrame(timeout: timeout) } catch LineClient.ReadError.closed { return true } catch {
                return false
            }
        }
    }

    public func close() { connection.close() }
}
