import ChatCore
import LineProtocol
import Platform
import TLS
import WebClient
import WebProtocol

/// HTTP and WebSocket connections: the request head, the routes, the upgrade, WebSocket
/// messages as lines, and framed output. A WebSocket user is then a chat connection like any
/// other: the same flood control, line limit, sendq, registry and rooms.
///
/// Routes (PROTOCOL.md, "The web side"): `GET /` the page, `GET /ws` (or `GET /` with an
/// Upgrade) the WebSocket, `GET /healthz`, and `GET /metrics` on the metrics listener. Every
/// response but the 101 closes the connection after it (`Connection: close`).
extension EventLoop {
    // MARK: Reading

    /// A readiness event for an open connection from an HTTP listener.
    func readableWeb(_ connection: Connection, _ web: WebConnection, _ readiness: Epoll.Events) {
        if connection.flood.isThrottled && readiness.isDisjoint(with: [.hangup, .error]) { return }
        let count: Int
        do {
            switch try Posix.read(connection.fd, readBuffer) {
            case .wouldBlock: return
            case .done(let n): count = n
            }
        } catch {
            requestClose(
                connection,
                .gone(quitReason: error.isConnectionReset ? "Connection reset by peer" : "Read error: \(error.reason)"))
            return
        }
        guard count > 0 else {
            requestClose(connection, .gone(quitReason: "Connection closed"), reason: .closed)
            return
        }
        connection.bytesIn += count
        statistics.bytesIn += count
        let bytes = UnsafeRawBufferPointer(rebasing: readBuffer[..<count])
        switch web.phase {
        case .request:
            switch web.parser.feed(bytes) {
            case .incomplete: return
            case .failed(let failure):
                respond(connection, web, .text(failure.status), headOnly: false, log: "\(failure)")
            case .complete(let request, let remainder):
                serve(request, remainder: remainder, connection, web)
            }
        case .websocket:
            receivedWebSocket(bytes, from: connection, web)
        case .responding:
            return
        }
    }

    /// Routes a complete request head.
    private func serve(_ request: HTTPRequest, remainder: [UInt8], _ connection: Connection, _ web: WebConnection) {
        requestDeadlines.remove(connection)
        let headOnly = request.method == "HEAD"
        guard request.method == "GET" || headOnly else {
            respond(
                connection, web, .text(.methodNotAllowed, headers: [("Allow", "GET, HEAD")]), headOnly: false,
                request: request)
            return
        }
        let path = request.path
        let servesChat = web.routes.contains(.chat)
        if servesChat && (path == "/ws" || (path == "/" && WebSocketHandshake.isUpgradeRequest(request))) {
            // irctest and some clients open the WebSocket on "/".
            openWebSocket(request, remainder: remainder, connection, web)
            return
        }
        let response: HTTPResponse
        switch path {
        case "/" where servesChat:
            response = HTTPResponse(
                status: .ok,
                headers: [
                    ("Content-Type", "text/html; charset=utf-8"),
                    ("Content-Security-Policy", WebClientPolicy.header),
                    ("X-Content-Type-Options", "nosniff"), ("Referrer-Policy", "no-referrer"),
                    ("Cache-Control", "no-cache"), ("Connection", "close"),
                ], body: WebClientPage.html)
        case "/healthz":
            response = shutdownDeadline == nil ? .text(.ok, "ok") : .text(.serviceUnavailable, "shutting down")
        case "/metrics" where web.routes.contains(.metrics):
            response = HTTPResponse(
                status: .ok,
                headers: [("Content-Type", "text/plain; version=0.0.4; charset=utf-8"), ("Connection", "close")],
                body: state.metricsExposition())
        default:
            response = .text(.notFound)
        }
        respond(connection, web, response, headOnly: headOnly, request: request)
    }

    /// Queues `response` and closes the connection once it is sent.
    func respond(
        _ connection: Connection, _ web: WebConnection, _ response: HTTPResponse, headOnly: Bool, log: String? = nil,
        request: HTTPRequest? = nil
    ) {
        requestDeadlines.remove(connection)
        web.wire += response.serialized(includingBody: !headOnly)
        web.phase = .responding
        let what = request.map { "\($0.method) \($0.target)" } ?? "-"
        state.logger.log(
            response.status.code < 400 ? .debug : .info,
            "HTTP \(connection.session.address) \(what) \(response.status.code)\(log.map { " (\($0))" } ?? "")")
        requestClose(connection, .error(response.status.description, quitReason: "HTTP"), reason: .closed)
    }

    // MARK: WebSocket

    private func openWebSocket(
        _ request: HTTPRequest, remainder: [UInt8], _ connection: Connection, _ web: WebConnection
    ) {
        guard request.method == "GET" else {
            respond(
                connection, web, .text(.methodNotAllowed, headers: [("Allow", "GET")]), headOnly: true, request: request
            )
            return
        }
        guard originAllowed(request) else {
            respond(
                connection, web, .text(.forbidden, "403 Forbidden: this page's origin may not open a WebSocket here"),
                headOnly: false, log: "Origin \(request.header("origin") ?? "")", request: request)
            return
        }
        let upgrade: WebSocketHandshake.Upgrade
        switch WebSocketHandshake.validate(request) {
        case .failure(let refusal):
            respond(connection, web, refusal.response, headOnly: false, request: request)
            return
        case .success(let valid):
            upgrade = valid
        }
        web.wire += WebSocketHandshake.response(for: upgrade, sha1: Digest.sha1).serialized()
        web.phase = .websocket
        refreshGauge(connection)  // its kind is now WebSocket
        web.isBinary = upgrade.isBinary
        state.logger.info(
            "connected \(connection.session.address) (WebSocket\(upgrade.subprotocol.map { ", \($0.rawValue)" } ?? ""))"
        )
        startChat(connection)
        markDirty(connection)
        if !remainder.isEmpty { remainder.withUnsafeBytes { receivedWebSocket($0, from: connection, web) } }
    }

    /// Whether the page that asks for a WebSocket may (see `WebOrigins`).
    func originAllowed(_ request: HTTPRequest) -> Bool {
        guard let origin = request.header("origin") else { return true }
        let sameOrigin: Bool
        if let host = request.header("host"), let separator = origin.range(of: "://") {
            sameOrigin = origin[separator.upperBound...].lowercased() == host.lowercased()
        } else {
            sameOrigin = false
        }
        switch configuration.webOrigins {
        case .any: return true
        case .sameOrigin: return sameOrigin
        case .list(let allowed):
            return sameOrigin || allowed.contains { $0.lowercased() == origin.lowercased() }
        }
    }

    /// Decodes frames; each text or binary message is one line for the chat logic.
    func receivedWebSocket(_ bytes: UnsafeRawBufferPointer, from connection: Connection, _ web: WebConnection) {
        let lineLimit =
            configuration.maxLineBytes + (connection.capabilities.contains(.messageTags) ? Limits.tagAllowanceBytes : 0)
        web.decoder.maxMessageBytes = lineLimit
        let discardedBefore = web.decoder.discardedByteCount
        web.decoder.feed(bytes) { event in
            guard connection.isOpen else { return }
            switch event {
            case .message(_, let payload):
                // The line limit counts a CRLF, which a message does not carry. A CR or LF inside
                // is refused by the chat logic like any control character.
                takeLine(payload.count + 2 > lineLimit ? .overlong : .line(payload), from: connection)
            case .overlong:
                takeLine(.overlong, from: connection)
            case .ping(let payload):
                web.appendControl(.pong, payload)
                markDirty(connection)
            case .pong:
                break
            case .close(let code, _):
                // Echo the client's code, and say nothing more.
                web.closeCode = code ?? .normal
                web.sendsErrorLine = false
                requestClose(connection, .error("Connection closed", quitReason: "Connection closed"), reason: .closed)
            case .failure(let code, let reason):
                web.closeCode = code
                web.closeReason = reason
                web.sendsErrorLine = false
                state.logger.info("WebSocket error from \(connection.logName): \(reason) (close \(code))")
                requestClose(connection, .error(reason, quitReason: "WebSocket error: \(reason)"))
            }
        }
        // Overlong messages are charged to flood control as overlong lines are (EventLoop+Input).
        let discarded = web.decoder.discardedByteCount - discardedBefore
        if discarded > 0 && !chargeDiscardedInput(connection, bytes: discarded) { return }
        if connection.flood.isThrottled { checkBacklog(connection) }
    }

    // MARK: Writing

    /// `flush` for a connection from an HTTP listener: frames the queued lines (WebSocket),
    /// then sends `wire`. Ends a closing WebSocket with its close frame.
    func flushWeb(_ connection: Connection, _ web: WebConnection) {
        while true {
            if !web.hasWire && web.phase == .websocket {
                if !connection.output.isEmpty {
                    let used = web.frameLines(connection.output.pending)
                    connection.output.consume(used)
                    queuedOutputBytes -= used
                }
                if !web.hasWire && connection.output.isEmpty && connection.lifecycle == .flushingLastLine
                    && !web.closeFrameQueued
                {
                    web.closeFrameQueued = true
                    web.appendControl(
                        .close, WebSocketFrameEncoder.closePayload(web.closeCode, reason: web.closeReason))
                }
            }
            guard web.hasWire else { break }
            switch ByteIO.send(connection.fd, web.wire, from: web.wireStart) {
            case .success(.done(let n)):
                web.consumeWire(n)
                connection.bytesOut += n
                statistics.bytesOut += n
                bytesSentSinceTrim += n
            case .success(.wouldBlock):
                updateInterest(connection)
                return
            case .failure(let error):
                discardOutput(of: connection)
                requestClose(
                    connection,
                    .gone(
                        quitReason: error.isConnectionReset
                            ? "Connection reset by peer" : "Write error: \(error.reason)"))
                return
            }
        }
        if connection.output.isEmpty { keepDrainedOutput(connection) }
        if connection.lifecycle == .flushingLastLine && (web.phase != .websocket || web.closeFrameQueued) {
            lastLineSent(connection)
        }
        updateInterest(connection)
    }
}
