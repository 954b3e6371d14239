import Platform

/// One timestamped line per event on stderr. Logging never waits for the output: the line is
/// formatted on the caller's thread and handed to `LogWriter.standardError`, whose own thread
/// writes it (one write(2) per batch of whole lines, so lines never interleave). When stderr
/// stalls, lines beyond its queue are dropped and counted rather than block an event loop.
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

    /// Queues a line for standard error on `LogWriter.standardError`; never waits for it.
    public static let standardError: @Sendable (String) -> Void = { line in
        LogWriter.standardError.write(line)
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
