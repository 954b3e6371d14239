/// Why a transcript did not replay: the step that failed, what it wanted and what came instead.
public struct ReplayFailure: Error, Equatable, Sendable, CustomStringConvertible {
    public let file: String
    /// The 1-based line of the failing step.
    public let line: Int
    /// The client the step concerns; empty for a step that concerns none.
    public let client: String
    /// What the step wanted, quoted when it is a line or a pattern: `":linechat 001 alice :{*}"`.
    public let expected: String
    /// What happened instead, quoted when it is a line: `":linechat 433 * alice :Nickname is
    /// already in use"`, or words such as `nothing within 5 s`.
    public let got: String

    public init(file: String, line: Int, client: String, expected: String, got: String) {
        self.file = file
        self.line = line
        self.client = client
        self.expected = expected
        self.got = got
    }

    /// One line: `file:line: client: expected ..., got ...`.
    public var description: String {
        let who = client.isEmpty ? "" : "\(client): "
        return "\(file):\(line): \(who)expected \(expected), got \(got)"
    }

    /// `text` in double quotes with control characters, quotes and backslashes escaped, so a
    /// server that sends an escape sequence cannot garble the report, and with invisible or
    /// unusual spacing shown as `\u{...}`, so two lines that differ only there look different.
    public static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value):
                let hex = String(scalar.value, radix: 16)
                result += "\\x" + (hex.count < 2 ? "0" : "") + hex
            case _ where isInvisible(scalar):
                result += "\\u{" + String(scalar.value, radix: 16) + "}"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }

    /// Spacing other than SP, and format characters such as U+200B: shown as they are, they
    /// would hide the difference between two lines.
    private static func isInvisible(_ scalar: Unicode.Scalar) -> Bool {
        scalar != " " && (scalar.properties.isWhitespace || scalar.properties.generalCategory == .format)
    }
}
