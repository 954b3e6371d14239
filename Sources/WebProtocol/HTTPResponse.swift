/// An HTTP/1.1 response, written out in one piece.
public struct HTTPResponse: Sendable {
    /// The status line's code and reason.
    public var status: HTTPStatus
    /// Fields besides Content-Length, Date-less by design (no clock in a pure target).
    public var headers: [(name: String, value: String)]
    /// The body, sent with its Content-Length.
    public var body: [UInt8]

    /// A response with these fields and body.
    public init(status: HTTPStatus, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A short plain-text response: the status line's text or `text`, and `Connection: close`.
    public static func text(_ status: HTTPStatus, _ text: String? = nil, headers: [(name: String, value: String)] = [])
        -> HTTPResponse
    {
        HTTPResponse(
            status: status,
            headers: [("Content-Type", "text/plain; charset=utf-8"), ("Connection", "close")] + headers,
            body: Array((text ?? status.description).utf8) + [10])
    }

    /// The response's bytes. With `includingBody` false (a HEAD request) the body is left out
    /// but Content-Length still gives its length. A 101 has neither.
    public func serialized(includingBody: Bool = true) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(128 + body.count)
        out += Array("HTTP/1.1 \(status.code) \(status.reason)\r\n".utf8)
        for (name, value) in headers { out += Array("\(name): \(value)\r\n".utf8) }
        if status.code != 101 && status.code != 204 && status.code != 304 {
            out += Array("Content-Length: \(body.count)\r\n".utf8)
        }
        out += [13, 10]
        if includingBody { out += body }
        return out
    }
}
