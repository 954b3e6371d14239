/// An HTTP/1.x request head: the request line and the header fields, as sent.
public struct HTTPRequest: Sendable, Equatable {
    /// The method token, case as sent (methods are case-sensitive: `get` is not `GET`).
    public var method: String
    /// The request target: `/ws`, `/metrics?x=1`.
    public var target: String
    /// 0 for HTTP/1.0, 1 for HTTP/1.1.
    public var minorVersion: Int
    /// Header fields in order, names as sent, values with surrounding blanks removed.
    public var headers: [(name: String, value: String)]

    /// A request head with these parts (the parser makes them; tests too).
    public init(method: String, target: String, minorVersion: Int, headers: [(name: String, value: String)]) {
        self.method = method
        self.target = target
        self.minorVersion = minorVersion
        self.headers = headers
    }

    /// The target without its query string.
    public var path: Substring { target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)[0] }

    /// The value of the first field named `name` (any case), if any.
    public func header(_ name: String) -> String? {
        headers.first { ASCII.equalIgnoringCase($0.name, name) }?.value
    }

    /// Every value of the fields named `name`, split at commas into trimmed list elements
    /// (`Connection: keep-alive, Upgrade` gives both).
    public func listHeader(_ name: String) -> [Substring] {
        headers.filter { ASCII.equalIgnoringCase($0.name, name) }.flatMap {
            $0.value.split(separator: ",").map { ASCII.trimmed($0) }.filter { !$0.isEmpty }
        }
    }

    /// Whether the list field `name` holds `token` (any case).
    public func listHeader(_ name: String, contains token: String) -> Bool {
        listHeader(name).contains { ASCII.equalIgnoringCase($0, token) }
    }

    /// Equal parts, fields compared in order.
    public static func == (a: HTTPRequest, b: HTTPRequest) -> Bool {
        a.method == b.method && a.target == b.target && a.minorVersion == b.minorVersion
            && a.headers.map(\.name) == b.headers.map(\.name) && a.headers.map(\.value) == b.headers.map(\.value)
    }
}

/// ASCII-only text helpers (HTTP's tokens and field names are ASCII).
enum ASCII {
    static func lowered(_ byte: UInt8) -> UInt8 { byte >= 65 && byte <= 90 ? byte | 0x20 : byte }

    static func equalIgnoringCase(_ a: some StringProtocol, _ b: some StringProtocol) -> Bool {
        a.utf8.count == b.utf8.count && zip(a.utf8, b.utf8).allSatisfy { lowered($0) == lowered($1) }
    }

    static func trimmed(_ text: Substring) -> Substring {
        var text = text
        while let first = text.first, first == " " || first == "\t" { text.removeFirst() }
        while let last = text.last, last == " " || last == "\t" { text.removeLast() }
        return text
    }
}
