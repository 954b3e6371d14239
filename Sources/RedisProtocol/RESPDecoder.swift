/// Turns the bytes a Redis server sends into values, however the bytes are split: feed what
/// each read returned, then take values with `next()` until it answers nil ("need more bytes").
/// A value is only ever handed out whole; a prefix of one is never mistaken for a value.
///
/// Bytes are kept in one buffer with a read position; consumed bytes are dropped when they
/// make up half the buffer, so feeding and decoding are linear in the input. An aggregate whose
/// elements arrive over several reads keeps the elements already decoded, so nothing is parsed
/// twice (a bulk string is copied out once, when all of it is there).
///
/// RESP3's streamed strings and aggregates (`$?`, `*?`), which Redis never sends, are refused
/// as `.badInteger`.
///
/// Everything a server controls is bounded by `Limits`. An error is final: the decoder cannot
/// tell where the next value would start, so after `next()` throws it throws the same error on
/// every call and ignores what is fed. Close the connection and start a new decoder.
public struct RESPDecoder: Sendable {
    /// The most a server may make the decoder hold or do for one value.
    public struct Limits: Sendable, Equatable {
        /// The longest bulk, verbatim or blob error string, in bytes (Redis's own
        /// proto-max-bulk-len is 512 MiB; no reply a node reads needs that much).
        public var maxBulkLength: Int
        /// The most elements one array, set or push may have, or pairs one map or attribute.
        public var maxElementCount: Int
        /// How deep aggregates may nest: a top-level array is depth 1.
        public var maxDepth: Int
        /// The longest line (a simple string, an error, a number, a header) before its CRLF.
        public var maxLineLength: Int

        /// 64 MiB strings, 1 Mi elements, depth 32, 64 KiB lines.
        public init(
            maxBulkLength: Int = 64 << 20, maxElementCount: Int = 1 << 20, maxDepth: Int = 32,
            maxLineLength: Int = 64 << 10
        ) {
            self.maxBulkLength = maxBulkLength
            self.maxElementCount = maxElementCount
            self.maxDepth = maxDepth
            self.maxLineLength = maxLineLength
        }
    }

    /// The limits this decoder enforces.
    public let limits: Limits

    private var buffer: [UInt8] = []
    private var readIndex = 0
    /// Aggregates opened and not yet complete, outermost first.
    private var open: [OpenAggregate] = []
    private var failure: RESPError?

    /// An aggregate whose header has been read and some of whose elements may have been.
    private struct OpenAggregate: Sendable {
        let type: UInt8
        /// Elements still to come before it is complete (twice the pairs for a map).
        var remaining: Int
        var elements: [RESPValue]
    }

    /// What reading at the read position gave.
    private enum Step {
        case value(RESPValue)
        /// An aggregate header (or an empty attribute) was consumed; its elements follow.
        case opened
        case needMore
    }

    /// A decoder enforcing `limits`.
    public init(limits: Limits = Limits()) {
        self.limits = limits
    }

    /// Bytes fed and not yet consumed (elements of an incomplete aggregate already decoded are
    /// held as values, not counted here).
    public var bufferedByteCount: Int { buffer.count - readIndex }

    /// True once `next()` has thrown: the decoder is unusable.
    public var hasFailed: Bool { failure != nil }

    /// Adds bytes received from the server.
    public mutating func feed(_ bytes: UnsafeRawBufferPointer) {
        guard failure == nil, !bytes.isEmpty else { return }
        compact()
        buffer.append(contentsOf: bytes)
    }

    /// Adds bytes received from the server.
    public mutating func feed(_ bytes: some Sequence<UInt8>) {
        guard failure == nil else { return }
        compact()
        buffer.append(contentsOf: bytes)
    }

    /// The next complete value, or nil when more bytes are needed for it. Throws when the bytes
    /// are not RESP or break a limit; the decoder is unusable after that.
    public mutating func next() throws(RESPError) -> RESPValue? {
        if let failure { throw failure }
        do {
            while true {
                switch try step() {
                case .needMore: return nil
                case .opened: continue
                case .value(let value):
                    if let complete = deliver(value) { return complete }
                }
            }
        } catch {
            failure = error
            buffer = []
            readIndex = 0
            open = []
            throw error
        }
    }

    /// Drops consumed bytes once they are at least half the buffer (and worth moving), so each
    /// byte is moved a bounded number of times; frees a big buffer once it is empty.
    private mutating func compact() {
        if readIndex == buffer.count {
            buffer.removeAll(keepingCapacity: buffer.capacity <= 1 << 20)
            readIndex = 0
        } else if readIndex >= 4096 && readIndex >= buffer.count - readIndex {
            buffer.removeSubrange(..<readIndex)
            readIndex = 0
        }
    }

    /// Adds a complete value to the innermost open aggregate, completing it and those around
    /// it as far as it goes. Returns the top-level value that is now complete, if any.
    private mutating func deliver(_ value: RESPValue) -> RESPValue? {
        var value = value
        while !open.isEmpty {
            let innermost = open.count - 1
            open[innermost].elements.append(value)
            open[innermost].remaining -= 1
            guard open[innermost].remaining == 0 else { return nil }
            let aggregate = open.removeLast()
            // An attribute annotates the value after it, which takes its place; it is dropped.
            if aggregate.type == Marker.attribute { return nil }
            value = Self.value(of: aggregate.type, aggregate.elements)
        }
        return value
    }

    private static func value(of type: UInt8, _ elements: [RESPValue]) -> RESPValue {
        switch type {
        case Marker.map:
            var pairs: [RESPValue.Pair] = []
            pairs.reserveCapacity(elements.count / 2)
            for index in stride(from: 0, to: elements.count, by: 2) {
                pairs.append(RESPValue.Pair(key: elements[index], value: elements[index + 1]))
            }
            return .map(pairs)
        case Marker.set: return .set(elements)
        case Marker.push: return .push(elements)
        default: return .array(elements)
        }
    }

    /// Reads one value or aggregate header at the read position, consuming it only if it is
    /// all there.
    private mutating func step() throws(RESPError) -> Step {
        guard readIndex < buffer.count else { return .needMore }
        let type = buffer[readIndex]
        switch type {
        case Marker.simpleString, Marker.error, Marker.integer, Marker.null, Marker.double, Marker.boolean,
            Marker.bigNumber:
            guard let end = try lineEnd(from: readIndex + 1, type) else { return .needMore }
            let value = try scalar(type, readIndex + 1, end)
            readIndex = end + 2
            return .value(value)
        case Marker.bulkString, Marker.verbatimString, Marker.blobError:
            return try string(type)
        case Marker.array, Marker.map, Marker.set, Marker.push, Marker.attribute:
            return try aggregateHeader(type)
        default:
            throw .unknownType(type)
        }
    }

    private mutating func string(_ type: UInt8) throws(RESPError) -> Step {
        guard let end = try lineEnd(from: readIndex + 1, type) else { return .needMore }
        let length = try integer(type, readIndex + 1, end)
        if length == -1 && type == Marker.bulkString {
            readIndex = end + 2
            return .value(.bulkString(nil))
        }
        guard length >= 0 else { throw .badLength(type: type, length: length) }
        guard length <= limits.maxBulkLength else { throw .bulkTooLong(length: length, limit: limits.maxBulkLength) }
        let start = end + 2
        let available = buffer.count - start
        guard available >= 2, available - 2 >= length else { return .needMore }
        guard buffer[start + length] == Marker.cr, buffer[start + length + 1] == Marker.lf else {
            throw .missingCRLF(type: type)
        }
        let payload = Array(buffer[start..<(start + length)])
        let value: RESPValue
        switch type {
        case Marker.blobError:
            value = .error(String(decoding: payload, as: UTF8.self))
        case Marker.verbatimString:
            guard length >= 4, payload[3] == UInt8(ascii: ":") else { throw .malformed(type: type) }
            value = .verbatimString(format: String(decoding: payload[..<3], as: UTF8.self), text: Array(payload[4...]))
        default:
            value = .bulkString(payload)
        }
        readIndex = start + length + 2
        return .value(value)
    }

    private mutating func aggregateHeader(_ type: UInt8) throws(RESPError) -> Step {
        guard let end = try lineEnd(from: readIndex + 1, type) else { return .needMore }
        let count = try integer(type, readIndex + 1, end)
        if count == -1 && type == Marker.array {
            readIndex = end + 2
            return .value(.array(nil))
        }
        guard count >= 0 else { throw .badLength(type: type, length: count) }
        guard count <= limits.maxElementCount else {
            throw .tooManyElements(count: count, limit: limits.maxElementCount)
        }
        guard open.count < limits.maxDepth else { throw .nestingTooDeep(limit: limits.maxDepth) }
        readIndex = end + 2
        let paired = type == Marker.map || type == Marker.attribute
        let (elements, overflow) = count.multipliedReportingOverflow(by: paired ? 2 : 1)
        guard !overflow else { throw .tooManyElements(count: count, limit: limits.maxElementCount) }
        if elements == 0 {
            return type == Marker.attribute ? .opened : .value(Self.value(of: type, []))
        }
        var storage: [RESPValue] = []
        storage.reserveCapacity(min(elements, 64))
        open.append(OpenAggregate(type: type, remaining: elements, elements: storage))
        return .opened
    }

    /// The value of a one-line type whose text is `buffer[start..<end]`.
    private func scalar(_ type: UInt8, _ start: Int, _ end: Int) throws(RESPError) -> RESPValue {
        switch type {
        case Marker.simpleString:
            return .simpleString(String(decoding: buffer[start..<end], as: UTF8.self))
        case Marker.error:
            return .error(String(decoding: buffer[start..<end], as: UTF8.self))
        case Marker.integer:
            return .integer(try integer(type, start, end))
        case Marker.null:
            guard start == end else { throw .malformed(type: type) }
            return .null
        case Marker.boolean:
            guard end - start == 1 else { throw .malformed(type: type) }
            switch buffer[start] {
            case UInt8(ascii: "t"): return .boolean(true)
            case UInt8(ascii: "f"): return .boolean(false)
            default: throw .malformed(type: type)
            }
        case Marker.double:
            guard let value = Self.double(buffer[start..<end]) else { throw .malformed(type: type) }
            return .double(value)
        default:  // big number
            var digits = start
            if digits < end && (buffer[digits] == UInt8(ascii: "-") || buffer[digits] == UInt8(ascii: "+")) {
                digits += 1
            }
            guard digits < end, buffer[digits..<end].allSatisfy({ Marker.isDigit($0) }) else {
                throw .malformed(type: type)
            }
            return .bigNumber(String(decoding: buffer[start..<end], as: UTF8.self))
        }
    }

    /// A RESP3 double: a decimal number with an optional exponent, or inf, -inf or nan.
    private static func double(_ text: ArraySlice<UInt8>) -> Double? {
        let allowed = text.allSatisfy {
            Marker.isDigit($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: ".")
                || $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E")
        }
        let string = String(decoding: text, as: UTF8.self)
        if allowed { return Double(string) }
        switch string.lowercased() {
        case "inf", "+inf": return .infinity
        case "-inf": return -.infinity
        case "nan", "-nan", "+nan": return .nan
        default: return nil
        }
    }

    /// The decimal integer `buffer[start..<end]`: an optional sign, then at least one digit.
    private func integer(_ type: UInt8, _ start: Int, _ end: Int) throws(RESPError) -> Int {
        let result = buffer.withUnsafeBufferPointer { bytes -> Int? in
            var index = start
            var negative = false
            if index < end && (bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+")) {
                negative = bytes[index] == UInt8(ascii: "-")
                index += 1
            }
            guard index < end else { return nil }
            var value = 0
            while index < end {
                let byte = bytes[index]
                guard Marker.isDigit(byte) else { return nil }
                // Accumulated below zero when negative, so Int.min fits.
                let (shifted, overflow1) = value.multipliedReportingOverflow(by: 10)
                let digit = Int(byte &- UInt8(ascii: "0"))
                let (next, overflow2) =
                    negative ? shifted.subtractingReportingOverflow(digit) : shifted.addingReportingOverflow(digit)
                guard !overflow1, !overflow2 else { return nil }
                value = next
                index += 1
            }
            return value
        }
        guard let result else { throw .badInteger(type: type) }
        return result
    }

    /// The index of the CR that ends the line starting at `start`, or nil when the line has not
    /// all arrived. Throws for a bare CR or LF, or a line over the limit.
    private func lineEnd(from start: Int, _ type: UInt8) throws(RESPError) -> Int? {
        let maxLength = limits.maxLineLength
        // -1: need more; -2: CR or LF out of place; -3: too long.
        let found = buffer.withUnsafeBufferPointer { bytes -> Int in
            let stop = min(bytes.count, start &+ maxLength &+ 1)
            var index = start
            while index < stop {
                let byte = bytes[index]
                if byte == Marker.cr {
                    if index + 1 == bytes.count { return -1 }
                    return bytes[index + 1] == Marker.lf ? index : -2
                }
                if byte == Marker.lf { return -2 }
                index += 1
            }
            return stop - start > maxLength ? -3 : -1
        }
        switch found {
        case -1: return nil
        case -2: throw .missingCRLF(type: type)
        case -3: throw .lineTooLong(limit: maxLength)
        default: return found
        }
    }
}

/// The type bytes and line ends of RESP2 and RESP3.
enum Marker {
    static let simpleString = UInt8(ascii: "+")
    static let error = UInt8(ascii: "-")
    static let integer = UInt8(ascii: ":")
    static let bulkString = UInt8(ascii: "$")
    static let array = UInt8(ascii: "*")
    static let null = UInt8(ascii: "_")
    static let double = UInt8(ascii: ",")
    static let boolean = UInt8(ascii: "#")
    static let bigNumber = UInt8(ascii: "(")
    static let verbatimString = UInt8(ascii: "=")
    static let blobError = UInt8(ascii: "!")
    static let map = UInt8(ascii: "%")
    static let set = UInt8(ascii: "~")
    static let push = UInt8(ascii: ">")
    static let attribute = UInt8(ascii: "|")
    static let cr: UInt8 = 13
    static let lf: UInt8 = 10

    @inline(__always)
    static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
}
