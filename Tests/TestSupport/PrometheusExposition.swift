/// A strict reader of the Prometheus text format 0.0.4, for tests: it accepts only what a
/// correct exposition may contain and fails on the first line that breaks a rule, naming it.
///
/// Rules checked: every line ends in a line feed (no blank lines, no comments but HELP and
/// TYPE); every sample is `name{label="value",...} value` with valid names, only the escapes
/// `\\` `\"` `\n` in label values and no label twice; every family has a TYPE line before its
/// samples, at most one HELP, and its samples together (no family twice); a sample's name is its
/// family's (a histogram's: `_bucket`, `_sum`, `_count`); no series twice; counter names end in
/// `_total` and counter values are not negative; a histogram's buckets have ascending `le`,
/// non-decreasing counts, end with `le="+Inf"` equal to `_count`, and come with a `_sum`.
public struct PrometheusExposition {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    public struct Sample {
        public let name: String
        public let labels: [String: String]
        public let value: Double
    }

    public struct Family {
        public let name: String
        public let type: String
        public var help: String?
        public var samples: [Sample] = []
    }

    /// Families in the order they came.
    public private(set) var families: [Family] = []

    public init(_ text: String) throws {
        guard text.isEmpty || text.hasSuffix("\n") else { throw Failure(description: "the last line has no line feed") }
        var current: Int?
        var seenFamilies = Set<String>()
        var helps: [String: String] = [:]
        var seenSeries = Set<String>()
        var sampled = Set<String>()
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().enumerated() {
            func fail(_ why: String) -> Failure { Failure(description: "line \(number + 1) \"\(line)\": \(why)") }
            if line.isEmpty { throw fail("blank line") }
            if line.hasPrefix("#") {
                let words = line.split(separator: " ", maxSplits: 3, omittingEmptySubsequences: false)
                guard words.count >= 3, words[0] == "#", words[1] == "HELP" || words[1] == "TYPE" else {
                    throw fail("a comment that is neither HELP nor TYPE")
                }
                let name = String(words[2])
                guard Self.isMetricName(name) else { throw fail("bad metric name") }
                if words[1] == "HELP" {
                    guard helps[name] == nil else { throw fail("a second HELP for \(name)") }
                    let help = words.count == 4 ? String(words[3]) : ""
                    guard Self.isValidHelp(help) else { throw fail("a bad escape in HELP") }
                    helps[name] = help
                    guard !sampled.contains(name) else { throw fail("HELP after the family's samples") }
                    if let index = families.firstIndex(where: { $0.name == name }) { families[index].help = help }
                } else {
                    guard words.count == 4, ["counter", "gauge", "histogram", "summary", "untyped"].contains(words[3])
                    else { throw fail("bad TYPE") }
                    guard !seenFamilies.contains(name) else { throw fail("a second TYPE for \(name)") }
                    let type = String(words[3])
                    if type == "counter" && !name.hasSuffix("_total") { throw fail("a counter not named *_total") }
                    seenFamilies.insert(name)
                    families.append(Family(name: name, type: type, help: helps[name]))
                    current = families.count - 1
                }
                continue
            }
            let sample = try Self.parseSample(line, fail: fail)
            guard let index = current else { throw fail("a sample before any TYPE line") }
            let family = families[index]
            let allowed: [String] =
                family.type == "histogram"
                ? [family.name + "_bucket", family.name + "_sum", family.name + "_count"]
                : family.type == "summary"
                    ? [family.name, family.name + "_sum", family.name + "_count"] : [family.name]
            guard allowed.contains(sample.name) else {
                throw fail("sample \(sample.name) is not of the family \(family.name) that precedes it (no TYPE?)")
            }
            let series =
                sample.name + "{"
                + sample.labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
                .joined(separator: ",") + "}"
            guard seenSeries.insert(series).inserted else { throw fail("series \(series) twice") }
            if family.type == "counter" && !(sample.value >= 0) { throw fail("a negative counter") }
            families[index].samples.append(sample)
            sampled.insert(family.name)
        }
        for family in families where family.type == "histogram" { try Self.checkHistogram(family) }
        for family in families where family.samples.isEmpty {
            throw Failure(description: "family \(family.name) has no samples")
        }
    }

    /// The family named `name`, if present.
    public func family(_ name: String) -> Family? { families.first { $0.name == name } }

    /// The value of the sample `name` with exactly these labels, if present.
    public func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        for family in families {
            for sample in family.samples where sample.name == name && sample.labels == labels { return sample.value }
        }
        return nil
    }

    // MARK: Rules

    static func isMetricName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, !("0"..."9").contains(first) else { return false }
        return name.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "_" || $0 == ":"
        }
    }

    static func isLabelName(_ name: String) -> Bool { isMetricName(name) && !name.contains(":") }

    static func isValidHelp(_ help: String) -> Bool {
        var escaped = false
        for character in help.unicodeScalars {
            if escaped {
                guard character == "\\" || character == "n" else { return false }
                escaped = false
            } else if character == "\\" {
                escaped = true
            }
        }
        return !escaped
    }

    static func parseValue(_ text: Substring) -> Double? {
        switch text {
        case "+Inf": return .infinity
        case "-Inf": return -.infinity
        case "NaN": return .nan
        default:
            // Go's ParseFloat takes what Swift's Double(String) does for these forms; refuse
            // spellings it would not (Swift takes "inf", "infinity", "nan" and hex floats).
            guard let first = text.first, first.isNumber || first == "-" || first == "+" || first == "." else {
                return nil
            }
            guard !text.lowercased().contains("x"), !text.lowercased().contains("inf") else { return nil }
            return Double(text)
        }
    }

    static func parseSample(_ line: Substring, fail: (String) -> Failure) throws -> Sample {
        let scalars = Array(line.unicodeScalars)
        var index = 0
        var name = ""
        while index < scalars.count, scalars[index] != "{", scalars[index] != " " {
            name.unicodeScalars.append(scalars[index])
            index += 1
        }
        guard isMetricName(name) else { throw fail("bad metric name \"\(name)\"") }
        var labels: [String: String] = [:]
        if index < scalars.count, scalars[index] == "{" {
            index += 1
            while true {
                guard index < scalars.count else { throw fail("unterminated labels") }
                if scalars[index] == "}" {
                    index += 1
                    break
                }
                var label = ""
                while index < scalars.count, scalars[index] != "=" {
                    label.unicodeScalars.append(scalars[index])
                    index += 1
                }
                guard isLabelName(label) else { throw fail("bad label name \"\(label)\"") }
                guard index + 1 < scalars.count, scalars[index + 1] == "\"" else {
                    throw fail("label \(label) not quoted")
                }
                index += 2
                var value = ""
                while true {
                    guard index < scalars.count else { throw fail("unterminated label value") }
                    let scalar = scalars[index]
                    index += 1
                    if scalar == "\"" { break }
                    if scalar == "\\" {
                        guard index < scalars.count else { throw fail("unterminated escape") }
                        switch scalars[index] {
                        case "\\": value += "\\"
                        case "\"": value += "\""
                        case "n": value += "\n"
                        default: throw fail("bad escape in label value")
                        }
                        index += 1
                    } else {
                        value.unicodeScalars.append(scalar)
                    }
                }
                guard labels.updateValue(value, forKey: label) == nil else { throw fail("label \(label) twice") }
                guard index < scalars.count else { throw fail("unterminated labels") }
                if scalars[index] == "," {
                    index += 1
                } else if scalars[index] != "}" {
                    throw fail("expected , or } after a label")
                }
            }
        }
        guard index < scalars.count, scalars[index] == " " else { throw fail("no space before the value") }
        index += 1
        var rest = ""
        rest.unicodeScalars.append(contentsOf: scalars[index...])
        guard !rest.isEmpty, !rest.contains(" ") else { throw fail("expected exactly one value (no timestamp)") }
        guard let value = parseValue(Substring(rest)) else { throw fail("bad value \"\(rest)\"") }
        return Sample(name: name, labels: labels, value: value)
    }

    static func checkHistogram(_ family: Family) throws {
        func fail(_ why: String) -> Failure { Failure(description: "histogram \(family.name): \(why)") }
        var groups: [[String: String]: [Sample]] = [:]
        for sample in family.samples {
            var key = sample.labels
            if sample.name.hasSuffix("_bucket") {
                guard key.removeValue(forKey: "le") != nil else { throw fail("a bucket without le") }
            } else if sample.labels["le"] != nil {
                throw fail("le on \(sample.name)")
            }
            groups[key, default: []].append(sample)
        }
        for (labels, samples) in groups {
            let buckets = samples.filter { $0.name.hasSuffix("_bucket") }
            guard let count = samples.first(where: { $0.name.hasSuffix("_count") })?.value else {
                throw fail("no _count for \(labels)")
            }
            guard samples.contains(where: { $0.name.hasSuffix("_sum") }) else { throw fail("no _sum for \(labels)") }
            guard let last = buckets.last, last.labels["le"] == "+Inf" else {
                throw fail("the last bucket is not +Inf")
            }
            var previousBound = -Double.infinity
            var previousCount = 0.0
            for bucket in buckets {
                guard let bound = parseValue(Substring(bucket.labels["le"]!)) else { throw fail("bad le") }
                guard bound > previousBound else { throw fail("le not ascending at \(bound)") }
                guard bucket.value >= previousCount else { throw fail("buckets not cumulative at le=\(bound)") }
                previousBound = bound
                previousCount = bucket.value
            }
            guard last.value == count else { throw fail("+Inf bucket \(last.value) != _count \(count)") }
        }
    }
}
