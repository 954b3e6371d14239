import Platform

/// One timestamped line per event on stderr, written with a single write(2) so lines from
/// different threads never interleave.
public struct Logger: Sendable {
    public enum Level: Int, Sendable, Comparable {
        case debug, info, warning, error, off
        public static func < (a: Level, b: Level) -> Bool { a.rawValue < b.rawValue }
    }

    public var level: Level
    /// Where finished lines (newline included) go. Standard error by default; the operator
    /// console replaces it to print log lines above its prompt.
    public var sink: @Sendable (String) -> Void

    public init(level: Level = .info, sink: @escaping @Sendable (String) -> Void = Logger.standardError) {
        self.level = level
        self.sink = sink
    }

    /// Writes a line to standard error with one write(2).
    public static let standardError: @Sendable (String) -> Void = { line in
        Array(line.utf8).withUnsafeBytes { try? Posix.writeAll(2, $0) }
    }

    public func info(_ message: @autoclosure () -> String) { log(.info, message()) }
    public func warning(_ message: @autoclosure () -> String) { log(.warning, message()) }
    public func error(_ message: @autoclosure () -> String) { log(.error, message()) }

    public func log(_ level: Level, _ message: @autoclosure () -> String) {
        guard level >= self.level, self.level != .off else { return }
        let label: String
        switch level {
        case .debug: label = "debug"
        case .info: label = "info"
        case .warning: label = "warning"
        case .error, .off: label = "error"
        }
        sink("\(Posix.timestamp()) \(label) \(message())\n")
    }
}
