import Testing
import WebProtocol

@Suite("HTTPRequestParser")
struct HTTPRequestParserTests {
    static func parse(_ text: String) -> HTTPRequestParser.Result {
        var parser = HTTPRequestParser()
        return parser.feed(Array(text.utf8))
    }

    @Test(
        "a GET with fields, CRLF or LF line ends, leading empty lines skipped",
        arguments: [
            "GET /ws?x=1 HTTP/1.1\r\nHost: example.org\r\nUpgrade:  websocket \r\n\r\n",
            "GET /ws?x=1 HTTP/1.1\nHost: example.org\nUpgrade: websocket\n\n",
            "\r\n\r\nGET /ws?x=1 HTTP/1.1\r\nHost: example.org\nUpgrade:\twebsocket\r\n\n",
        ])
    func parsesGet(_ text: String) throws {
        guard case .complete(let request, let remainder) = Self.parse(text) else {
            Issue.record("not complete: \(Self.parse(text))")
            return
        }
        #expect(request.method == "GET")
        #expect(request.target == "/ws?x=1")
        #expect(request.path == "/ws")
        #expect(request.minorVersion == 1)
        #expect(request.header("HOST") == "example.org")
        #expect(request.header("upgrade") == "websocket")
        #expect(remainder.isEmpty)
    }

    @Test("fed one byte at a time, the head completes once; bytes after it are handed back")
    func byteAtATime() {
        var parser = HTTPRequestParser()
        let bytes = Array("GET / HTTP/1.0\r\nA: b\r\n\r\nextra".utf8)
        var results: [HTTPRequestParser.Result] = []
        for (i, byte) in bytes.enumerated() {
            let result = parser.feed([byte])
            if result != .incomplete {
                results.append(result)
                #expect(i == bytes.count - 6)
                let rest = parser.feed([])
                #expect(rest != .incomplete)
                break
            }
        }
        #expect(results.count == 1)
        var whole = HTTPRequestParser()
        guard case .complete(let request, let remainder) = whole.feed(bytes) else {
            Issue.record("not complete")
            return
        }
        #expect(request.minorVersion == 0 && request.headers.count == 1)
        #expect(remainder == Array("extra".utf8))
    }

    @Test("list fields split at commas, any case")
    func listFields() throws {
        guard
            case .complete(let request, _) = Self.parse(
                "GET / HTTP/1.1\r\nHost: h\r\nConnection: keep-alive, Upgrade\r\nSec-WebSocket-Protocol: a, b\r\n"
                    + "sec-websocket-protocol: c\r\n\r\n")
        else {
            Issue.record("not complete")
            return
        }
        #expect(request.listHeader("connection", contains: "upgrade"))
        #expect(request.listHeader("Sec-WebSocket-Protocol") == ["a", "b", "c"])
    }

    static let failures: [(String, HTTPRequestParser.Failure)] = [
        ("GET /\r\n\r\n", .versionNotSupported),
        ("GET / HTTP/2.0\r\nHost: h\r\n\r\n", .versionNotSupported),
        ("GET / HTTP/1.1\r\n\r\n", .malformed("HTTP/1.1 needs exactly one Host field")),
        ("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", .malformed("HTTP/1.1 needs exactly one Host field")),
        ("GET  / HTTP/1.1\r\nHost: h\r\n\r\n", .malformed("the request line is not: method, target, version")),
        ("GET / HTTP/1.1 x\r\nHost: h\r\n\r\n", .malformed("the request line is not: method, target, version")),
        ("G(T / HTTP/1.1\r\nHost: h\r\n\r\n", .malformed("bad method")),
        ("GET ws HTTP/1.1\r\nHost: h\r\n\r\n", .malformed("bad request target")),
        ("GET / HTTX/1.1\r\nHost: h\r\n\r\n", .malformed("bad HTTP version")),
        ("GET / HTTP/1.1\r\nHost: h\r\n folded\r\n\r\n", .malformed("folded header line")),
        ("GET / HTTP/1.1\r\nHost h\r\n\r\n", .malformed("header line without a colon")),
        ("GET / HTTP/1.1\r\nHo st: h\r\n\r\n", .malformed("bad header name")),
        ("GET / HTTP/1.1\r\nHost: h\u{1B}\r\n\r\n", .malformed("control character in a header value")),
        ("GET / HTTP/1.1\r\nHost: h\r\nContent-Length: x\r\n\r\n", .malformed("bad Content-Length")),
        ("GET / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\n", .bodyNotAccepted),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n", .bodyNotAccepted),
    ]

    @Test("malformed heads are refused with the right failure", arguments: failures)
    func refuses(_ text: String, _ failure: HTTPRequestParser.Failure) {
        #expect(Self.parse(text) == .failed(failure))
    }

    @Test("failures map to 400, 413, 431 and 505")
    func statuses() {
        #expect(HTTPRequestParser.Failure.malformed("x").status.code == 400)
        #expect(HTTPRequestParser.Failure.bodyNotAccepted.status.code == 413)
        #expect(HTTPRequestParser.Failure.headTooLarge.status.code == 431)
        #expect(HTTPRequestParser.Failure.versionNotSupported.status.code == 505)
    }

    @Test("Content-Length: 0 is no body")
    func zeroLength() {
        guard case .complete = Self.parse("GET / HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n") else {
            Issue.record("refused")
            return
        }
    }

    @Test("a head over 8 KiB fails with 431 as soon as it passes the limit, fed in pieces or whole")
    func headTooLarge() {
        var parser = HTTPRequestParser()
        #expect(parser.feed(Array("GET / HTTP/1.1\r\nHost: h\r\n".utf8)) == .incomplete)
        var result = HTTPRequestParser.Result.incomplete
        var fed = 0
        while result == .incomplete {
            result = parser.feed(Array("X-Filler: \(String(repeating: "a", count: 90))\r\n".utf8))
            fed += 1
            #expect(parser.bufferedByteCount <= HTTPRequestParser.maxHeadBytes + 128)
        }
        #expect(result == .failed(.headTooLarge))
        #expect(fed < 90)
        let whole = "GET / HTTP/1.1\r\nHost: h\r\nX: \(String(repeating: "a", count: 9000))\r\n\r\n"
        #expect(Self.parse(whole) == .failed(.headTooLarge))
        let many = "GET / HTTP/1.1\r\nHost: h\r\n" + String(repeating: "A: b\r\n", count: 101) + "\r\n"
        #expect(Self.parse(many) == .failed(.headTooLarge))
    }

    @Test("a response has its status line, fields and Content-Length; HEAD leaves the body out")
    func response() {
        let response = HTTPResponse(status: .ok, headers: [("Content-Type", "text/plain")], body: Array("ok\n".utf8))
        #expect(
            String(decoding: response.serialized(), as: UTF8.self)
                == "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 3\r\n\r\nok\n")
        #expect(
            String(decoding: response.serialized(includingBody: false), as: UTF8.self)
                == "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 3\r\n\r\n")
    }
}
