/// Why a line did not parse into a command. Each case maps to one numeric reply (see
/// `ParseError.numeric`) except `.emptyLine`, which the server ignores.
public enum ParseError: Error, Equatable, Sendable {
    /// Nothing but spaces, or only a prefix.
    case emptyLine
    /// 400: the bytes are not valid UTF-8.
    case invalidUTF8
    /// 400: the line holds a control character other than TAB.
    case controlCharacter(UInt32)
    /// 421: the verb is not one we know (as sent, upper-cased).
    case unknownCommand(String)
    /// 461: the command needs more parameters.
    case needMoreParameters(Verb)
    /// 411: PRIVMSG without a recipient.
    case noRecipient(Verb)
    /// 412: PRIVMSG or BROADCAST without text.
    case noTextToSend(Verb)
    /// 431: NICK without a nickname.
    case noNicknameGiven
    /// 407: more recipients than `Limits.maxTargets`.
    case tooManyTargets(Verb)
    /// 417: PRIVMSG or BROADCAST text longer than `Limits.maxParsedTextBytes`, which would not
    /// fit in a relayed line.
    case textTooLong(Verb)

    /// True for `.unknownCommand`.
    public var isUnknownCommand: Bool {
        if case .unknownCommand = self { return true }
        return false
    }

    /// The verb the line was sent with, when it was recognised.
    public var verb: Verb? {
        switch self {
        case .needMoreParameters(let verb), .noRecipient(let verb), .noTextToSend(let verb),
            .tooManyTargets(let verb), .textTooLong(let verb):
            verb
        case .noNicknameGiven: .nick
        case .emptyLine, .invalidUTF8, .controlCharacter, .unknownCommand: nil
        }
    }
}

extension LineContent.Problem {
    /// The words a 400 reply uses for this problem.
    public var reason: String {
        switch self {
        case .invalidUTF8:
            "Line refused: not valid UTF-8"
        case .controlCharacter(let value):
            "Line refused: control character \(ControlCharacter.name(value)) is not allowed"
        }
    }
}

/// Names of control characters, for error messages.
enum ControlCharacter {
    static func name(_ value: UInt32) -> String {
        let names = [
            "NUL", "SOH", "STX", "ETX", "EOT", "ENQ", "ACK", "BEL", "BS", "TAB", "LF", "VT", "FF", "CR", "SO", "SI",
            "DLE", "DC1", "DC2", "DC3", "DC4", "NAK", "SYN", "ETB", "CAN", "EM", "SUB", "ESC", "FS", "GS", "RS", "US",
        ]
        let hex = "0x" + (value < 0x10 ? "0" : "") + String(value, radix: 16, uppercase: true)
        if value < 0x20 { return "\(hex) (\(names[Int(value)]))" }
        if value == 0x7F { return "\(hex) (DEL)" }
        return "U+00" + String(value, radix: 16, uppercase: true)
    }
}
