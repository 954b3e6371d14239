import LineProtocol

/// IRCv3 labeled-response: the lines answering a command that carried `@label=<x>` are tagged
/// with that label: one line gets the tag, several are wrapped in a `labeled-response` batch,
/// and none is answered with an `ACK`.
public enum LabeledResponse {
    /// `lines` (whole CR LF lines) labeled with `label`.
    public static func wrap(_ lines: ArraySlice<UInt8>, label: String, server: String, batchID: String) -> [UInt8] {
        let escaped = MessageTags.escape(label)
        let split = lines.split(separator: 10, omittingEmptySubsequences: true)
        var bytes: [UInt8] = []
        switch split.count {
        case 0:
            bytes.append(contentsOf: "@label=\(escaped) :\(server) ACK\r\n".utf8)
        case 1:
            appendTagged(split[0], tag: "label=" + escaped, to: &bytes)
        default:
            bytes.append(contentsOf: "@label=\(escaped) :\(server) BATCH +\(batchID) labeled-response\r\n".utf8)
            for line in split { appendTagged(line, tag: "batch=" + batchID, to: &bytes) }
            bytes.append(contentsOf: ":\(server) BATCH -\(batchID)\r\n".utf8)
        }
        return bytes
    }

    /// A line (LF removed) with one more tag, first among its tags.
    private static func appendTagged(_ line: ArraySlice<UInt8>, tag: String, to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "@"))
        bytes.append(contentsOf: tag.utf8)
        if line.first == UInt8(ascii: "@") {
            bytes.append(UInt8(ascii: ";"))
            bytes.append(contentsOf: line.dropFirst())
        } else {
            bytes.append(UInt8(ascii: " "))
            bytes.append(contentsOf: line)
        }
        bytes.append(10)
    }
}
