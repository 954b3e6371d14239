/// The server side of the WebSocket opening handshake (RFC 6455 section 4.2) with the IRCv3
/// subprotocols (https://ircv3.net/specs/extensions/websocket).
public enum WebSocketHandshake {
    /// The GUID RFC 6455 appends to the client's key before hashing.
    public static let guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

    /// How IRC lines travel in messages.
    public enum Subprotocol: String, Sendable, Equatable, CaseIterable {
        /// `text.ircv3.net`: text messages; lines that are not UTF-8 get U+FFFD.
        case text = "text.ircv3.net"
        /// `binary.ircv3.net`: binary messages, bytes as they are.
        case binary = "binary.ircv3.net"
    }

    /// A valid upgrade request: what the 101 needs.
    public struct Upgrade: Sendable, Equatable {
        /// The client's Sec-WebSocket-Key, as sent.
        public let key: String
        /// The subprotocol chosen (the first the client lists that we speak), nil when the
        /// client asked for none we know: lines then go as text, and no header is sent.
        public let subprotocol: Subprotocol?

        /// Whether lines go out as binary messages.
        public var isBinary: Bool { subprotocol == .binary }
    }

    /// Why an upgrade was refused, and the status that says so.
    public enum Refusal: Error, Equatable, Sendable {
        /// No `Upgrade: websocket` (with `Connection: upgrade`): 426 with `Upgrade: websocket`.
        case notAnUpgrade
        /// Sec-WebSocket-Version is not 13: 426 with `Sec-WebSocket-Version: 13`.
        case unsupportedVersion
        /// Sec-WebSocket-Key missing or not 16 bytes in base64, or HTTP/1.0: 400.
        case badRequest(String)

        /// The response that tells the client.
        public var response: HTTPResponse {
            switch self {
            case .notAnUpgrade:
                .text(
                    .upgradeRequired, "426 Upgrade Required: this is a WebSocket endpoint",
                    headers: [("Upgrade", "websocket")])
            case .unsupportedVersion:
                .text(
                    .upgradeRequired, "426 Upgrade Required: WebSocket version 13 only",
                    headers: [("Sec-WebSocket-Version", "13")])
            case .badRequest(let why): .text(.badRequest, "400 Bad Request: \(why)")
            }
        }
    }

    /// Whether the request asks for a WebSocket at all (an `Upgrade: websocket` field).
    public static func isUpgradeRequest(_ request: HTTPRequest) -> Bool {
        request.listHeader("upgrade", contains: "websocket")
    }

    /// Checks a GET request for a WebSocket upgrade.
    public static func validate(_ request: HTTPRequest) -> Swift.Result<Upgrade, Refusal> {
        guard isUpgradeRequest(request), request.listHeader("connection", contains: "upgrade") else {
            return .failure(.notAnUpgrade)
        }
        guard request.minorVersion >= 1 else { return .failure(.badRequest("WebSocket needs HTTP/1.1")) }
        guard request.header("sec-websocket-version") == "13" else { return .failure(.unsupportedVersion) }
        guard let key = request.header("sec-websocket-key"), Base64.decode(key)?.count == 16 else {
            return .failure(.badRequest("Sec-WebSocket-Key must be 16 bytes in base64"))
        }
        let offered = request.listHeader("sec-websocket-protocol")
        let chosen = offered.lazy.compactMap { Subprotocol(rawValue: String($0).lowercased()) }.first
        return .success(Upgrade(key: key, subprotocol: chosen))
    }

    /// Sec-WebSocket-Accept for `key`: base64(SHA-1(key + GUID)). `sha1` is the caller's
    /// (OpenSSL's): this target writes no cryptography.
    public static func acceptValue(key: String, sha1: ([UInt8]) -> [UInt8]) -> String {
        Base64.encode(sha1(Array((key + guid).utf8)))
    }

    /// The 101 response for `upgrade`.
    public static func response(for upgrade: Upgrade, sha1: ([UInt8]) -> [UInt8]) -> HTTPResponse {
        var headers: [(name: String, value: String)] = [
            ("Upgrade", "websocket"), ("Connection", "Upgrade"),
            ("Sec-WebSocket-Accept", acceptValue(key: upgrade.key, sha1: sha1)),
        ]
        if let subprotocol = upgrade.subprotocol { headers.append(("Sec-WebSocket-Protocol", subprotocol.rawValue)) }
        return HTTPResponse(status: .switchingProtocols, headers: headers)
    }
}
