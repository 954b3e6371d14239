/// Rewrites a transcript so that every nickname it registers carries a suffix, for replaying
/// against a live server where someone may already be called alice. The same rewrite is
/// applied to what clients send and to what they expect, so the transcript stays consistent.
///
/// The nicknames are those of `register` steps, of sent `NICK <nick>` lines (after any
/// `:prefix`), of expected welcomes (`:<server> 001 <nick> ...`) and renames (`:<old> NICK
/// <new>`), when valid nicknames other than the server's name (the reserved-name transcript
/// keeps its refusal). Each is replaced, ignoring ASCII case and keeping the case as written, wherever it
/// stands as a whole word: not next to a letter, digit or other nickname character.
/// A transcript with a `keep-nicks <why>` line is left as it is.
public struct NickSuffix: Sendable {
    /// Appended to every nickname: nickname characters only, at most `maxLength` bytes.
    public let suffix: String
    /// What `{server}` stood for when the transcript was parsed.
    public let serverName: String

    /// The longest nickname a LineChat server accepts (PROTOCOL.md, NICKLEN).
    public static let nicknameLimit = 30
    /// The longest suffix: it leaves room for nicknames of up to 22 bytes.
    public static let maxLength = 8

    /// Why a suffix or a rewrite cannot be used.
    public struct Problem: Error, Equatable, CustomStringConvertible {
        public let description: String
    }

    public init(_ suffix: String, serverName: String = "linechat") throws(Problem) {
        guard !suffix.isEmpty, suffix.utf8.count <= Self.maxLength, suffix.utf8.allSatisfy(Self.isNickByte) else {
            throw Problem(
                description: "a nick suffix is 1 to \(Self.maxLength) letters, digits or - _ [ ] { } \\ | ^ `,"
                    + " not '\(suffix)'")
        }
        self.suffix = suffix
        self.serverName = serverName
    }

    /// A suffix unlikely to be in use: `-` and five base-36 characters from `seed` (the
    /// process id and the time, say).
    public static func unique(seed: UInt64) -> String {
        let digits = Array("0123456789abcdefghijklmnopqrstuvwxyz".utf8)
        var value = seed
        var text: [UInt8] = [UInt8(ascii: "-")]
        for _ in 0..<5 {
            text.append(digits[Int(value % 36)])
            value /= 36
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// `transcript` with every nickname suffixed; unchanged when it says `keep-nicks`. Throws
    /// when a suffixed nickname would be longer than a server accepts.
    public func apply(to transcript: Transcript) throws(Problem) -> Transcript {
        guard transcript.keepNicksReason == nil else { return transcript }
        let nicks = nicknames(in: transcript)
        for nick in nicks where nick.count + suffix.utf8.count > Self.nicknameLimit {
            throw Problem(
                description: "\(transcript.path): the nickname \(String(decoding: nick, as: UTF8.self)) with the suffix"
                    + " '\(suffix)' is longer than \(Self.nicknameLimit) bytes; use a shorter suffix, or write"
                    + " `keep-nicks <why>` in the transcript")
        }
        let steps = transcript.steps.map { step -> Step in
            switch step.action {
            case .send(let bytes):
                return Step(line: step.line, client: step.client, action: .send(rewrite(bytes, nicks)))
            case .register(let nick):
                return Step(line: step.line, client: step.client, action: .register(rewrite(nick, nicks)))
            case .expect(let pattern):
                return Step(line: step.line, client: step.client, action: .expect(rewrite(pattern, nicks)))
            case .skipUntil(let pattern):
                return Step(line: step.line, client: step.client, action: .skipUntil(rewrite(pattern, nicks)))
            default:
                return step
            }
        }
        return Transcript(path: transcript.path, steps: steps)
    }

    /// The nicknames to rewrite, lower-cased (ASCII), longest first so that a nickname that
    /// begins another one cannot take its place.
    func nicknames(in transcript: Transcript) -> [[UInt8]] {
        var found: Set<[UInt8]> = []
        let server = Self.folded(Array(serverName.utf8))
        for step in transcript.steps {
            var candidate: [UInt8]?
            switch step.action {
            case .register(let nick): candidate = Array(nick.utf8)
            case .send(let bytes): candidate = Self.nickParameter(bytes)
            case .expect(let pattern), .skipUntil(let pattern):
                candidate = pattern.parts.first.flatMap { part in
                    guard case .literal(let text) = part else { return nil }
                    return announcedNick(Array(text.utf8))
                }
            default: break
            }
            guard let nick = candidate, Self.isValidNickname(nick), Self.folded(nick) != server else { continue }
            found.insert(Self.folded(nick))
        }
        return found.sorted { $0.count != $1.count ? $0.count > $1.count : $0.lexicographicallyPrecedes($1) }
    }

    /// The nickname a server line starts by naming: the target of a 001 welcome, or the new
    /// nickname of a rename. Nil for any other line.
    func announcedNick(_ line: [UInt8]) -> [UInt8]? {
        let words = line.split(separator: UInt8(ascii: " "), maxSplits: 3, omittingEmptySubsequences: false)
        guard words.count >= 3 else { return nil }
        if Array(words[0]) == Array(":\(serverName)".utf8) && Array(words[1]) == Array("001".utf8) {
            return Array(words[2])
        }
        if words[0].first == UInt8(ascii: ":") && Array(words[1]) == Array("NICK".utf8) && words.count == 3 {
            return Array(words[2])
        }
        return nil
    }

    /// The nickname of a `NICK <nick>` line (any case, after any `:prefix`, up to the line
    /// end), or nil.
    static func nickParameter(_ bytes: [UInt8]) -> [UInt8]? {
        var line = bytes.prefix { $0 != 10 && $0 != 13 }.drop { $0 == UInt8(ascii: " ") }
        if line.first == UInt8(ascii: ":") {
            line = line.drop { $0 != UInt8(ascii: " ") }.drop { $0 == UInt8(ascii: " ") }
        }
        guard line.count > 5, folded(Array(line.prefix(5))) == Array("nick ".utf8) else { return nil }
        let rest = line.dropFirst(5)
        guard !rest.contains(UInt8(ascii: " ")) else { return nil }
        return Array(rest)
    }

    private func rewrite(_ pattern: Pattern, _ nicks: [[UInt8]]) -> Pattern {
        Pattern(
            parts: pattern.parts.map { part in
                guard case .literal(let text) = part else { return part }
                return .literal(rewrite(text, nicks))
            })
    }

    private func rewrite(_ text: String, _ nicks: [[UInt8]]) -> String {
        String(decoding: rewrite(Array(text.utf8), nicks), as: UTF8.self)
    }

    /// Appends the suffix after each whole-word occurrence of a nickname in `bytes`.
    func rewrite(_ bytes: [UInt8], _ nicks: [[UInt8]]) -> [UInt8] {
        var result: [UInt8] = []
        var index = 0
        while index < bytes.count {
            let atWordStart = index == 0 || !Self.isNickByte(bytes[index - 1])
            if atWordStart,
                let nick = nicks.first(where: { nick in
                    let end = index + nick.count
                    return end <= bytes.count && Self.folded(Array(bytes[index..<end])) == nick
                        && (end == bytes.count || !Self.isNickByte(bytes[end]))
                })
            {
                result += bytes[index..<(index + nick.count)]
                result += suffix.utf8
                index += nick.count
            } else {
                result.append(bytes[index])
                index += 1
            }
        }
        return result
    }

    /// PROTOCOL.md's nickname: 1 to 30 letters, digits and `- _ [ ] { } \ | ^ \``, not starting
    /// with a digit or `-`.
    static func isValidNickname(_ nick: [UInt8]) -> Bool {
        guard let first = nick.first, nick.count <= nicknameLimit, nick.allSatisfy(isNickByte) else { return false }
        return !(48...57).contains(first) && first != UInt8(ascii: "-")
    }

    static func isNickByte(_ byte: UInt8) -> Bool {
        (48...57).contains(byte) || (65...90).contains(byte) || (97...122).contains(byte)
            || Array("-_[]{}\\|^`".utf8).contains(byte)
    }

    /// ASCII lower case, as the server's CASEMAPPING=ascii compares.
    static func folded(_ bytes: [UInt8]) -> [UInt8] {
        bytes.map { (65...90).contains($0) ? $0 + 32 : $0 }
    }
}
