/// Formats lines the server sends, in the IRC shape
/// `:<source> <command> <params...> [:<trailing>]` followed by CRLF.
///
/// No line is longer than `maxBytes` (512), CRLF included, whatever it echoes. A line that would
/// be longer is shortened by cutting its longest parameter, middle or trailing, at a UTF-8
/// character boundary, and then the next longest if that was not enough; a middle parameter
/// keeps at least its first character. The long parameter is in practice always what a client
/// typed and the server echoes (an unknown verb in 421, a help topic in 524, a nickname in 432,
/// a PING token, a CAP list), so the server's own words stay whole. Only if the source and
/// command alone leave no room is the line itself cut.
public enum ServerLine {
    /// The longest line formatted, in bytes, CRLF included: `Limits.maxServerLineBytes`.
    public static let maxBytes = Limits.maxServerLineBytes

    /// Appends one formatted line to `buffer`, shortened to `maxBytes` if need be.
    public static func append(
        to buffer: inout [UInt8], source: String, command: String, parameters: [String] = [],
        trailing: String? = nil
    ) {
        let length = lineLength(source: source, command: command, parameters: parameters, trailing: trailing)
        guard length <= maxBytes else {
            appendShortened(
                to: &buffer, source: source, command: command, parameters: parameters, trailing: trailing,
                excess: length - maxBytes)
            return
        }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: length) { line in
            write(into: line, source: source, command: command, parameters: parameters, trailing: trailing)
            buffer.append(contentsOf: line)
        }
    }

    /// One formatted line as bytes, at most `maxBytes` long. Every message relayed is formatted
    /// here. A line that fits is written on the stack and copied into an array of its size:
    /// `Array(unsafeUninitializedCapacity:)` and `reserveCapacity` allocate through an
    /// unspecialized library function that looks the array type's metadata up on each call
    /// (some 800 instructions, more than the rest of formatting), the copying initializer does not.
    public static func format(
        source: String, command: String, parameters: [String] = [], trailing: String? = nil
    ) -> [UInt8] {
        let length = lineLength(source: source, command: command, parameters: parameters, trailing: trailing)
        guard length <= maxBytes else {
            var buffer: [UInt8] = []
            appendShortened(
                to: &buffer, source: source, command: command, parameters: parameters, trailing: trailing,
                excess: length - maxBytes)
            return buffer
        }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: length) { line in
            write(into: line, source: source, command: command, parameters: parameters, trailing: trailing)
            return Array(line)
        }
    }

    /// The length of the whole line, CRLF included, before any shortening.
    private static func lineLength(source: String, command: String, parameters: [String], trailing: String?) -> Int {
        var length = 1 + source.utf8.count + 1 + command.utf8.count + 2
        for parameter in parameters { length += 1 + parameter.utf8.count }
        if let trailing { length += 2 + trailing.utf8.count }
        return length
    }

    /// Writes the line into `line`, which is `lineLength` bytes.
    private static func write(
        into line: UnsafeMutableBufferPointer<UInt8>, source: String, command: String, parameters: [String],
        trailing: String?
    ) {
        var writer = LineWriter(base: line.baseAddress!)
        writer.write(UInt8(ascii: ":"))
        writer.write(source)
        writer.write(UInt8(ascii: " "))
        writer.write(command)
        for parameter in parameters {
            writer.write(UInt8(ascii: " "))
            writer.write(parameter)
        }
        if let trailing {
            writer.write(UInt8(ascii: " "))
            writer.write(UInt8(ascii: ":"))
            writer.write(trailing)
        }
        writer.write(13)
        writer.write(10)
    }

    /// Writes into the storage `write` is given, sized for everything written.
    private struct LineWriter {
        let base: UnsafeMutablePointer<UInt8>
        var offset = 0

        mutating func write(_ byte: UInt8) {
            base[offset] = byte
            offset &+= 1
        }

        mutating func write(_ text: String) {
            var text = text
            text.withUTF8 { bytes in
                guard let source = bytes.baseAddress else { return }
                (base + offset).update(from: source, count: bytes.count)
                offset &+= bytes.count
            }
        }
    }

    /// Appends a numeric reply: `:<server> <code> <target> <params...> [:<trailing>]`, shortened
    /// to `maxBytes` like any line (an echoed parameter is what gets cut).
    public static func appendNumeric(
        to buffer: inout [UInt8], server: String, _ numeric: Numeric, target: String,
        parameters: [String] = [], trailing: String? = nil
    ) {
        append(
            to: &buffer, source: server, command: numeric.code, parameters: [target] + parameters,
            trailing: trailing)
    }

    /// Appends `ERROR :<text>`, the last line a closing connection gets; the text is cut at a
    /// character boundary so the line fits in `maxBytes`.
    public static func appendError(to buffer: inout [UInt8], _ text: String) {
        let prefix = "ERROR :"
        buffer.append(contentsOf: prefix.utf8)
        buffer.append(contentsOf: UTF8Prefix.of(text, atMost: maxBytes - prefix.utf8.count - 2).utf8)
        buffer.append(13)
        buffer.append(10)
    }

    /// The slow path of `append`: the line is `excess` bytes too long.
    private static func appendShortened(
        to buffer: inout [UInt8], source: String, command: String, parameters: [String], trailing: String?,
        excess: Int
    ) {
        var pieces = parameters.map { Array($0.utf8) }
        if let trailing { pieces.append(Array(trailing.utf8)) }
        let trailingIndex = trailing == nil ? nil : pieces.count - 1
        var uncuttable = [Bool](repeating: false, count: pieces.count)
        var excess = excess
        while excess > 0 {
            var longest: Int?
            for index in pieces.indices where !uncuttable[index] {
                if longest.map({ pieces[index].count > pieces[$0].count }) ?? true { longest = index }
            }
            guard let index = longest else { break }
            let piece = pieces[index]
            let minimum = index == trailingIndex ? 0 : 1  // a middle parameter cannot be empty
            var kept = UTF8Prefix.length(of: piece, atMost: max(minimum, piece.count - excess))
            if kept < minimum {
                // The first character is longer than the room left: keep it whole.
                kept = 1
                while kept < piece.count && piece[kept] & 0xC0 == 0x80 { kept += 1 }
            }
            if kept >= piece.count {
                uncuttable[index] = true
                continue
            }
            excess -= piece.count - kept
            pieces[index].removeSubrange(kept...)
        }
        let start = buffer.count
        buffer.append(UInt8(ascii: ":"))
        buffer.append(contentsOf: source.utf8)
        buffer.append(UInt8(ascii: " "))
        buffer.append(contentsOf: command.utf8)
        for (index, piece) in pieces.enumerated() {
            buffer.append(contentsOf: index == trailingIndex ? " :".utf8 : " ".utf8)
            buffer.append(contentsOf: piece)
        }
        // Only a source or command too long for any line gets here with excess left.
        let room = maxBytes - 2
        if buffer.count - start > room {
            let kept = UTF8Prefix.length(of: buffer[start...], atMost: room)
            buffer.removeSubrange((start + kept)...)
        }
        buffer.append(13)
        buffer.append(10)
    }
}
