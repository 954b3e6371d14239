import Platform
import Synchronization

/// One timestamped line per event on stderr. Logging never waits for the output: the line is
/// formatted on the caller's thread and handed to `LogWriter.standardError`, whose own thread
/// writes it (one write(2) per batch of whole lines, so lines never interleave). When stderr
/// stalls, lines beyond its queue are dropped and counted rather than block an event loop.
///
/// The level and the format are shared by every copy of a logger (a reload changes them for
/// the whole server at once) and read with one relaxed atomic load per line.
public struct Logger: Sendable {
    public enum Level: Int, Sendable, Comparable {
        case debug, info, warning, error, off
        public static func < (a: Level, b: Level) -> Bool { a.rawValue < b.rawValue }

        /// The level's name, as `--log-level` takes it and JSON lines carry it.
        public var name: String {
            switch self {
            case .debug: "debug"
            case .info: "info"
            case .warning: "warning"
            case .error: "error"
            case .off: "off"
            }
        }
    }

    /// How a line is written.
    public enum Format: Int, Sendable {
        /// `2026-01-02T03:04:05.678Z info message`
        case text
        /// `{"time":"2026-01-02T03:04:05.678Z","level":"info","message":"message"}`
        case json
    }

    /// The settings every copy shares.
    private final class Settings: Sendable {
        let level: Atomic<Int>
        let format: Atomic<Int>
        init(level: Level, format: Format) {
            self.level = Atomic(level.rawValue)
            self.format = Atomic(format.rawValue)
        }
    }

    private let settings: Settings

    /// The least severe level written; setting it changes it for every copy of this logger.
    public var level: Level {
        get { Level(rawValue: settings.level.load(ordering: .relaxed)) ?? .info }
        nonmutating set { settings.level.store(newValue.rawValue, ordering: .relaxed) }
    }

    /// Text or JSON lines; setting it changes it for every copy of this logger.
    public var format: Format {
        get { Format(rawValue: settings.format.load(ordering: .relaxed)) ?? .text }
        nonmutating set { settings.format.store(newValue.rawValue, ordering: .relaxed) }
    }

    /// Where finished lines (newline included) go. Standard error by default; the operator
    /// console replaces it to print log lines above its prompt.
    public var sink: @Sendable (String) -> Void

    public init(
        level: Level = .info, format: Format = .text,
        sink: @escaping @Sendable (String) -> Void = Logger.standardError
    ) {
        settings = Settings(level: level, format: format)
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
        let threshold = self.level
        guard level >= threshold, threshold != .off else { return }
        sink(Self.line(level: level == .off ? .error : level, message(), format: format, time: Posix.timestamp()))
    }

    /// One finished line (newline included) in `format`.
    public static func line(level: Level, _ message: String, format: Format, time: String) -> String {
        switch format {
        case .text:
            "\(time) \(level.name) \(message)\n"
        case .json:
            "{\"time\":\"\(time)\",\"level\":\"\(level.name)\",\"message\":\(JSONText.quoted(message))}\n"
        }
    }
}

/// JSON string literals, for log lines.
public enum JSONText {
    /// `text` as a JSON string literal, quotes included: `"` and `\` escaped, every control
    /// character (U+0000 to U+001F, and U+007F, U+2028, U+2029 for JavaScript readers) as an
    /// escape, everything else as it is (UTF-8).
    public static func quoted(_ text: String) -> String {
        var out = "\""
        out.reserveCapacity(text.utf8.count + 2)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case "\u{00}"..."\u{1F}", "\u{7F}", "\u{2028}", "\u{2029}":
                let hex = String(scalar.value, radix: 16, uppercase: false)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
        return out
    }
}
