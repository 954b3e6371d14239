import ChatServer
import Foundation
import Platform
import TestSupport
import TLS
import Testing
import WebProtocol

/// The HTTP listener and WebSocket users, in-process over real sockets: the handshake, both
/// subprotocols, frames of every kind, every bad input, routes and statuses, the Origin check,
/// /healthz and /metrics, and WebSocket and nc users chatting in one room.
@Suite("WebSocket and HTTP server", .timeLimit(.minutes(10)))
struct WebSocketServerTests {
    /// A test server with HTTP and metrics listeners on free ports.
    static func server(_ configure: @escaping (inout ServerConfiguration) -> Void = { _ in }) throws -> TestServer {
        try TestServer.start(history: false) { configuration in
            configuration.httpPort = 0
            configuration.metricsPort = 0
            configure(&configuration)
        }
    }

    static func httpPort(_ server: TestServer) -> Int { server.server.httpPort ?? 0 }

    // MARK: Handshake and chat

    @Test("the RFC 6455 example key gets the RFC's accept value; no subprotocol asked: text frames")
    func rfcHandshake() throws {
        let server = try Self.server()
        defer { server.stop() }
        let alice = try WebSocketTestClient(port: Self.httpPort(server), key: "dGhlIHNhbXBsZSBub25jZQ==")
        #expect(alice.handshake.header("Sec-WebSocket-Accept") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
        #expect(alice.handshake.header("Upgrade")?.lowercased() == "websocket")
        #expect(alice.subprotocol == nil)
        let notice = try alice.readFrame()
        guard case .text(let line) = notice, line.hasPrefix(":linechat NOTICE * :") else {
            Issue.record("expected the welcome notice as text, got \(notice)")
            return
        }
        try alice.register("alice")
        #expect(
            waitUntil { server.server.connections().contains { $0.nickname == "alice" && $0.kind == .webSocket } })
    }

    @Test(
        "a WebSocket user and an nc user chat in #lobby and privately, both ways",
        arguments: [
            "text.ircv3.net", "binary.ircv3.net",
        ])
    func chatsWithNetcatUser(_ subprotocol: String) throws {
        let server = try Self.server()
        defer { server.stop() }
        let alice = try WebSocketTestClient(
            port: Self.httpPort(server), key: "AQIDBAUGBwgJCgsMDQ4PEA==", subprotocols: ["chat", subprotocol])
        #expect(alice.subprotocol == subprotocol)
        try alice.register("alice")
        let bob = try server.connect()
        try bob.register("bob")
        try alice.expect(":bob JOIN #lobby", skippingOthers: true)

        try alice.send("PRIVMSG #lobby :hello from the web ✓")
        try bob.expect(":alice PRIVMSG #lobby :hello from the web ✓")
        try bob.send("BROADCAST hello from nc")
        // Every line is one message, of the negotiated kind, without CRLF.
        let frame = try alice.readFrame()
        let expected = ":bob PRIVMSG #lobby :hello from nc"
        #expect(frame == (subprotocol == "binary.ircv3.net" ? .binary(Array(expected.utf8)) : .text(expected)))

        try alice.send("PRIVMSG bob :psst")
        try bob.expect(where: { $0.hasPrefix(":alice") && $0.hasSuffix(" PRIVMSG bob :psst") })
        try bob.send("PRIVMSG alice :psst back")
        try alice.expect(where: { $0.hasPrefix(":bob") && $0.hasSuffix(" PRIVMSG alice :psst back") })
    }

    @Test("irctest's way in: GET / with an Upgrade opens a WebSocket; IRC registration works")
    func upgradeOnRoot() throws {
        let server = try Self.server()
        defer { server.stop() }
        let web = try WebSocketTestClient(port: Self.httpPort(server), path: "/", subprotocols: ["text.ircv3.net"])
        try web.send("CAP LS 302")
        try web.send("NICK web")
        try web.send("USER u 0 * :Web User")
        try web.send("CAP END")
        try web.expect(where: { $0.contains(" 001 web ") })
    }

    @Test("fragmented messages are one line; a ping is answered with its payload, also between fragments")
    func fragmentsAndPing() throws {
        let server = try Self.server()
        defer { server.stop() }
        let alice = try WebSocketTestClient(port: Self.httpPort(server))
        try alice.register("alice")
        let bob = try server.connect()
        try bob.register("bob")
        try alice.expect(":bob JOIN #lobby", skippingOthers: true)

        try alice.sendFrame(.ping, Array("are you there".utf8))
        #expect(try alice.readFrame() == .pong(Array("are you there".utf8)))

        try alice.sendFrame(.text, Array("PRIVMSG #lobby :frag".utf8), fin: false)
        try alice.sendFrame(.ping, [1, 2, 3])
        try alice.sendFrame(.continuation, Array("men".utf8), fin: false)
        try alice.sendFrame(.continuation, Array("ted ✓".utf8))
        #expect(try alice.readFrame() == .pong([1, 2, 3]))
        try bob.expect(":alice PRIVMSG #lobby :fragmented ✓")
        try alice.roundTrip()
    }

    @Test("close handshake: the server echoes the client's close and closes; the others see the QUIT")
    func closeHandshake() throws {
        let server = try Self.server()
        defer { server.stop() }
        let alice = try WebSocketTestClient(port: Self.httpPort(server))
        try alice.register("alice")
        let bob = try server.connect()
        try bob.register("bob")
        try alice.expect(":bob JOIN #lobby", skippingOthers: true)

        try alice.sendFrame(.close, WebSocketFrameEncoder.closePayload(.goingAway, reason: "tab closed"))
        let close = try alice.expectClose()
        #expect(close.code == 1001)
        #expect(alice.waitForClose())
        try bob.expect(":alice QUIT :Connection closed")
    }

    @Test("QUIT over WebSocket: the ERROR line, then a close frame 1000, then the TCP close")
    func quitSendsCloseFrame() throws {
        let server = try Self.server()
        defer { server.stop() }
        let alice = try WebSocketTestClient(port: Self.httpPort(server))
        try alice.register("alice")
        try alice.send("QUIT :bye")
        try alice.expect(where: { $0.hasPrefix("ERROR :") })
        #expect(try alice.readFrame() == .close(1000, ""))
        #expect(alice.waitForClose())
    }

    @Test("timeouts: a WebSocket that does not register is closed at the registration timeout; shutdown says 1001")
    func timeoutsAndShutdown() throws {
        let server = try Self.server { $0.registrationTimeoutSeconds = 1 }
        let idle = try WebSocketTestClient(port: Self.httpPort(server))
        try idle.expect("ERROR :Registration timeout", skippingOthers: true, timeout: 5)
        #expect(try idle.expectClose().code == 1000)
        #expect(idle.waitForClose())

        let alice = try WebSocketTestClient(port: Self.httpPort(server))
        try alice.register("alice")
        server.stop()
        try alice.expect("ERROR :Server shutting down", skippingOthers: true)
        #expect(try alice.expectClose().code == 1001)
    }

    @Test("a line over --max-line-bytes gets 417 like any other; CR or LF inside a message is refused")
    func lineLimits() throws {
        let server = try Self.server()
        defer { server.stop() }
        let alice = try WebSocketTestClient(port: Self.httpPort(server))
        try alice.register("alice")
        try alice.send("PRIVMSG #lobby :" + String(repeating: "x", count: 600))
        try alice.expect(":linechat 417 alice :Input line was too long (max 512 bytes)")
        // 510 bytes without the CRLF a line would carry: the longest accepted.
        try alice.send("PING " + String(repeating: "y", count: 505))
        try alice.expect(where: { $0.hasPrefix(":linechat PONG linechat :yyy") })
        try alice.send("PRIVMSG #lobby :one\r\nQUIT")
        try alice.expect(where: { $0.hasPrefix(":linechat 400 alice ") })
        try alice.roundTrip()
    }

    @Test("flood control: a stream of overlong messages is charged as overlong lines are, then Excess flood")
    func overlongFlood() throws {
        let server = try TestServer.startWithDefaults(history: false) { $0.httpPort = 0 }
        defer { server.stop() }
        let alice = try WebSocketTestClient(port: Self.httpPort(server))
        try alice.register("alice")
        for _ in 0..<40 { try alice.send("PRIVMSG #lobby :" + String(repeating: "z", count: 5000)) }
        try alice.expect("ERROR :Excess flood", skippingOthers: true)
        #expect(try alice.expectClose().code == 1000)
    }

    @Test("a WebSocket reader that stops reading is dropped at --sendq-bytes: whole messages in order, ERROR, close")
    func sendQueueOverflow() throws {
        let server = try Self.server { $0.sendQueueBytes = 64 * 1024 }
        defer { server.stop() }
        let slow = try WebSocketTestClient(port: Self.httpPort(server))
        try slow.register("slow")
        let sender = try server.connect()
        try sender.register("b0")
        try slow.expect(":b0 JOIN #lobby", skippingOthers: true)
        let filler = String(repeating: "y", count: 400)
        var sequence = 0
        var quit = false
        while !quit && sequence < 400_000 {
            var batch: [UInt8] = []
            for _ in 0..<200 {
                sequence += 1
                batch += Array("PRIVMSG slow :\(sequence) \(filler)\r\n".utf8)
            }
            try sender.sendRaw(batch)
            while let line = try? sender.readLine(timeout: 0.001) {
                if line == ":slow QUIT :SendQ exceeded" { quit = true }
            }
        }
        #expect(quit)
        var lines: [String] = []
        var closeCode: UInt16?
        while closeCode == nil {
            switch try slow.readFrame(timeout: 10) {
            case .text(let line): lines.append(line)
            case .close(let code, _): closeCode = code ?? 0
            case let frame: Issue.record("unexpected \(frame)")
            }
        }
        #expect(closeCode == 1000)
        #expect(lines.last == "ERROR :SendQ exceeded")
        let messages = lines.filter { $0.hasPrefix(":b0 PRIVMSG slow :") }
        #expect(!messages.isEmpty)
        for (index, line) in messages.enumerated() where line != ":b0 PRIVMSG slow :\(index + 1) \(filler)" {
            Issue.record("message \(index + 1) is cut or out of order: \(line.prefix(60))...")
            break
        }
        #expect(slow.waitForClose())
    }

    @Test("text subprotocol: an outbound line that is not UTF-8 gets U+FFFD; binary gets the bytes")
    func nonUTF8Outbound() throws {
        let server = try Self.server()
        defer { server.stop() }
        let text = try WebSocketTestClient(port: Self.httpPort(server), subprotocols: ["text.ircv3.net"])
        try text.register("text")
        let binary = try WebSocketTestClient(port: Self.httpPort(server), subprotocols: ["binary.ircv3.net"])
        try binary.register("binary")
        try text.expect(":binary JOIN #lobby", skippingOthers: true)
        // An IRC client (USER) may send Latin-1; whether the server relays it is the chat
        // logic's business: if it does, the text client must get valid UTF-8.
        let irc = try server.connect()
        try irc.send("NICK latin")
        try irc.send("USER l 0 * :L")
        try irc.expect(where: { $0.contains(" 001 latin ") })
        try irc.sendRaw(Array("PRIVMSG text :caf".utf8) + [0xE9, 13, 10])
        try irc.sendRaw(Array("PRIVMSG binary :caf".utf8) + [0xE9, 13, 10])
        try irc.send("PRIVMSG text :done")
        let first = try text.expect(where: { $0.contains(" PRIVMSG text :") })
        if first.hasSuffix(":done") {
            // Refused as not UTF-8 (the chat logic's choice today): nothing reached the web.
            try irc.expect(where: { $0.contains("FAIL PRIVMSG INVALID_UTF8") })
            return
        }
        #expect(first.hasSuffix(" PRIVMSG text :caf\u{FFFD}"))
        let frame = try binary.readFrame()
        guard case .binary(let bytes) = frame else {
            Issue.record("expected a binary frame, got \(frame)")
            return
        }
        #expect(bytes.suffix(4) == [0x63, 0x61, 0x66, 0xE9])
    }

    // MARK: Bad WebSocket input

    static let badFrames: [(String, [UInt8], UInt16)] = {
        var unmasked: [UInt8] = []
        WebSocketFrameEncoder.append(.text, Array("NICK x".utf8), to: &unmasked)
        var overCap: [UInt8] = []
        WebSocketFrameEncoder.appendHeader(.binary, length: (16 << 20) + 1, to: &overCap, mask: (1, 2, 3, 4))
        var invalidUTF8: [UInt8] = []
        WebSocketFrameEncoder.append(
            .text, Array("PRIVMSG #lobby :caf".utf8) + [0xE9], to: &invalidUTF8, mask: (1, 2, 3, 4))
        return [
            ("unmasked client frame", unmasked, 1002),
            ("16-bit length under 126", [0x81, 0xFE, 0x00, 0x05, 1, 2, 3, 4], 1002),
            ("64-bit length with the top bit set", [0x82, 0xFF, 0x80, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4], 1002),
            ("reserved bits", [0xF1, 0x80, 1, 2, 3, 4], 1002),
            ("invalid UTF-8 in a text frame", invalidUTF8, 1007),
            ("a frame over the 16 MiB cap", overCap, 1009),
        ]
    }()

    @Test("bad frames close the WebSocket with their code; the others see the QUIT and chat on", arguments: badFrames)
    func badFrame(_ name: String, _ bytes: [UInt8], _ code: UInt16) throws {
        let server = try Self.server()
        defer { server.stop() }
        let alice = try WebSocketTestClient(port: Self.httpPort(server))
        try alice.register("alice")
        let bob = try server.connect()
        try bob.register("bob")
        try alice.expect(":bob JOIN #lobby", skippingOthers: true)
        try alice.sendRaw(bytes)
        let close = try alice.expectClose()
        #expect(close.code == code, "\(name)")
        #expect(alice.waitForClose(), "\(name)")
        try bob.expect(where: { $0.hasPrefix(":alice QUIT :WebSocket error: ") })
        try bob.roundTrip()
    }

    // MARK: HTTP routes and statuses

    @Test("GET / serves the page with its Content-Security-Policy; HEAD the same head without the body")
    func page() throws {
        let server = try Self.server()
        defer { server.stop() }
        let page = try HTTPTestResponse.get(port: Self.httpPort(server), "/")
        #expect(page.status == 200)
        #expect(page.header("Content-Type") == "text/html; charset=utf-8")
        let policy = try #require(page.header("Content-Security-Policy"))
        #expect(policy.contains("default-src 'none'"))
        // The inline script and style the page carries are the ones the policy allows, by hash.
        for element in ["script", "style"] {
            let parts = page.text.components(separatedBy: "<\(element)>")
            let text = try #require(parts.count == 2 ? parts[1].components(separatedBy: "</\(element)>").first : nil)
            let hash = "sha256-" + Base64.encode(Digest.sha256(Array(text.utf8)))
            #expect(policy.contains("\(element)-src '\(hash)'"), "\(element) hash \(hash) not in \(policy)")
        }
        #expect(page.header("X-Content-Type-Options") == "nosniff")
        #expect(page.header("Connection") == "close")
        #expect(page.text.contains("<html"))
        #expect(page.header("Content-Length") == "\(page.body.count)")
        let head = try HTTPTestResponse.get(port: Self.httpPort(server), "/", method: "HEAD")
        #expect(head.status == 200 && head.body.isEmpty && head.header("Content-Length") == "\(page.body.count)")
    }

    static let statuses: [(String, String, Int)] = [
        ("unknown path", "GET /nothing HTTP/1.1\r\nHost: h\r\n\r\n", 404),
        ("POST", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n", 405),
        ("DELETE /ws", "DELETE /ws HTTP/1.1\r\nHost: h\r\n\r\n", 405),
        ("/ws without an Upgrade", "GET /ws HTTP/1.1\r\nHost: h\r\n\r\n", 426),
        (
            "/ws, WebSocket version 8",
            "GET /ws HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 8\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n",
            426
        ),
        (
            "/ws with a short key",
            "GET /ws HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: c2hvcnQ=\r\n\r\n",
            400
        ),
        ("garbage", "\u{16}\u{03}\u{01} hello there\r\n\r\n", 400),
        ("no Host", "GET / HTTP/1.1\r\n\r\n", 400),
        ("a body", "GET / HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\n0123456789", 413),
        (
            "a head over 8 KiB", "GET / HTTP/1.1\r\nHost: h\r\nX-Big: \(String(repeating: "a", count: 9000))\r\n\r\n",
            431
        ),
        ("HTTP/2", "GET / HTTP/2.0\r\nHost: h\r\n\r\n", 505),
        ("/metrics on the public listener", "GET /metrics HTTP/1.1\r\nHost: h\r\n\r\n", 404),
    ]

    @Test("bad requests get their status and the connection closes", arguments: statuses)
    func status(_ name: String, _ request: String, _ status: Int) throws {
        let server = try Self.server()
        defer { server.stop() }
        let response = try HTTPTestResponse.exchange(port: Self.httpPort(server), request)
        #expect(response.status == status, "\(name): \(response)")
        #expect(response.header("Connection") == "close", "\(name)")
        #expect(server.server.connections().isEmpty || waitUntil { server.server.openConnections == 0 })
    }

    @Test("an oversized head is refused as soon as it passes 8 KiB, without waiting for its end")
    func endlessHead() throws {
        let server = try Self.server()
        defer { server.stop() }
        let client = try LineClient(host: "127.0.0.1", port: Self.httpPort(server))
        try client.send(Array("GET / HTTP/1.1\r\nHost: h\r\nX: ".utf8) + Array(repeating: 97, count: 10_000))
        #expect(try client.readLine(timeout: 5) == "HTTP/1.1 431 Request Header Fields Too Large")
    }

    @Test("slowloris: a head not complete in time gets 408 and is closed; a quick one is served")
    func slowloris() throws {
        let server = try Self.server { $0.httpRequestTimeoutMilliseconds = 400 }
        defer { server.stop() }
        let slow = try LineClient(host: "127.0.0.1", port: Self.httpPort(server))
        try slow.send(Array("GET / HTTP/1.1\r\nHost: h\r\n".utf8))
        let started = Posix.monotonicNanoseconds()
        #expect(try slow.readLine(timeout: 5) == "HTTP/1.1 408 Request Timeout")
        #expect(slow.waitForClose(timeout: 5))
        #expect(Posix.monotonicNanoseconds() - started >= 300_000_000)
        #expect(try HTTPTestResponse.get(port: Self.httpPort(server), "/healthz").status == 200)
        #expect(ServerConfiguration().httpRequestTimeoutMilliseconds == 10_000)
    }

    @Test("Origin: same origin and no Origin pass, a foreign one gets 403, --web-origin allows it")
    func origin() throws {
        let server = try Self.server()
        defer { server.stop() }
        let port = Self.httpPort(server)
        _ = try WebSocketTestClient(port: port, origin: "http://127.0.0.1:\(port)")
        _ = try WebSocketTestClient(port: port)
        let foreign = try HTTPTestResponse.exchange(
            port: port, WebSocketTestClient.upgradeRequest(port: port, origin: "https://evil.example"))
        #expect(foreign.status == 403)

        let open = try Self.server { $0.webOrigins = .list(["https://chat.example.org"]) }
        defer { open.stop() }
        let openPort = Self.httpPort(open)
        _ = try WebSocketTestClient(port: openPort, origin: "https://chat.example.org")
        #expect(
            try HTTPTestResponse.exchange(
                port: openPort, WebSocketTestClient.upgradeRequest(port: openPort, origin: "https://evil.example")
            ).status == 403)

        let any = try Self.server { $0.webOrigins = .any }
        defer { any.stop() }
        _ = try WebSocketTestClient(port: Self.httpPort(any), origin: "https://evil.example")
    }

    @Test("/healthz says ok; /metrics is served on the metrics listener only, in Prometheus text")
    func healthAndMetrics() throws {
        let server = try Self.server()
        defer { server.stop() }
        let health = try HTTPTestResponse.get(port: Self.httpPort(server), "/healthz")
        #expect(health.status == 200 && health.text == "ok\n")
        let metricsPort = try #require(server.server.metricsPort)
        #expect(metricsPort != Self.httpPort(server))
        let metrics = try HTTPTestResponse.get(port: metricsPort, "/metrics")
        #expect(metrics.status == 200)
        #expect(metrics.header("Content-Type") == "text/plain; version=0.0.4; charset=utf-8")
        #expect(metrics.text.hasPrefix("#"))
        #expect(try HTTPTestResponse.get(port: metricsPort, "/healthz").status == 200)
        #expect(try HTTPTestResponse.get(port: metricsPort, "/").status == 404)
        #expect(try HTTPTestResponse.get(port: metricsPort, "/ws").status == 404)
    }

    @Test("/metrics over HTTP during traffic: it parses, WebSocket users count by kind, a broadcast moves deliveries exactly")
    func metricsScrapedDuringTraffic() throws {
        let server = try Self.server()
        defer { server.stop() }
        let metricsPort = try #require(server.server.metricsPort)
        let web = try WebSocketTestClient(port: Self.httpPort(server))
        try web.register("webby")
        let nc = try server.connect()
        try nc.register("ncuser")
        try web.expect(":ncuser JOIN #lobby", skippingOthers: true)
        func scrape() throws -> PrometheusExposition {
            let response = try HTTPTestResponse.get(port: metricsPort, "/metrics")
            #expect(response.status == 200)
            return try PrometheusExposition(response.text)
        }
        // Gauges and counters are published at the end of each loop's wakeup: wait for them.
        var before = try scrape()
        #expect(
            waitUntil {
                before = (try? scrape()) ?? before
                return before.value("linechat_connections", ["kind": "websocket", "state": "registered"]) == 1
                    && before.value("linechat_connections", ["kind": "plain", "state": "registered"]) == 1
            })
        let deliveries = try #require(before.value("linechat_deliveries_total"))
        try nc.send("BROADCAST counted")
        try web.expect(":ncuser PRIVMSG #lobby :counted", skippingOthers: true)
        try nc.expect(where: { $0.hasSuffix("PRIVMSG #lobby :counted") })
        // One delivery: the WebSocket user (the sender's own copy is a reply, not a delivery).
        var after = before
        #expect(
            waitUntil {
                after = (try? scrape()) ?? after
                return after.value("linechat_deliveries_total") == deliveries + 1
            }, "deliveries went from \(deliveries) to \(after.value("linechat_deliveries_total") ?? -1)")
        web.close()
        #expect(
            waitUntil {
                after = (try? scrape()) ?? after
                return after.value("linechat_connections", ["kind": "websocket", "state": "registered"]) == 0
            })
    }

    @Test("/healthz says 503 while the server shuts down")
    func healthWhileShuttingDown() throws {
        let server = try Self.server()
        let port = Self.httpPort(server)
        // A user who does not close keeps the loops draining (up to 2 s) after the shutdown.
        let alice = try server.connect()
        try alice.register("alice")
        let stopped = DispatchSemaphore(value: 0)
        Thread {
            server.stop()
            stopped.signal()
        }.start()
        try alice.expect("ERROR :Server shutting down", skippingOthers: true)
        let health = try HTTPTestResponse.get(port: port, "/healthz")
        #expect(health.status == 503)
        #expect(stopped.wait(timeout: .now() + 10) == .success)
    }

    @Test("HTTP connections count against --max-clients: past it a request gets 503")
    func admission() throws {
        let server = try Self.server { $0.maxClients = 1 }
        defer { server.stop() }
        let alice = try server.connect()
        try alice.register("alice")
        let refused = try HTTPTestResponse.get(port: Self.httpPort(server), "/healthz")
        #expect(refused.status == 503)
        #expect(refused.text.contains("Server is full"))
        alice.close()
        #expect(waitUntil { server.server.openConnections == 0 })
        #expect(try HTTPTestResponse.get(port: Self.httpPort(server), "/healthz").status == 200)
    }

    @Test("one listener serves every route when the metrics address is the HTTP one")
    func sharedListener() throws {
        // A fixed port is needed for "the same": pick a free one first.
        let probe = try Self.server()
        let port = Self.httpPort(probe)
        probe.stop()
        let server = try TestServer.start(history: false) {
            $0.httpPort = port
            $0.metricsPort = port
            $0.metricsHost = "127.0.0.1"
        }
        defer { server.stop() }
        #expect(server.server.metricsPort == port)
        #expect(try HTTPTestResponse.get(port: port, "/metrics").status == 200)
        #expect(try HTTPTestResponse.get(port: port, "/").status == 200)
    }
}

/// The HTTP flags of the built `linechat-server`.
@Suite("WebSocket and HTTP server process", .timeLimit(.minutes(10)))
struct WebServerProcessTests {
    @Test("--http-port 0 and --metrics-port 0: the page, /ws with a WebSocket chat user, /metrics apart")
    func flags() throws {
        let server = try ServerProcess(["--no-console", "--http-port", "0", "--metrics-port", "0", "--web-origin", "*"])
        let httpPort = try #require(server.httpPort)
        let metricsPort = try #require(server.metricsPort)
        #expect(httpPort != metricsPort)
        #expect(try HTTPTestResponse.get(port: httpPort, "/").status == 200)
        #expect(try HTTPTestResponse.get(port: httpPort, "/metrics").status == 404)
        #expect(try HTTPTestResponse.get(port: metricsPort, "/metrics").status == 200)
        let web = try WebSocketTestClient(port: httpPort, origin: "https://elsewhere.example")
        try web.register("web")
        let nc = try server.connect()
        try nc.register("nc")
        try nc.send("BROADCAST hi web")
        try web.expect(":nc PRIVMSG #lobby :hi web", skippingOthers: true)
    }

    @Test(
        "bad HTTP flags are usage errors (exit 64)",
        arguments: [
            ["--http-port", "x"], ["--metrics-port", "70000"], ["--web-origin", "evil.example"],
            ["--web-origin", "https://a.example/path"], ["--http-host", ""],
        ])
    func badFlags(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = ServerProcess.productsDirectory.appendingPathComponent("linechat-server")
        process.arguments = ["--no-console", "--no-history"] + arguments
        let stderr = Pipe()
        process.standardError = stderr
        process.standardOutput = Pipe()
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 64)
        let text = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(text.contains(arguments[0]), "\(text)")
    }
}
