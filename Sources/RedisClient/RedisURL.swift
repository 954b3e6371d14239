import Platform

/// Where a Redis server is and how to log in: `redis://[[user]:password@]host[:port][/db]`.
///
/// The user and password may be percent-encoded (`%40` for `@`), and need not be: the host
/// starts after the last `@`, so a password holding `/`, `?` or `@` still parses. A `%` in a
/// password must be written `%25`. An IPv6 host goes in brackets (`redis://[::1]:6380`).
/// `description` never shows the password.
public struct RedisURL: Sendable, Equatable, CustomStringConvertible {
    /// The port when the URL names none.
    public static let defaultPort = 6379
    /// The longest password file `readPassword(fromFile:)` reads.
    public static let maxPasswordFileBytes = 64 << 10

    /// A host name or a numeric IPv4 or IPv6 address (without brackets).
    public var host: String
    /// The TCP port, 6379 unless the URL says otherwise.
    public var port: Int
    /// The ACL user for `AUTH user password`; nil logs in as the default user.
    public var user: String?
    /// nil: no AUTH at all.
    public var password: String?
    /// The database to SELECT after connecting; nil keeps the server's default (0).
    public var database: Int?

    public init(
        host: String, port: Int = RedisURL.defaultPort, user: String? = nil, password: String? = nil,
        database: Int? = nil
    ) {
        self.host = host
        self.port = port
        self.user = user
        self.password = password
        self.database = database
    }

    /// Parses `redis://[[user]:password@]host[:port][/db]`.
    public init(parsing text: String) throws(RedisURLError) {
        guard let schemeEnd = text.firstRange(of: "://") else { throw .missingScheme }
        let scheme = text[..<schemeEnd.lowerBound].lowercased()
        guard scheme == "redis" else { throw .unsupportedScheme(scheme) }
        var rest = text[schemeEnd.upperBound...]

        if let at = rest.lastIndex(of: "@") {
            let userInfo = rest[..<at]
            rest = rest[rest.index(after: at)...]
            guard let colon = userInfo.firstIndex(of: ":") else { throw .missingPassword }
            let user = try Self.percentDecoded(userInfo[..<colon])
            let password = try Self.percentDecoded(userInfo[userInfo.index(after: colon)...])
            self.user = user.isEmpty ? nil : user
            self.password = password.isEmpty ? nil : password
        } else {
            user = nil
            password = nil
        }

        if rest.contains(where: { $0 == "?" || $0 == "#" }) { throw .unsupportedQuery }
        let pathStart = rest.firstIndex(of: "/") ?? rest.endIndex
        var hostPort = rest[..<pathStart]
        let path = rest[pathStart...]

        var portText: Substring?
        if hostPort.hasPrefix("[") {
            guard let close = hostPort.firstIndex(of: "]") else { throw .invalidHost(String(hostPort)) }
            let after = hostPort[hostPort.index(after: close)...]
            if after.hasPrefix(":") {
                portText = after.dropFirst()
            } else if !after.isEmpty {
                throw .invalidHost(String(hostPort))
            }
            hostPort = hostPort[hostPort.index(after: hostPort.startIndex)..<close]
        } else if let colon = hostPort.firstIndex(of: ":") {
            portText = hostPort[hostPort.index(after: colon)...]
            hostPort = hostPort[..<colon]
        }
        guard !hostPort.isEmpty else { throw .missingHost }
        guard !hostPort.contains(where: { $0 == "[" || $0 == "]" || $0 == " " }) else {
            throw .invalidHost(String(hostPort))
        }
        host = String(hostPort)

        if let portText {
            guard let port = Self.decimal(portText), (1...65535).contains(port) else {
                throw .invalidPort(String(portText))
            }
            self.port = port
        } else {
            port = Self.defaultPort
        }

        let databaseText = path.dropFirst()
        if databaseText.isEmpty {
            database = nil
        } else {
            guard let database = Self.decimal(databaseText), database <= Int(Int32.max) else {
                throw .invalidDatabase(String(databaseText))
            }
            self.database = database
        }
    }

    /// The password in the file at `path` (a secret mounted as a file, say), without the line
    /// end or ends after it. The file must be UTF-8 and not empty.
    public static func readPassword(fromFile path: String) throws(RedisURLError) -> String {
        let bytes: [UInt8]
        do {
            bytes = try Posix.readFile(path, maxBytes: maxPasswordFileBytes)
        } catch {
            throw .unreadablePasswordFile(path: path, reason: error.reason)
        }
        var end = bytes.endIndex
        while end > 0 && (bytes[end - 1] == 10 || bytes[end - 1] == 13) { end -= 1 }
        guard end > 0 else { throw .emptyPasswordFile(path: path) }
        guard let password = String(validating: bytes[..<end], as: UTF8.self) else {
            throw .unreadablePasswordFile(path: path, reason: "not UTF-8")
        }
        return password
    }

    /// The URL with the password shown as `***`.
    public var description: String {
        var text = "redis://"
        if user != nil || password != nil { text += "\(user ?? ""):\(password == nil ? "" : "***")@" }
        text += host.contains(":") ? "[\(host)]" : host
        if port != Self.defaultPort { text += ":\(port)" }
        if let database { text += "/\(database)" }
        return text
    }

    /// Decimal digits only (no sign), as a number that fits in an Int.
    private static func decimal(_ text: Substring) -> Int? {
        guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), text.utf8.count <= 18 else { return nil }
        return Int(text)
    }

    /// `text` with each `%XX` replaced by the byte it stands for; the result must be UTF-8.
    private static func percentDecoded(_ text: Substring) throws(RedisURLError) -> String {
        guard text.contains("%") else { return String(text) }
        let bytes = Array(text.utf8)
        var decoded: [UInt8] = []
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "%") {
                guard index + 2 < bytes.count, let high = hexValue(bytes[index + 1]),
                    let low = hexValue(bytes[index + 2])
                else { throw .invalidPercentEncoding }
                decoded.append(high << 4 | low)
                index += 3
            } else {
                decoded.append(bytes[index])
                index += 1
            }
        }
        guard let string = String(validating: decoded, as: UTF8.self) else { throw .invalidPercentEncoding }
        return string
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
