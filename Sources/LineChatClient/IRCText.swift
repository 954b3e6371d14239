import LineProtocol
import TerminalUI

/// Message text as IRC clients write it, made fit for a terminal: formatting codes (bold,
/// colour, italics ...) removed, CTCP (`\u{1}ACTION waves\u{1}`) recognised, and every other
/// control character neutralised by `TerminalText.sanitized`.
public enum IRCText {
    /// A message's text, read for CTCP.
    public enum Content: Equatable, Sendable {
        /// Ordinary text.
        case text(String)
        /// `\u{1}ACTION <text>\u{1}`: `/me <text>`.
        case action(String)
        /// Another CTCP request or reply (`VERSION`, `PING 123` ...): its command and the rest.
        case ctcp(command: String, rest: String)
    }

    /// Reads `text` (as sent, before cleaning) for CTCP. The closing 0x01 may be missing, as
    /// some clients leave it out.
    public static func content(of text: String) -> Content {
        guard text.unicodeScalars.first == "\u{1}" else { return .text(text) }
        var body = text.unicodeScalars.dropFirst()
        if body.last == "\u{1}" { body = body.dropLast() }
        let inner = String(body)
        let (command, rest) = inner.splitFirstWord()
        if Nickname.fold(String(command)) == "action" { return .action(String(rest)) }
        return .ctcp(command: String(command), rest: String(rest))
    }

    /// `text` without IRC formatting codes and with every other control character made
    /// harmless: what may be written to the user's terminal.
    public static func clean(_ text: String) -> String {
        TerminalText.sanitized(strippingFormatting(text))
    }

    /// `text` without the IRC formatting codes: 0x02 bold, 0x03 colour (with its up to two
    /// foreground and background digits), 0x04 hex colour (with its up to two six-digit
    /// values), 0x0F reset, 0x11 monospace, 0x16 reverse, 0x1D italics, 0x1E strike-through,
    /// 0x1F underline. Other characters are kept.
    public static func strippingFormatting(_ text: String) -> String {
        let scalars = Array(text.unicodeScalars)
        guard scalars.contains(where: { formatting.contains($0.value) || $0.value == 0x03 || $0.value == 0x04 })
        else { return text }
        var result = String.UnicodeScalarView()
        var index = 0
        while index < scalars.count {
            let value = scalars[index].value
            index += 1
            switch value {
            case 0x03:
                index = skipColour(scalars, from: index, digits: 2, isDigit: isDecimal)
            case 0x04:
                index = skipColour(scalars, from: index, digits: 6, isDigit: isHex)
            case _ where formatting.contains(value):
                continue
            default:
                result.append(scalars[index - 1])
            }
        }
        return String(result)
    }

    /// The codes that stand alone (no arguments).
    private static let formatting: Set<UInt32> = [0x02, 0x0F, 0x11, 0x16, 0x1D, 0x1E, 0x1F]

    /// Past `fg[,bg]` after a colour code: up to `digits` digits each; the comma only counts
    /// when a digit follows it.
    private static func skipColour(
        _ scalars: [Unicode.Scalar], from start: Int, digits: Int, isDigit: (Unicode.Scalar) -> Bool
    ) -> Int {
        var index = start
        func skipDigits() -> Int {
            var count = 0
            while count < digits, index < scalars.count, isDigit(scalars[index]) {
                index += 1
                count += 1
            }
            return count
        }
        guard skipDigits() > 0 else { return index }
        if index + 1 < scalars.count, scalars[index] == ",", isDigit(scalars[index + 1]) {
            index += 1
            _ = skipDigits()
        }
        return index
    }

    private static func isDecimal(_ scalar: Unicode.Scalar) -> Bool { ("0"..."9").contains(scalar) }

    private static func isHex(_ scalar: Unicode.Scalar) -> Bool {
        ("0"..."9").contains(scalar) || ("a"..."f").contains(scalar) || ("A"..."F").contains(scalar)
    }
}
