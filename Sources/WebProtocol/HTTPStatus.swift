/// An HTTP status code and its reason phrase.
public struct HTTPStatus: Sendable, Equatable, CustomStringConvertible {
    /// The three-digit code: 404.
    public let code: Int
    /// The reason phrase: Not Found.
    public let reason: String

    /// A status with its code and reason phrase.
    public init(_ code: Int, _ reason: String) {
        self.code = code
        self.reason = reason
    }

    /// `404 Not Found`.
    public var description: String { "\(code) \(reason)" }

    // The statuses this server sends (RFC 9110 section 15).
    /// 101.
    public static let switchingProtocols = HTTPStatus(101, "Switching Protocols")
    /// 200.
    public static let ok = HTTPStatus(200, "OK")
    /// 400.
    public static let badRequest = HTTPStatus(400, "Bad Request")
    /// 403.
    public static let forbidden = HTTPStatus(403, "Forbidden")
    /// 404.
    public static let notFound = HTTPStatus(404, "Not Found")
    /// 405.
    public static let methodNotAllowed = HTTPStatus(405, "Method Not Allowed")
    /// 408.
    public static let requestTimeout = HTTPStatus(408, "Request Timeout")
    /// 413.
    public static let contentTooLarge = HTTPStatus(413, "Content Too Large")
    /// 426.
    public static let upgradeRequired = HTTPStatus(426, "Upgrade Required")
    /// 431.
    public static let requestHeaderFieldsTooLarge = HTTPStatus(431, "Request Header Fields Too Large")
    /// 503.
    public static let serviceUnavailable = HTTPStatus(503, "Service Unavailable")
    /// 505.
    public static let httpVersionNotSupported = HTTPStatus(505, "HTTP Version Not Supported")
}
