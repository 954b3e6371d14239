import RedisProtocol

/// The test's own RESP writer, for every type the decoder reads: written apart from the library
/// (which only encodes commands), so that a round trip checks the decoder against a second
/// reading of the spec. It can put a random attribute before any value, which the decoder must
/// drop.
struct RESPWriter {
    /// When set, each value may be preceded by an attribute drawn from it.
    var random: SplitMix?
    var attributeChance = 0.1

    mutating func encode(_ value: RESPValue) -> [UInt8] {
        var out: [UInt8] = []
        write(value, into: &out)
        return out
    }

    mutating func write(_ value: RESPValue, into out: inout [UInt8]) {
        if random != nil, random!.chance(attributeChance) {
            let count = random!.int(0...2)
            line("|", "\(count)", into: &out)
            for index in 0..<count {
                write(.simpleString("key\(index)"), into: &out)
                write(.integer(index), into: &out)
            }
        }
        switch value {
        case .simpleString(let text): line("+", text, into: &out)
        case .error(let message): line("-", message, into: &out)
        case .integer(let number): line(":", "\(number)", into: &out)
        case .bulkString(nil): line("$", "-1", into: &out)
        case .bulkString(let bytes?): blob("$", bytes, into: &out)
        case .array(nil): line("*", "-1", into: &out)
        case .array(let elements?): aggregate("*", elements, into: &out)
        case .null: line("_", "", into: &out)
        case .double(let number): line(",", Self.doubleText(number), into: &out)
        case .boolean(let flag): line("#", flag ? "t" : "f", into: &out)
        case .bigNumber(let digits): line("(", digits, into: &out)
        case .verbatimString(let format, let text):
            blob("=", Array(format.utf8) + [UInt8(ascii: ":")] + text, into: &out)
        case .map(let pairs):
            line("%", "\(pairs.count)", into: &out)
            for pair in pairs {
                write(pair.key, into: &out)
                write(pair.value, into: &out)
            }
        case .set(let elements): aggregate("~", elements, into: &out)
        case .push(let elements): aggregate(">", elements, into: &out)
        }
    }

    static func doubleText(_ number: Double) -> String {
        if number == .infinity { return "inf" }
        if number == -.infinity { return "-inf" }
        if number.isNaN { return "nan" }
        return "\(number)"
    }

    private func line(_ type: String, _ text: String, into out: inout [UInt8]) {
        out += Array(type.utf8) + Array(text.utf8) + [13, 10]
    }

    private func blob(_ type: String, _ bytes: [UInt8], into out: inout [UInt8]) {
        line(type, "\(bytes.count)", into: &out)
        out += bytes + [13, 10]
    }

    private mutating func aggregate(_ type: String, _ elements: [RESPValue], into out: inout [UInt8]) {
        line(type, "\(elements.count)", into: &out)
        for element in elements { write(element, into: &out) }
    }
}

/// Random values of every type, nested up to `maxDepth` aggregates deep.
struct RandomValues {
    var random: SplitMix
    var maxDepth = 4
    var maxElements = 5
    var maxBytes = 24

    mutating func value(depth: Int = 0) -> RESPValue {
        let kinds = depth >= maxDepth ? 10 : 16
        switch random.int(0...(kinds - 1)) {
        case 0: return .simpleString(text())
        case 1: return .error("ERR " + text())
        case 2: return .integer(integer())
        case 3: return .bulkString(random.chance(0.1) ? nil : random.bytes(random.int(0...maxBytes)))
        case 4: return .null
        case 5: return .double(double())
        case 6: return .boolean(random.chance(0.5))
        case 7: return .bigNumber((random.chance(0.3) ? "-" : "") + "1" + digits(random.int(0...40)))
        case 8:
            return .verbatimString(
                format: random.chance(0.5) ? "txt" : "mkd", text: random.bytes(random.int(0...maxBytes)))
        case 9: return .bulkString(Array("\r\n\0$*+-:".utf8).shuffled(using: &random))
        case 10: return .array(random.chance(0.1) ? nil : elements(depth))
        case 11: return .array(elements(depth))
        case 12:
            return .map(
                (0..<random.int(0...maxElements)).map { _ in
                    RESPValue.Pair(key: value(depth: depth + 1), value: value(depth: depth + 1))
                })
        case 13: return .set(elements(depth))
        case 14: return .push(elements(depth))
        default: return .array([])
        }
    }

    private mutating func elements(_ depth: Int) -> [RESPValue] {
        (0..<random.int(0...maxElements)).map { _ in value(depth: depth + 1) }
    }

    /// Printable ASCII without CR or LF, as simple strings and errors allow.
    private mutating func text() -> String {
        String(decoding: (0..<random.int(0...maxBytes)).map { _ in UInt8(random.int(0x20...0x7E)) }, as: UTF8.self)
    }

    private mutating func digits(_ count: Int) -> String {
        String(decoding: (0..<count).map { _ in UInt8(ascii: "0") + UInt8(random.int(0...9)) }, as: UTF8.self)
    }

    private mutating func integer() -> Int {
        switch random.int(0...4) {
        case 0: return Int.min
        case 1: return Int.max
        case 2: return random.int(-10...10)
        default: return Int(bitPattern: UInt(random.next()))
        }
    }

    private mutating func double() -> Double {
        switch random.int(0...5) {
        case 0: return .infinity
        case 1: return -.infinity
        case 2: return Double(random.int(-1000...1000)) / 8
        case 3: return 0
        default:
            // Any finite bit pattern: very small, very large and subnormal numbers too.
            var number = Double(bitPattern: random.next())
            while !number.isFinite { number = Double(bitPattern: random.next()) }
            return number
        }
    }
}
