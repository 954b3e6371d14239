import LineProtocol

/// How rendered lines look: plain text, or with ANSI colours when stdout is a terminal and
/// NO_COLOR is not set. Each nickname always gets the same colour.
public struct Style: Equatable, Sendable {
    /// Whether to emit ANSI colour sequences.
    public var colours: Bool

    /// Plain text, no escape sequences.
    public static let plain = Style(colours: false)
    /// ANSI colours.
    public static let coloured = Style(colours: true)

    public init(colours: Bool) {
        self.colours = colours
    }

    /// The style for a program whose stdout is (or is not) a terminal, given the value of
    /// NO_COLOR. Following no-color.org, a NO_COLOR that is set and not empty turns colour off.
    public static func forOutput(isTerminal: Bool, noColor: String?) -> Style {
        Style(colours: isTerminal && (noColor ?? "").isEmpty)
    }

    /// `nick` in its own colour.
    public func nick(_ nick: String) -> String {
        paint(nick, NickColour.code(for: nick))
    }

    /// A notice about the room (joins, quits, renames): dim.
    public func event(_ text: String) -> String { paint(text, "2") }

    /// A room's earlier messages, replayed from the server's history: dim, like events, so
    /// they do not read as new.
    public func history(_ text: String) -> String { paint(text, "2") }

    /// Something that went wrong: red.
    public func error(_ text: String) -> String { paint(text, "31") }

    /// An announcement from the server: bold.
    public func announcement(_ text: String) -> String { paint(text, "1") }

    /// A heading (the user list): bold.
    public func heading(_ text: String) -> String { paint(text, "1") }

    private func paint(_ text: String, _ code: String) -> String {
        colours ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }
}

/// The colour a nickname is shown in: a stable hash of its case-folded form (so `Alice` and
/// `alice`, which are the same user, match) picks one of ten colours. Red is left for errors.
public enum NickColour {
    /// The SGR codes nicknames are drawn from.
    public static let palette = ["32", "33", "34", "35", "36", "92", "93", "94", "95", "96"]

    /// The SGR code for `nick`, the same in every run (FNV-1a, not the seeded `Hasher`).
    public static func code(for nick: String) -> String {
        var hash: UInt32 = 2_166_136_261
        for byte in Nickname.fold(nick).utf8 {
            hash = (hash ^ UInt32(byte)) &* 16_777_619
        }
        return palette[Int(hash % UInt32(palette.count))]
    }
}
