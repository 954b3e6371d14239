/// Reads one HTTP/1.x request head from a byte stream, as it arrives, into an `HTTPRequest`.
///
/// Bounded: the head (request line, fields and the empty line that ends them) may be at most
/// `maxHeadBytes`, and the parser never holds more. A request with a body is refused (this
/// server's routes take none), so the head is all there is to read.
///
/// Leading empty lines are skipped (RFC 9112 2.2); lines may end in CRLF or a bare LF.
public struct HTTPRequestParser: Sendable {
    /// The longest request head accepted, in bytes, its final empty line included.
    public static let maxHeadBytes = 8 * 1024
    /// The most header fields accepted.
    public static let maxHeaderCount = 100

    /// Why a request head was refused: each maps to the status the client gets.
    public enum Failure: Error, Equatable, Sendable {
        /// Not HTTP/1.x syntax: 400.
        case malformed(String)
        /// The head passed `maxHeadBytes`, or there were more than `maxHeaderCount` fields: 431.
        case headTooLarge
        /// HTTP/2 or later, or HTTP/0.9: 505.
        case versionNotSupported
        /// The request announces a body (Content-Length above 0, or Transfer-Encoding): 413.
        case bodyNotAccepted

        /// The response status for this failure.
        public var status: HTTPStatus {
            switch self {
            case .malformed: .badRequest
            case .headTooLarge: .requestHeaderFieldsTooLarge
            case .versionNotSupported: .httpVersionNotSupported
            case .bodyNotAccepted: .contentTooLarge
            }
        }
    }

    /// What a `feed` produced.
    public enum Result: Equatable, Sendable {
        /// The head is not complete yet.
        case incomplete
        /// The head, and the bytes that followed it in the input (for example the first
        /// WebSocket frames of an eager client).
        case complete(HTTPRequest, remainder: [UInt8])
        /// The request cannot be served; the parser takes no more input.
        case failed(Failure)
    }

    private var buffer: [UInt8] = []
    private var finished = false

    /// A parser waiting for the start of a request.
    public init() {}

    /// Bytes held for an incomplete head.
    public var bufferedByteCount: Int { buffer.count }

    /// Feeds a chunk of the stream.
    public mutating func feed(_ bytes: some Collection<UInt8>) -> Result {
        guard !finished else { return .failed(.malformed("input after the request head")) }
        let searchFrom = max(0, buffer.count - 3)
        buffer.append(contentsOf: bytes)
        // Empty lines before the request line are not part of the head.
        var skip = 0
        while skip < buffer.count && (buffer[skip] == 13 || buffer[skip] == 10) { skip += 1 }
        if skip > 0 {
            buffer.removeFirst(skip)
        }
        guard let end = Self.headEnd(buffer, from: skip > 0 ? 0 : searchFrom) else {
            if buffer.count >= Self.maxHeadBytes {
                finished = true
                buffer = []
                return .failed(.headTooLarge)
            }
            return .incomplete
        }
        finished = true
        guard end <= Self.maxHeadBytes else {
            buffer = []
            return .failed(.headTooLarge)
        }
        let remainder = Array(buffer[end...])
        let head = buffer[..<end]
        buffer = []
        switch Self.parse(head) {
        case .success(let request): return .complete(request, remainder: remainder)
        case .failure(let failure): return .failed(failure)
        }
    }

    /// The index just past the empty line that ends the head (CRLF CRLF, LF LF, or a mix).
    private static func headEnd(_ bytes: [UInt8], from start: Int) -> Int? {
        var i = start
        while i < bytes.count {
            if bytes[i] == 10 {
                // LF then LF, or LF then CR LF.
                if i + 1 < bytes.count && bytes[i + 1] == 10 { return i + 2 }
                if i + 2 < bytes.count && bytes[i + 1] == 13 && bytes[i + 2] == 10 { return i + 3 }
            }
            i += 1
        }
        return nil
    }

    /// Parses a complete head (its final empty line included).
    static func parse(_ head: ArraySlice<UInt8>) -> Swift.Result<HTTPRequest, Failure> {
        var lines: [ArraySlice<UInt8>] = []
        var start = head.startIndex
        for i in head.indices where head[i] == 10 {
            var line = head[start..<i]
            if line.last == 13 { line = line.dropLast() }
            lines.append(line)
            start = i + 1
        }
        while lines.last?.isEmpty == true { lines.removeLast() }
        guard let requestLine = lines.first else { return .failure(.malformed("no request line")) }
        let parts = requestLine.split(separator: 32, omittingEmptySubsequences: false)
        guard parts.count == 3 else {
            // HTTP/0.9 is a request line of two words.
            if parts.count == 2 && !parts[0].isEmpty && !parts[1].isEmpty { return .failure(.versionNotSupported) }
            return .failure(.malformed("the request line is not: method, target, version"))
        }
        let (methodBytes, targetBytes, versionBytes) = (parts[0], parts[1], parts[2])
        guard !methodBytes.isEmpty, methodBytes.allSatisfy(isTokenByte) else {
            return .failure(.malformed("bad method"))
        }
        guard !targetBytes.isEmpty, targetBytes.allSatisfy({ $0 > 32 && $0 < 127 }),
            targetBytes.first == 47 || (targetBytes.count == 1 && targetBytes.first == 42)
        else { return .failure(.malformed("bad request target")) }
        let version = Array(versionBytes)
        let prefix = Array("HTTP/".utf8)
        guard version.count == 8, Array(version[0..<5]) == prefix, version[6] == 46,
            (48...57).contains(version[5]), (48...57).contains(version[7])
        else { return .failure(.malformed("bad HTTP version")) }
        guard version[5] == 49 else { return .failure(.versionNotSupported) }
        let minor = Int(version[7] - 48)

        var headers: [(name: String, value: String)] = []
        for line in lines.dropFirst() {
            guard headers.count < maxHeaderCount else { return .failure(.headTooLarge) }
            guard let first = line.first, first != 32, first != 9 else {
                return .failure(.malformed(line.isEmpty ? "empty header line" : "folded header line"))
            }
            guard let colon = line.firstIndex(of: 58) else {
                return .failure(.malformed("header line without a colon"))
            }
            let name = line[line.startIndex..<colon]
            guard !name.isEmpty, name.allSatisfy(isTokenByte) else { return .failure(.malformed("bad header name")) }
            var value = line[(colon + 1)...]
            while let b = value.first, b == 32 || b == 9 { value = value.dropFirst() }
            while let b = value.last, b == 32 || b == 9 { value = value.dropLast() }
            guard value.allSatisfy({ $0 >= 32 && $0 != 127 || $0 == 9 }) else {
                return .failure(.malformed("control character in a header value"))
            }
            headers.append((String(decoding: name, as: UTF8.self), String(decoding: value, as: UTF8.self)))
        }
        let request = HTTPRequest(
            method: String(decoding: methodBytes, as: UTF8.self), target: String(decoding: targetBytes, as: UTF8.self),
            minorVersion: minor, headers: headers)
        if minor >= 1 {
            let hosts = headers.filter { ASCII.equalIgnoringCase($0.name, "host") }
            guard hosts.count == 1 else { return .failure(.malformed("HTTP/1.1 needs exactly one Host field")) }
        }
        if request.header("transfer-encoding") != nil { return .failure(.bodyNotAccepted) }
        let lengths = headers.filter { ASCII.equalIgnoringCase($0.name, "content-length") }.map(\.value)
        for length in lengths {
            guard !length.isEmpty, length.utf8.allSatisfy({ (48...57).contains($0) }) else {
                return .failure(.malformed("bad Content-Length"))
            }
            if length.utf8.contains(where: { $0 != 48 }) { return .failure(.bodyNotAccepted) }
        }
        return .success(request)
    }

    /// RFC 9110 tchar.
    static func isTokenByte(_ b: UInt8) -> Bool {
        switch b {
        case 48...57, 65...90, 97...122: true
        case 33, 35, 36, 37, 38, 39, 42, 43, 45, 46, 94, 95, 96, 124, 126: true
        default: false
        }
    }
}
