/// Writes metric families in the Prometheus text exposition format, version 0.0.4: for each
/// family a `# HELP` and a `# TYPE` line, then its samples, one `name{label="value"} value` a
/// line. Label values escape backslash, double quote and line feed; HELP text escapes backslash
/// and line feed. A pure value: no clock, no I/O.
///
///     var text = PrometheusText()
///     text.family("linechat_deliveries_total", .counter, help: "Lines queued for a recipient.")
///     text.sample("linechat_deliveries_total", 1234)
///     text.bytes  // "# HELP linechat_deliveries_total Lines queued...\n# TYPE ... counter\n..."
public struct PrometheusText: Sendable {
    /// A family's type, as its TYPE line says it.
    public enum MetricType: String, Sendable {
        case counter, gauge, histogram, summary, untyped
    }

    /// What has been written so far.
    public private(set) var bytes: [UInt8] = []

    /// The media type of the format, for the Content-Type header.
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    public init() {}

    /// The output as a string.
    public var text: String { String(decoding: bytes, as: UTF8.self) }

    /// Starts a family: its HELP and TYPE lines. Its samples must follow before the next family.
    public mutating func family(_ name: String, _ type: MetricType, help: String) {
        assert(Self.isValidName(name), "metric name \(name)")
        assert(type != .counter || name.hasSuffix("_total"), "a counter's name ends in _total: \(name)")
        append("# HELP ")
        append(name)
        append(" ")
        append(Self.escapeHelp(help))
        append("\n# TYPE ")
        append(name)
        append(" ")
        append(type.rawValue)
        append("\n")
    }

    /// One sample line with an integer value.
    public mutating func sample(_ name: String, _ labels: [(String, String)] = [], _ value: Int) {
        sampleStart(name, labels)
        append(String(value))
        append("\n")
    }

    /// One sample line with a floating-point value (`+Inf`, `-Inf`, `NaN` as the format spells them).
    public mutating func sample(_ name: String, _ labels: [(String, String)] = [], _ value: Double) {
        sampleStart(name, labels)
        append(Self.format(value))
        append("\n")
    }

    /// A family of one integer sample with no labels.
    public mutating func metric(_ name: String, _ type: MetricType, help: String, _ value: Int) {
        family(name, type, help: help)
        sample(name, [], value)
    }

    /// A family of one floating-point sample with no labels.
    public mutating func metric(_ name: String, _ type: MetricType, help: String, _ value: Double) {
        family(name, type, help: help)
        sample(name, [], value)
    }

    /// A family with one label: a sample per value of it.
    public mutating func metric(
        _ name: String, _ type: MetricType, help: String, label: String, _ values: [(String, Int)]
    ) {
        family(name, type, help: help)
        for (labelValue, value) in values { sample(name, [(label, labelValue)], value) }
    }

    /// A histogram family: `counts[i]` observations fell at or below `bounds[i]` and above the
    /// bound before it; `counts` has one more element, the observations above the last bound.
    /// Writes the cumulative `_bucket` samples (the last with `le="+Inf"`), `_sum` and `_count`.
    public mutating func histogram(
        _ name: String, help: String, bounds: [Double], counts: [Int], sum: Double, labels: [(String, String)] = []
    ) {
        precondition(counts.count == bounds.count + 1, "a histogram needs one count per bound and one above")
        family(name, .histogram, help: help)
        var cumulative = 0
        for (index, count) in counts.enumerated() {
            cumulative += count
            let bound = index < bounds.count ? Self.format(bounds[index]) : "+Inf"
            sample(name + "_bucket", labels + [("le", bound)], cumulative)
        }
        sample(name + "_sum", labels, sum)
        sample(name + "_count", labels, cumulative)
    }

    // MARK: Escaping and formatting

    /// A label value as it goes between the quotes: `\` `"` and line feed escaped.
    public static func escapeLabelValue(_ value: String) -> String {
        guard value.utf8.contains(where: { $0 == 0x5C || $0 == 0x22 || $0 == 0x0A }) else { return value }
        var escaped = ""
        for character in value.unicodeScalars {
            switch character {
            case "\\": escaped += "\\\\"
            case "\"": escaped += "\\\""
            case "\n": escaped += "\\n"
            default: escaped.unicodeScalars.append(character)
            }
        }
        return escaped
    }

    /// HELP text: `\` and line feed escaped (a double quote stays as it is).
    public static func escapeHelp(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == 0x5C || $0 == 0x0A }) else { return text }
        var escaped = ""
        for character in text.unicodeScalars {
            switch character {
            case "\\": escaped += "\\\\"
            case "\n": escaped += "\\n"
            default: escaped.unicodeScalars.append(character)
            }
        }
        return escaped
    }

    /// A value as the format writes it: `+Inf`, `-Inf`, `NaN`, else Swift's shortest exact form
    /// (`0.25`, `1e-05`, `3.0`), which Go's ParseFloat (Prometheus) reads back exactly.
    public static func format(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        return value.description
    }

    /// A metric or label name: `[a-zA-Z_:][a-zA-Z0-9_:]*` (label names have no colon, and
    /// those starting with `__` are reserved; the renderer does not use either).
    public static func isValidName(_ name: String) -> Bool {
        guard let first = name.utf8.first, !(48...57).contains(first) else { return false }
        return name.utf8.allSatisfy { byte in
            (65...90).contains(byte) || (97...122).contains(byte) || (48...57).contains(byte) || byte == 95
                || byte == 58
        }
    }

    // MARK: Private

    private mutating func sampleStart(_ name: String, _ labels: [(String, String)]) {
        assert(Self.isValidName(name), "metric name \(name)")
        append(name)
        if !labels.isEmpty {
            append("{")
            for (index, (label, value)) in labels.enumerated() {
                assert(Self.isValidName(label) && !label.contains(":"), "label name \(label)")
                if index > 0 { append(",") }
                append(label)
                append("=\"")
                append(Self.escapeLabelValue(value))
                append("\"")
            }
            append("}")
        }
        append(" ")
    }

    private mutating func append(_ string: String) { bytes.append(contentsOf: string.utf8) }
}
