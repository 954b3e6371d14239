/// Turns the bytes of one line (terminator already removed) into a `Command`, in one linear
/// pass. Grammar: `["@" tags SP] [":" prefix SP] VERB *(SP param) [SP ":" trailing]`. Verbs are
/// case-insensitive, runs of spaces separate parameters and a client's prefix is ignored. For
/// PRIVMSG, BROADCAST and QUIT the last parameter is the rest of the line, with or without a
/// leading ':', inner spacing kept; PRIVMSG and BROADCAST text longer than
/// `Limits.maxParsedTextBytes` is refused (`.textTooLong`); the session checks the exact limit
/// for the sender and target, so that every relayed line fits.
public enum LineParser {
    public static func parse(_ line: UnsafeRawBufferPointer) -> Result<Command, ParseError> {
        if let problem = LineContent.problem(in: line) {
            switch problem {
            case .invalidUTF8: return .failure(.invalidUTF8)
            case .controlCharacter(let value): return .failure(.controlCharacter(value))
            }
        }
        var cursor = Cursor(bytes: line)
        cursor.skipPrefix()
        guard !cursor.atEnd else { return .failure(.emptyLine) }
        let verbBytes = cursor.wordBytes()
        guard let verb = Verb(caseInsensitive: verbBytes) else {
            return .failure(.unknownCommand(ASCIICase.uppercased(String(decoding: verbBytes, as: UTF8.self))))
        }
        cursor.skipSpaces()

        switch verb {
        case .nick:
            guard let nick = cursor.parameter(), !nick.isEmpty else { return .failure(.noNicknameGiven) }
            return .success(.nick(nick))
        case .privmsg, .notice:
            // The same grammar: <target>[,<target>...] <text>.
            guard let targetList = cursor.parameter(), !targetList.isEmpty else {
                return .failure(.noRecipient(verb))
            }
            let targets = Self.list(targetList)
            guard !targets.isEmpty else { return .failure(.noRecipient(verb)) }
            guard targets.count <= Limits.maxTargets else { return .failure(.tooManyTargets(verb)) }
            cursor.skipSpaces()
            guard let text = cursor.text(atMost: Limits.maxParsedTextBytes) else {
                return .failure(.noTextToSend(verb))
            }
            guard case .fits(let text) = text else { return .failure(.textTooLong(verb)) }
            return .success(verb == .notice ? .notice(targets: targets, text: text) : .privmsg(targets: targets, text: text))
        case .broadcast:
            guard let text = cursor.text(atMost: Limits.maxParsedTextBytes) else {
                return .failure(.noTextToSend(verb))
            }
            guard case .fits(let text) = text else { return .failure(.textTooLong(verb)) }
            return .success(.broadcast(text))
        case .list:
            // LIST alone lists users (or rooms, for IRC clients: the session decides); LIST with a
            // mask or room list lists rooms.
            guard let mask = cursor.parameter(), !mask.isEmpty else { return .success(.list) }
            return .success(.listRooms(mask: mask))
        case .quit:
            return .success(.quit(cursor.text()))
        case .ping:
            guard let token = cursor.parameter(), !token.isEmpty else { return .failure(.needMoreParameters(verb)) }
            return .success(.ping(token))
        case .pong:
            return .success(.pong(cursor.parameter().flatMap { $0.isEmpty ? nil : $0 }))
        case .help, .helpop:
            return .success(.help(cursor.parameter().flatMap { $0.isEmpty ? nil : $0 }))
        case .cap:
            guard let subcommand = cursor.parameter(), !subcommand.isEmpty else {
                return .failure(.needMoreParameters(verb))
            }
            var parameters: [String] = []
            cursor.skipSpaces()
            while let parameter = cursor.parameter() {
                parameters.append(parameter)
                cursor.skipSpaces()
            }
            return .success(.cap(subcommand: ASCIICase.uppercased(subcommand), parameters: parameters))
        case .user:
            // USER <user> <mode> <unused> <realname>: all four, the real name not empty.
            let parameters = cursor.parameters()
            guard parameters.count >= 4, !parameters[0].isEmpty, !parameters[3].isEmpty else {
                return .failure(.needMoreParameters(verb))
            }
            return .success(.user(username: parameters[0], realname: parameters[3]))
        case .join:
            let parameters = cursor.parameters()
            guard let rooms = parameters.first, !rooms.isEmpty else { return .failure(.needMoreParameters(verb)) }
            let keys = parameters.count > 1 ? Self.list(parameters[1]) : []
            return .success(.join(rooms: Self.list(rooms), keys: keys))
        case .part:
            guard let rooms = cursor.parameter(), !rooms.isEmpty else { return .failure(.needMoreParameters(verb)) }
            cursor.skipSpaces()
            return .success(.part(rooms: Self.list(rooms), reason: cursor.text()))
        case .topic:
            guard let room = cursor.parameter(), !room.isEmpty else { return .failure(.needMoreParameters(verb)) }
            cursor.skipSpaces()
            if cursor.atEnd { return .success(.topic(room: room, text: nil)) }
            return .success(.topic(room: room, text: cursor.text() ?? ""))
        case .names:
            guard let rooms = cursor.parameter(), !rooms.isEmpty else { return .success(.names(rooms: nil)) }
            return .success(.names(rooms: Self.list(rooms)))
        case .rooms:
            return .success(.rooms)
        case .who:
            let parameters = cursor.parameters()
            guard let mask = parameters.first, !mask.isEmpty else { return .failure(.needMoreParameters(verb)) }
            return .success(.who(mask: mask, fields: parameters.count > 1 ? parameters[1] : nil))
        case .whois:
            // WHOIS [<server>] <nick>: the last parameter is the nick.
            guard let nick = cursor.parameters().last, !nick.isEmpty else { return .failure(.noNicknameGiven) }
            return .success(.whois(nick: Self.list(nick).first ?? nick))
        case .away:
            return .success(.away(cursor.text().flatMap { $0.isEmpty ? nil : $0 }))
        case .invite:
            let parameters = cursor.parameters()
            guard parameters.count >= 2, !parameters[0].isEmpty, !parameters[1].isEmpty else {
                return .failure(.needMoreParameters(verb))
            }
            return .success(.invite(nick: parameters[0], room: parameters[1]))
        case .kick:
            guard let room = cursor.parameter(), !room.isEmpty else { return .failure(.needMoreParameters(verb)) }
            cursor.skipSpaces()
            guard let nicks = cursor.parameter(), !nicks.isEmpty else { return .failure(.needMoreParameters(verb)) }
            cursor.skipSpaces()
            return .success(.kick(room: room, nicks: Self.list(nicks), reason: cursor.text()))
        case .mode:
            let parameters = cursor.parameters()
            guard let target = parameters.first, !target.isEmpty else { return .failure(.needMoreParameters(verb)) }
            return .success(
                .mode(target: target, modes: parameters.count > 1 ? parameters[1] : nil,
                    arguments: Array(parameters.dropFirst(2))))
        case .userhost, .ison:
            // Split at the space byte: a space followed by a combining mark is one Character.
            let nicks = cursor.parameters().flatMap {
                $0.utf8.split(separator: UInt8(ascii: " ")).map { String(decoding: $0, as: UTF8.self) }
            }
            guard !nicks.isEmpty else { return .failure(.needMoreParameters(verb)) }
            return .success(verb == .ison ? .ison(nicks) : .userhost(nicks))
        case .history:
            let parameters = cursor.parameters()
            guard let room = parameters.first, !room.isEmpty else { return .failure(.needMoreParameters(verb)) }
            return .success(.history(room: room, count: parameters.count > 1 ? parameters[1] : nil))
        case .chathistory:
            guard let subcommand = cursor.parameter(), !subcommand.isEmpty else {
                return .failure(.needMoreParameters(verb))
            }
            cursor.skipSpaces()
            return .success(.chathistory(subcommand: ASCIICase.uppercased(subcommand), parameters: cursor.parameters()))
        case .tagmsg:
            guard let targetList = cursor.parameter(), !targetList.isEmpty else {
                return .failure(.noRecipient(verb))
            }
            let targets = Self.list(targetList)
            guard !targets.isEmpty else { return .failure(.noRecipient(verb)) }
            guard targets.count <= Limits.maxTargets else { return .failure(.tooManyTargets(verb)) }
            return .success(.tagmsg(targets: targets))
        }
    }

    /// The verb of a line, if it is one we know (a client's prefix skipped), without parsing
    /// the rest.
    public static func verb(of line: UnsafeRawBufferPointer) -> Verb? {
        var cursor = Cursor(bytes: line)
        cursor.skipPrefix()
        return Verb(caseInsensitive: cursor.wordBytes())
    }

    /// A comma-separated list, empty items dropped.
    static func list(_ text: String) -> [String] {
        // Most lists (a PRIVMSG's targets) are one item: no split.
        if !text.containsUTF8Byte(in: UInt8(ascii: ",")...UInt8(ascii: ",")) { return text.isEmpty ? [] : [text] }
        return text.utf8.split(separator: UInt8(ascii: ",")).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Parses a line held in any byte collection (convenient for tests and the client).
    public static func parse<Bytes: Collection<UInt8>>(bytes: Bytes) -> Result<Command, ParseError> {
        let array = Array(bytes)
        return array.withUnsafeBytes { parse($0) }
    }

    /// Parses a line given as a string.
    public static func parse(_ line: String) -> Result<Command, ParseError> {
        parse(bytes: Array(line.utf8))
    }
}

/// A read position in a line's bytes.
private struct Cursor {
    let bytes: UnsafeRawBufferPointer
    var index = 0

    var atEnd: Bool { index >= bytes.count }
    var peek: UInt8? { atEnd ? nil : bytes[index] }

    /// Skips leading spaces, IRCv3 `@tags` (the session reads them separately) and a client's
    /// `:prefix` (ignored: the server knows who sent it).
    mutating func skipPrefix() {
        if peek == UInt8(ascii: "@") {
            _ = wordBytes()
        }
        skipSpaces()
        if peek == UInt8(ascii: ":") {
            _ = wordBytes()
            skipSpaces()
        }
    }

    mutating func skipSpaces() {
        while index < bytes.count && bytes[index] == UInt8(ascii: " ") { index += 1 }
    }

    /// The bytes up to the next space, as text.
    mutating func word() -> String {
        let start = index
        while index < bytes.count && bytes[index] != UInt8(ascii: " ") { index += 1 }
        return string(start, index)
    }

    /// The bytes up to the next space.
    mutating func wordBytes() -> UnsafeRawBufferPointer {
        let start = index
        while index < bytes.count && bytes[index] != UInt8(ascii: " ") { index += 1 }
        return UnsafeRawBufferPointer(rebasing: bytes[start..<index])
    }

    /// Every parameter left: middle ones, then a trailing one.
    mutating func parameters() -> [String] {
        var result: [String] = []
        skipSpaces()
        while let parameter = parameter() {
            result.append(parameter)
            skipSpaces()
        }
        return result
    }

    /// The next middle parameter, or the trailing one when it starts with ':'. Nil at the end.
    mutating func parameter() -> String? {
        guard !atEnd else { return nil }
        if bytes[index] == UInt8(ascii: ":") {
            let start = index + 1
            index = bytes.count
            return string(start, index)
        }
        return word()
    }

    /// The rest of the line as free text: one leading ':' is dropped, inner spacing is kept.
    /// Nil when nothing (or only ':') remains.
    mutating func text() -> String? {
        guard !atEnd else { return nil }
        var start = index
        if bytes[start] == UInt8(ascii: ":") { start += 1 }
        index = bytes.count
        return start < bytes.count ? string(start, bytes.count) : nil
    }

    /// The rest of the line as free text, like `text()`, unless it is longer than `limit` bytes.
    mutating func text(atMost limit: Int) -> BoundedText? {
        guard !atEnd else { return nil }
        var start = index
        if bytes[start] == UInt8(ascii: ":") { start += 1 }
        guard start < bytes.count else { return nil }
        guard bytes.count - start <= limit else { return .tooLong }
        index = bytes.count
        return .fits(string(start, bytes.count))
    }

    private func string(_ start: Int, _ end: Int) -> String {
        String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
    }
}

/// Free text that fits its limit, or the news that it does not (without copying it).
private enum BoundedText {
    case fits(String)
    case tooLong
}
