/// A transcript that could not be read or parsed: where, and why.
public struct TranscriptError: Error, Equatable, Sendable, CustomStringConvertible {
    public let file: String
    /// The 1-based line, or nil when the whole file is the problem (it could not be read).
    public let line: Int?
    public let message: String

    public init(file: String, line: Int?, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    /// `file:line: message`, the shape compilers use, so editors can jump to it.
    public var description: String {
        if let line { return "\(file):\(line): \(message)" }
        return "\(file): \(message)"
    }
}
