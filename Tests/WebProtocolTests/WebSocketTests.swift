import Testing
import WebProtocol

/// What a decoder reported, in a comparable form.
enum Decoded: Equatable, CustomStringConvertible {
    case text(String)
    case binary([UInt8])
    case overlong(UInt8)
    case ping([UInt8])
    case pong
    case close(UInt16?, String)
    case failure(UInt16)

    var description: String {
        switch self {
        case .text(let s): "text(\(s))"
        case .binary(let b): "binary(\(b))"
        case .overlong(let o): "overlong(\(o))"
        case .ping(let p): "ping(\(p))"
        case .pong: "pong"
        case .close(let c, let r): "close(\(c.map(String.init) ?? "-"), \(r))"
        case .failure(let c): "failure(\(c))"
        }
    }
}

@Suite("WebSocket frames")
struct WebSocketTests {
    static let mask: (UInt8, UInt8, UInt8, UInt8) = (0x37, 0xFA, 0x21, 0x3D)

    static func frame(_ opcode: WebSocketOpcode, _ payload: [UInt8], fin: Bool = true, masked: Bool = true) -> [UInt8] {
        var out: [UInt8] = []
        WebSocketFrameEncoder.append(opcode, payload, to: &out, fin: fin, mask: masked ? mask : nil)
        return out
    }

    static func text(_ s: String, fin: Bool = true) -> [UInt8] { frame(.text, Array(s.utf8), fin: fin) }

    /// Decodes `bytes` whole, one byte at a time and in chunks of 7; all three must agree.
    static func decode(_ bytes: [UInt8], maxMessageBytes: Int = 512, maxFrameBytes: Int = 1 << 20) -> [Decoded] {
        func run(_ chunk: Int) -> [Decoded] {
            var decoder = WebSocketDecoder(maxMessageBytes: maxMessageBytes, maxFrameBytes: maxFrameBytes)
            var events: [Decoded] = []
            var i = 0
            while i < bytes.count {
                let end = min(bytes.count, i + chunk)
                Array(bytes[i..<end]).withUnsafeBytes { piece in
                    decoder.feed(piece) { event in
                        switch event {
                        case .message(.text, let p): events.append(.text(String(decoding: p, as: UTF8.self)))
                        case .message(_, let p): events.append(.binary(Array(p)))
                        case .overlong(let o): events.append(.overlong(o.rawValue))
                        case .ping(let p): events.append(.ping(p))
                        case .pong: events.append(.pong)
                        case .close(let c, let r):
                            events.append(.close(c?.rawValue, String(decoding: r, as: UTF8.self)))
                        case .failure(let c, _): events.append(.failure(c.rawValue))
                        }
                    }
                }
                i = end
            }
            return events
        }
        let whole = run(max(bytes.count, 1))
        #expect(run(1) == whole, "byte at a time")
        #expect(run(7) == whole, "chunks of 7")
        return whole
    }

    @Test("RFC 6455 5.7: a masked 'Hello' text frame")
    func rfcMaskedHello() {
        let bytes: [UInt8] = [0x81, 0x85, 0x37, 0xFA, 0x21, 0x3D, 0x7F, 0x9F, 0x4D, 0x51, 0x58]
        #expect(Self.decode(bytes) == [.text("Hello")])
        #expect(Self.text("Hello") == bytes)
    }

    @Test("RFC 6455 5.7: the server's unmasked 'Hello' and a 256-byte binary header")
    func serverFrames() {
        var out: [UInt8] = []
        WebSocketFrameEncoder.append(.text, Array("Hello".utf8), to: &out)
        #expect(out == [0x81, 0x05, 0x48, 0x65, 0x6C, 0x6C, 0x6F])
        out = []
        WebSocketFrameEncoder.appendHeader(.binary, length: 256, to: &out)
        #expect(out == [0x82, 0x7E, 0x01, 0x00])
        out = []
        WebSocketFrameEncoder.appendHeader(.binary, length: 65536, to: &out)
        #expect(out == [0x82, 0x7F, 0, 0, 0, 0, 0, 1, 0, 0])
    }

    @Test("fragments are joined; a ping between them is answered on its own")
    func fragmentation() {
        let bytes =
            Self.text("Hel", fin: false) + Self.frame(.ping, [1, 2])
            + Self.frame(.continuation, Array("lo".utf8), fin: false)
            + Self.frame(.continuation, Array(" there".utf8))
        #expect(Self.decode(bytes) == [.ping([1, 2]), .text("Hello there")])
    }

    @Test("7-, 16- and 64-bit lengths", arguments: [0, 125, 126, 65535, 65536, 100_000])
    func lengths(_ count: Int) {
        let payload = (0..<count).map { UInt8(truncatingIfNeeded: $0) }
        #expect(Self.decode(Self.frame(.binary, payload), maxMessageBytes: 200_000) == [.binary(payload)])
    }

    @Test("a message over the line limit is discarded and reported once; the next one is read")
    func overlong() {
        let bytes =
            Self.text(String(repeating: "a", count: 300), fin: false)
            + Self.frame(.continuation, Array(repeating: 98, count: 300))
            + Self.text("next")
        #expect(Self.decode(bytes) == [.overlong(1), .text("next")])
        var decoder = WebSocketDecoder(maxMessageBytes: 512)
        bytes.withUnsafeBytes { decoder.feed($0) { _ in } }
        #expect(decoder.discardedByteCount == 600)
    }

    @Test("a UTF-8 character split across fragments is valid")
    func splitCharacter() {
        let euro: [UInt8] = [0xE2, 0x82, 0xAC]
        let bytes = Self.frame(.text, Array(euro[0..<1]), fin: false) + Self.frame(.continuation, Array(euro[1...]))
        #expect(Self.decode(bytes) == [.text("€")])
    }

    @Test("close frames: code and reason, no code, and the pong")
    func closeFrames() {
        #expect(
            Self.decode(
                Self.frame(.pong, [])
                    + Self.frame(.close, WebSocketFrameEncoder.closePayload(.goingAway, reason: "bye"))) == [
                    .pong, .close(1001, "bye"),
                ])
        #expect(Self.decode(Self.frame(.close, []) + Self.text("ignored")) == [.close(nil, "")])
    }

    static let protocolErrors: [(String, [UInt8], UInt16)] = [
        ("unmasked client frame", WebSocketTests.frame(.text, Array("hi".utf8), masked: false), 1002),
        ("reserved bit", [0xC1, 0x80, 0, 0, 0, 0], 1002),
        ("unknown opcode 3", [0x83, 0x80, 0, 0, 0, 0], 1002),
        ("16-bit length under 126", [0x81, 0xFE, 0x00, 0x05, 0, 0, 0, 0], 1002),
        ("64-bit length under 65536", [0x82, 0xFF, 0, 0, 0, 0, 0, 0, 0x01, 0x00, 0, 0, 0, 0], 1002),
        ("64-bit length with the top bit", [0x82, 0xFF, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], 1002),
        ("fragmented ping", WebSocketTests.frame(.ping, [], fin: false), 1002),
        ("ping over 125 bytes", WebSocketTests.frame(.ping, Array(repeating: 0, count: 126)), 1002),
        ("continuation without a message", WebSocketTests.frame(.continuation, [65]), 1002),
        ("new message inside a fragmented one", WebSocketTests.text("a", fin: false) + WebSocketTests.text("b"), 1002),
        ("one-byte close payload", WebSocketTests.frame(.close, [3]), 1002),
        ("close code 1005 on the wire", WebSocketTests.frame(.close, [0x03, 0xED]), 1002),
        ("close reason not UTF-8", WebSocketTests.frame(.close, [0x03, 0xE8, 0xFF]), 1007),
        ("invalid UTF-8 text", WebSocketTests.frame(.text, [0x63, 0x61, 0x66, 0xE9]), 1007),
        ("surrogate in text", WebSocketTests.frame(.text, [0xED, 0xA0, 0x80]), 1007),
        ("frame over the cap", [0x82, 0xFF, 0, 0, 0, 0, 0x01, 0, 0, 1, 0, 0, 0, 0], 1009),
    ]

    @Test("protocol errors fail with their close code and stop the decoder", arguments: protocolErrors)
    func protocolError(_ name: String, _ bytes: [UInt8], _ code: UInt16) {
        #expect(Self.decode(bytes + Self.text("after")) == [.failure(code)], "\(name)")
    }

    @Test("the 16 MiB cap: a frame header over it fails at once, fragments adding up over it too")
    func frameCap() {
        var header: [UInt8] = []
        WebSocketFrameEncoder.appendHeader(.binary, length: (16 << 20) + 1, to: &header, mask: Self.mask)
        var decoder = WebSocketDecoder(maxMessageBytes: 512)
        var events: [WebSocketCloseCode] = []
        header.withUnsafeBytes { decoder.feed($0) { if case .failure(let code, _) = $0 { events.append(code) } } }
        #expect(events == [.messageTooBig])
        let parts =
            Self.frame(.binary, Array(repeating: 0, count: 600), fin: false)
            + Self.frame(.continuation, Array(repeating: 0, count: 600))
        #expect(Self.decode(parts, maxFrameBytes: 1000) == [.failure(1009)])
    }

    @Test("outbound text: invalid UTF-8 becomes U+FFFD; close payloads are cut to 125 bytes")
    func replacement() {
        var out: [UInt8] = []
        ([0x63, 0x61, 0x66, 0xE9] as [UInt8]).withUnsafeBytes { UTF8Text.appendReplacingInvalid($0, to: &out) }
        #expect(String(decoding: out, as: UTF8.self) == "caf\u{FFFD}")
        out = []
        ([0xE2, 0x82, 0x41, 0x80] as [UInt8]).withUnsafeBytes { UTF8Text.appendReplacingInvalid($0, to: &out) }
        #expect(String(decoding: out, as: UTF8.self) == "\u{FFFD}A\u{FFFD}")
        #expect(WebSocketFrameEncoder.closePayload(.normal, reason: String(repeating: "é", count: 100)).count == 124)
    }
}

@Suite("WebSocket handshake")
struct WebSocketHandshakeTests {
    static func request(_ fields: [(String, String)], minor: Int = 1) -> HTTPRequest {
        HTTPRequest(method: "GET", target: "/ws", minorVersion: minor, headers: [("Host", "h")] + fields)
    }

    static let upgrade: [(String, String)] = [
        ("Upgrade", "websocket"), ("Connection", "keep-alive, Upgrade"), ("Sec-WebSocket-Version", "13"),
        ("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="),
    ]

    @Test(
        "subprotocols: the client's first known one wins; none known or asked: text, no header",
        arguments: [
            ("binary.ircv3.net", "binary.ircv3.net"), ("text.ircv3.net", "text.ircv3.net"),
            ("binary.ircv3.net, text.ircv3.net", "binary.ircv3.net"),
            ("chat, text.ircv3.net, binary.ircv3.net", "text.ircv3.net"),
            ("chat", ""), ("", ""),
        ])
    func subprotocols(_ offered: String, _ chosen: String) throws {
        let fields = offered.isEmpty ? Self.upgrade : Self.upgrade + [("Sec-WebSocket-Protocol", offered)]
        let upgrade = try WebSocketHandshake.validate(Self.request(fields)).get()
        #expect(upgrade.subprotocol?.rawValue ?? "" == chosen)
        let response = String(
            decoding: WebSocketHandshake.response(for: upgrade, sha1: { _ in Array(repeating: 0, count: 20) })
                .serialized(), as: UTF8.self)
        #expect(response.hasPrefix("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"))
        #expect(response.contains("Sec-WebSocket-Protocol") == !chosen.isEmpty)
        #expect(!response.contains("Content-Length"))
    }

    @Test("refusals: not an upgrade (426), version (426), bad key or HTTP/1.0 (400)")
    func refusals() {
        #expect(WebSocketHandshake.validate(Self.request([])) == .failure(.notAnUpgrade))
        #expect(WebSocketHandshake.validate(Self.request([("Upgrade", "websocket")])) == .failure(.notAnUpgrade))
        let badVersion = Self.upgrade.map { $0.0 == "Sec-WebSocket-Version" ? ($0.0, "8") : $0 }
        #expect(WebSocketHandshake.validate(Self.request(badVersion)) == .failure(.unsupportedVersion))
        let badKey = Self.upgrade.map { $0.0 == "Sec-WebSocket-Key" ? ($0.0, "c2hvcnQ=") : $0 }
        guard case .failure(.badRequest) = WebSocketHandshake.validate(Self.request(badKey)) else {
            Issue.record("a short key was accepted")
            return
        }
        guard case .failure(.badRequest) = WebSocketHandshake.validate(Self.request(Self.upgrade, minor: 0)) else {
            Issue.record("HTTP/1.0 was accepted")
            return
        }
        #expect(WebSocketHandshake.Refusal.notAnUpgrade.response.status.code == 426)
    }
}
