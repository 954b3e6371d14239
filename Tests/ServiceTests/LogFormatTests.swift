import ChatServer
import Foundation
import Locking
import Testing

/// `--log-format`: text lines as before, or one JSON object a line.
@Suite("Log format")
struct LogFormatTests {
    /// Collects a logger's lines.
    final class Lines: Sendable {
        let lines = Locked<[String]>([])
        var all: [String] { lines.withLock { $0 } }
        var sink: @Sendable (String) -> Void { { line in self.lines.withLock { $0.append(line) } } }
    }

    static func object(_ line: String) throws -> [String: String] {
        #expect(line.hasSuffix("\n") && line.dropLast().allSatisfy { $0 != "\n" }, "one line: \(line.debugDescription)")
        let value = try JSONSerialization.jsonObject(with: Data(line.utf8))
        return try #require(value as? [String: String], "\(line)")
    }

    @Test("a JSON line is an object with time, level and message, and any text survives the round trip")
    func jsonLine() throws {
        let controls = String(String.UnicodeScalarView((0...0x1F).compactMap(Unicode.Scalar.init)))
        let messages = [
            "plain", "quote \" backslash \\ slash /", controls, "\u{7F} del, \u{2028}\u{2029} separators",
            "unicode: été 🎉 中文", "",
        ]
        for message in messages {
            let line = Logger.line(level: .warning, message, format: .json, time: "2026-01-02T03:04:05.678Z")
            let object = try Self.object(line)
            #expect(object == ["time": "2026-01-02T03:04:05.678Z", "level": "warning", "message": message])
            // No raw control character is left in the line but its final newline.
            #expect(!line.dropLast().unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F })
        }
        #expect(JSONText.quoted("\u{0}\u{1F}\n\t\"") == #""\u0000\u001f\n\t\"""#)
    }

    @Test("the text format is unchanged: time, level, message")
    func textLine() {
        #expect(Logger.line(level: .info, "hello", format: .text, time: "T") == "T info hello\n")
    }

    @Test("level and format are shared by every copy of a logger and can change while it is used")
    func sharedSettings() throws {
        let lines = Lines()
        let logger = Logger(level: .warning, sink: lines.sink)
        let copy = logger
        copy.info("dropped: below the level")
        logger.level = .info
        copy.info("kept")
        logger.format = .json
        copy.error("as json")
        let all = lines.all
        #expect(all.count == 2)
        #expect(all.first?.hasSuffix(" info kept\n") == true)
        #expect(try Self.object(all.last ?? "")["message"] == "as json")
        #expect(try Self.object(all.last ?? "")["level"] == "error")
    }
}
