/// One line a server sent, split into its parts:
/// `[":" source SP] command *(SP param) [SP ":" trailing]`, the IRC shape `ServerLine`
/// formats. Parsing is one linear pass over the line and fails only on a line with no
/// command: a client shows what it does not understand rather than drop it.
public struct ServerMessage: Equatable, Sendable {
    /// Who the line is from: a nickname or the server's name. Nil when the line has no prefix
    /// (`ERROR :...`). For an IRC-style `nick!user@host` source this is the whole prefix; see
    /// `sourceNick`.
    public var source: String?
    /// The verb in ASCII upper case (`PRIVMSG`, `JOIN`) or a three-digit numeric (`001`).
    public var command: String
    /// The middle parameters followed by the trailing one, if any.
    public var parameters: [String]
    /// Whether the last parameter was sent as a trailing (`:`) parameter.
    public var hasTrailing: Bool

    /// A message from its parts, as a server would send it.
    public init(source: String?, command: String, parameters: [String] = [], hasTrailing: Bool = false) {
        self.source = source
        self.command = command
        self.parameters = parameters
        self.hasTrailing = hasTrailing
    }

    /// Parses one line without its LF (a CR before it is dropped). Runs of spaces separate
    /// parameters; a trailing parameter keeps its inner spacing. Nil when the line holds no
    /// command (empty, blank, or only a prefix).
    public init?(parsing line: String) {
        var cursor = Cursor(line.utf8)
        cursor.skipSpaces()
        var source: String?
        if cursor.peek == UInt8(ascii: ":") {
            cursor.advance()
            source = cursor.word()
            cursor.skipSpaces()
        }
        guard !cursor.atEnd else { return nil }
        let command = ASCIICase.uppercased(cursor.word())
        var parameters: [String] = []
        var hasTrailing = false
        cursor.skipSpaces()
        while !cursor.atEnd {
            if cursor.peek == UInt8(ascii: ":") {
                cursor.advance()
                parameters.append(cursor.rest())
                hasTrailing = true
                break
            }
            parameters.append(cursor.word())
            cursor.skipSpaces()
        }
        self.init(source: source, command: command, parameters: parameters, hasTrailing: hasTrailing)
    }

    /// Parses a line given as bytes; bytes that are not UTF-8 become U+FFFD.
    public init?<Bytes: Collection<UInt8>>(bytes: Bytes) {
        self.init(parsing: String(decoding: bytes, as: UTF8.self))
    }

    /// The numeric this line carries, when its command is one `Numeric` names.
    public var numeric: Numeric? {
        guard isNumeric, let value = Int(command) else { return nil }
        return Numeric(rawValue: value)
    }

    /// Whether the command is a three-digit numeric, known or not.
    public var isNumeric: Bool {
        command.utf8.count == 3 && command.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }

    /// The nickname part of the source: everything before a `!` or `@`.
    public var sourceNick: String? {
        guard let source else { return nil }
        if let end = source.firstIndex(where: { $0 == "!" || $0 == "@" }) { return String(source[..<end]) }
        return source
    }

    /// The last parameter (the trailing one when there is one); nil when there are none.
    public var last: String? { parameters.last }

    /// The parameter at `index`, or nil when there are fewer.
    public func parameter(_ index: Int) -> String? {
        index < parameters.count ? parameters[index] : nil
    }
}

/// A read position in a server line's UTF-8 view.
private struct Cursor {
    let bytes: String.UTF8View
    var index: String.UTF8View.Index
    let end: String.UTF8View.Index

    init(_ bytes: String.UTF8View) {
        self.bytes = bytes
        index = bytes.startIndex
        var end = bytes.endIndex
        if end > index, bytes[bytes.index(before: end)] == 13 { end = bytes.index(before: end) }
        self.end = end
    }

    var atEnd: Bool { index >= end }
    var peek: UInt8? { atEnd ? nil : bytes[index] }

    mutating func advance() { index = bytes.index(after: index) }

    mutating func skipSpaces() {
        while index < end && bytes[index] == UInt8(ascii: " ") { advance() }
    }

    /// The bytes up to the next space or the end, as text.
    mutating func word() -> String {
        let start = index
        while index < end && bytes[index] != UInt8(ascii: " ") { advance() }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    /// Everything left, spacing kept.
    mutating func rest() -> String {
        let start = index
        index = end
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }
}
