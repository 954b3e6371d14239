/// Formats lines the server sends, in the IRC shape
/// `:<source> <command> <params...> [:<trailing>]` followed by CRLF.
public enum ServerLine {
    /// Appends one formatted line to `buffer`.
    public static func append(
        to buffer: inout [UInt8], source: String, command: String, parameters: [String] = [],
        trailing: String? = nil
    ) {
        buffer.append(UInt8(ascii: ":"))
        buffer.append(contentsOf: source.utf8)
        buffer.append(UInt8(ascii: " "))
        buffer.append(contentsOf: command.utf8)
        for parameter in parameters {
            buffer.append(UInt8(ascii: " "))
            buffer.append(contentsOf: parameter.utf8)
        }
        if let trailing {
            buffer.append(contentsOf: " :".utf8)
            buffer.append(contentsOf: trailing.utf8)
        }
        buffer.append(13)
        buffer.append(10)
    }

    /// One formatted line as bytes.
    public static func format(
        source: String, command: String, parameters: [String] = [], trailing: String? = nil
    ) -> [UInt8] {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(source.utf8.count + command.utf8.count + (trailing?.utf8.count ?? 0) + 32)
        append(to: &buffer, source: source, command: command, parameters: parameters, trailing: trailing)
        return buffer
    }

    /// Appends a numeric reply: `:<server> <code> <target> <params...> [:<trailing>]`.
    public static func appendNumeric(
        to buffer: inout [UInt8], server: String, _ numeric: Numeric, target: String,
        parameters: [String] = [], trailing: String? = nil
    ) {
        append(
            to: &buffer, source: server, command: numeric.code, parameters: [target] + parameters,
            trailing: trailing)
    }

    /// Appends `ERROR :<text>`, the last line a closing connection gets.
    public static func appendError(to buffer: inout [UInt8], _ text: String) {
        buffer.append(contentsOf: "ERROR :".utf8)
        buffer.append(contentsOf: text.utf8)
        buffer.append(13)
        buffer.append(10)
    }
}
