import Platform

/// One timestamped line per event on stderr, written with a single write(2) so lines from
/// different threads never interleave.
public struct Logger: Sendable {
    public enum Level: Int, Sendable, Comparable {
        case debug, info, warning, error, off
        public static func < (a: Level, b: Level) -> Bool { a.rawValue < b.rawValue }
    }

    public var level: Level
    /// Where lines go; stderr unless a test wants them elsewhere.
    public var descriptor: Int32

    public init(level: Level = .info, descriptor: Int32 = 2) {
        self.level = level
        self.descriptor = descriptor
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
        let line = Array("\(Posix.timestamp()) \(label) \(message())\n".utf8)
        line.withUnsafeBytes { try? Posix.writeAll(descriptor, $0) }
    }
}
