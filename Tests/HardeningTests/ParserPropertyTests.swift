import Foundation
import LineProtocol
import Testing

/// Properties of the protocol layer over a million seeded random and mutated lines: the parser
/// never crashes or hangs, a parsed command formats back to a line that parses to the same
/// command, and the framer gives the same lines whatever chunks the bytes arrive in.
@Suite("Parser properties")
struct ParserPropertyTests {
    static let lineCount = 1_000_000
    static let seed: UInt64 = 0x11AE_C4A7

    @Test(
        "a million random and mutated lines: no crash, no hang, and every parsed command round-trips",
        .timeLimit(.minutes(10)))
    func millionLines() {
        var random = SeededRandom(seed: Self.seed)
        let bases = ProtocolSamples.lines
        var parsedByVerb: [Verb: Int] = [:]
        var refusedByError: [String: Int] = [:]
        var failures: [String: (count: Int, example: String)] = [:]
        var splitAtCharacters: [String] = []
        var line: [UInt8] = []
        for i in 0..<Self.lineCount {
            if i % 8 == 0 {
                Mutator.randomLine(into: &line, &random)
            } else {
                line = random.pick(bases)
                Mutator.mutate(&line, bases: bases, &random)
            }
            let result = line.withUnsafeBytes { LineParser.parse($0) }
            switch result {
            case .success(let command):
                parsedByVerb[command.verb, default: 0] += 1
                if Self.hasSpacedWord(command) {
                    splitAtCharacters.append(Self.escaped(line))
                    continue
                }
                let again = LineParser.parse(command.line)
                if again != .success(command) {
                    let key = command.verb.rawValue
                    let example =
                        "\(Self.escaped(line)) parses as \(command), formats as \"\(command.line)\", "
                        + "which parses as \(again)"
                    failures[key, default: (0, example)].count += 1
                }
            case .failure(let error):
                refusedByError[String(describing: error).prefix { $0 != "(" }.description, default: 0] += 1
            }
        }
        let report = failures.sorted { $0.key < $1.key }
            .map { "\($0.key): \($0.value.count) lines, e.g. \($0.value.example)" }
            .joined(separator: "\n")
        #expect(failures.isEmpty, "round trip failed:\n\(report)")
        #expect(splitAtCharacters.isEmpty, "\(splitAtCharacters.count) lines, e.g. \(splitAtCharacters.prefix(3))")
        // The mutations reach every command and every kind of refusal, not just garbage.
        for verb in Verb.allCases where verb != .helpop {  // HELPOP parses as HELP
            #expect(
                parsedByVerb[verb, default: 0] >= 500, "only \(parsedByVerb[verb, default: 0]) \(verb) lines parsed")
        }
        for error in [
            "emptyLine", "invalidUTF8", "controlCharacter", "unknownCommand", "needMoreParameters",
            "noRecipient", "noTextToSend", "noNicknameGiven", "tooManyTargets",
        ] {
            #expect(refusedByError[error, default: 0] >= 50, "only \(refusedByError[error, default: 0]) \(error)")
        }
    }

    /// A USERHOST or ISON word holding a space byte: the parser split the words at Characters.
    static func hasSpacedWord(_ command: Command) -> Bool {
        switch command {
        case .userhost(let words), .ison(let words): words.contains { $0.utf8.contains(UInt8(ascii: " ")) }
        default: false
        }
    }

    /// Bytes as readable text: printable ASCII as is, the rest as \xHH.
    static func escaped(_ bytes: [UInt8]) -> String {
        "\""
            + bytes.map {
                $0 >= 0x20 && $0 < 0x7F && $0 != 0x5C ? String(UnicodeScalar($0)) : "\\x" + String($0, radix: 16)
            }
            .joined() + "\""
    }

    /// The smallest lines the property test and the fuzzer found, each a formatting bug in
    /// `Command.line`: NICK's nickname, HELP's topic and CAP's subcommand that came as a trailing
    /// parameter (`:` then text with a space, or text starting with `:`) are written back
    /// without their `:`, and a PRIVMSG target list that starts with `:` after an empty first
    /// target (`,:a`) is written back as a trailing parameter that swallows the text.
    @Test(
        "formatting a parsed command and parsing it again gives the same command",
        arguments: [
            "NICK alice", "PRIVMSG a,b :hi  there", "BROADCAST ::x", "QUIT :bye now", "PING :a b", "PONG ::p",
            "CAP LS 302", "CAP REQ :a b", "HELP privmsg",
            // Found by fuzzing and by the property test; each was a bug, fixed since.
            "NICK :a b", "NICK ::x", "HELP :a b", "HELP ::x", "CAP :ls x", "PRIVMSG ,:a hi",
            // Found by the property test once rooms came: a USER name from the trailing
            // parameter, empty room and nick lists, a USERHOST word starting with ':'.
            "USER a 0 * :ign  ore", "JOIN  , :\tkey", "JOIN ,", "names , ", "PART ,",
            "PART , :why", "KICK #a ,", "KICK #a , :why", "userhost ::^} ,,:-:", "ISON ::a :b",
        ])
    func roundTrip(_ text: String) throws {
        let command = try LineParser.parse(text).get()
        #expect(LineParser.parse(command.line) == .success(command), "\"\(text)\" formats as \"\(command.line)\"")
    }

    /// Found by the property test once rooms came: USERHOST and ISON once split their words at
    /// Characters, and a space followed by a combining accent (U+0301) is one Character, so the
    /// word " \u{301}b" kept its space and formatted back as two words.
    @Test(
        "USERHOST and ISON words are split at every space byte",
        arguments: ["USERHOST A  :  \u{301}b c", "ISON :a \u{301}b"])
    func wordsSplitAtSpaceBytes(_ text: String) throws {
        let command = try LineParser.parse(text).get()
        #expect(!Self.hasSpacedWord(command), "\"\(text)\" parses as \(command)")
        #expect(LineParser.parse(command.line) == .success(command), "\"\(text)\" formats as \"\(command.line)\"")
    }

    /// Found from the fuzzer's dictionary: the verb is upper-cased with Unicode's full case
    /// mapping (`String.uppercased()`), so dotless i (U+0131) and long s (U+017F) spell ASCII verbs.
    @Test("verbs are case-insensitive in ASCII only", arguments: ["prıvmsg bob hi", "BROADCAſT hi", "lıst", "nıck x"])
    func verbsMatchInASCIIOnly(_ text: String) {
        guard case .failure(.unknownCommand) = LineParser.parse(text) else {
            Issue.record("\"\(text)\" parses as \(LineParser.parse(text))")
            return
        }
    }

    @Test(
        "the framer gives the same lines fed whole, in random chunks and byte by byte, as a reference model",
        .timeLimit(.minutes(10)))
    func framerChunking() {
        var random = SeededRandom(seed: Self.seed ^ 0xF4A3)
        let bases = ProtocolSamples.lines
        var checkedLines = 0
        var overlong = 0
        for stream in 0..<400 {
            var bytes: [UInt8] = []
            var line: [UInt8] = []
            for _ in 0..<(200 + random.below(400)) {
                line = random.pick(bases)
                if random.chance(70) { Mutator.mutate(&line, bases: bases, &random) }
                if random.chance(3) { line += [UInt8](repeating: 0x61, count: random.below(700)) }
                bytes += line
                if random.chance(5) { bytes += Mutator.telnetSequences[random.below(Mutator.telnetSequences.count)] }
                switch random.below(20) {
                case 0: break  // no terminator: runs into the next line
                case 1: bytes += [13, 13, 10]
                case 2: bytes += [13]
                case 3: bytes += [13, 0]
                case 4...10: bytes += [10]
                default: bytes += [13, 10]
                }
            }
            let maxLineBytes = stream % 3 == 0 ? 64 : 512
            let expected = FramerModel.events(bytes, maxLineBytes: maxLineBytes)
            let whole = FramerModel.feed(bytes, maxLineBytes: maxLineBytes) { _ in bytes.count }
            let chunkLimit = random.pick([2, 8, 100, 1500, 70_000])
            let chunked = FramerModel.feed(bytes, maxLineBytes: maxLineBytes) { _ in 1 + random.below(chunkLimit) }
            #expect(whole == expected, "stream \(stream): fed whole differs from the model")
            #expect(
                chunked == expected, "stream \(stream): fed in chunks of up to \(chunkLimit) differs from the model")
            if stream % 40 == 0 {
                let bytewise = FramerModel.feed(bytes, maxLineBytes: maxLineBytes) { _ in 1 }
                #expect(bytewise == expected, "stream \(stream): fed byte by byte differs from the model")
            }
            checkedLines += expected.count
            overlong += expected.filter { $0 == .overlong }.count
        }
        #expect(checkedLines > 100_000)
        #expect(overlong > 1000)
    }
}

/// What the framer reports, copied out of its callback.
enum FramedEvent: Equatable {
    case line([UInt8])
    case overlong
}

/// The framer under test, and a plain model of what it should do.
enum FramerModel {
    /// Feeds `bytes` in chunks whose sizes `nextSize` picks.
    static func feed(_ bytes: [UInt8], maxLineBytes: Int, nextSize: (Int) -> Int) -> [FramedEvent] {
        var framer = LineFramer(maxLineBytes: maxLineBytes)
        var events: [FramedEvent] = []
        var offset = 0
        while offset < bytes.count {
            let size = min(max(1, nextSize(offset)), bytes.count - offset)
            var chunk = Array(bytes[offset..<(offset + size)])
            chunk.withUnsafeMutableBytes { raw in
                framer.feed(raw) { event in
                    switch event {
                    case .line(let line): events.append(.line(Array(line)))
                    case .overlong: events.append(.overlong)
                    }
                }
            }
            offset += size
            // Bounded: never more than one line's worth held between chunks.
            if framer.bufferedByteCount >= maxLineBytes { events.append(.line(Array("framer over its bound".utf8))) }
        }
        return events
    }

    /// PROTOCOL.md section 1.6, written from the text rather than from `TelnetFilter`: over the
    /// whole stream at once, IAC IAC is one 0xFF; IAC WILL/WONT/DO/DONT drops the option byte
    /// too; IAC SB runs to IAC SE (an IAC inside it takes the next byte with it); IAC and any
    /// other byte is a two-byte command. A sequence the stream ends inside is dropped.
    static func withoutTelnet(_ bytes: [UInt8]) -> [UInt8] {
        let iac: UInt8 = 255
        var result: [UInt8] = []
        var index = 0
        while index < bytes.count {
            guard bytes[index] == iac else {
                result.append(bytes[index])
                index += 1
                continue
            }
            guard index + 1 < bytes.count else { break }
            switch bytes[index + 1] {
            case iac:
                result.append(iac)
                index += 2
            case 251, 252, 253, 254:
                index += 3
            case 250:
                // Up to 64 bytes, then IAC SE; past 64 bytes without it the subnegotiation is
                // abandoned and the next byte is data again.
                var next = index + 2
                var counted = 0
                var afterIAC = false
                while next < bytes.count {
                    if afterIAC && bytes[next] == 240 {
                        next += 1
                        break
                    }
                    if counted == 64 { break }
                    counted += 1
                    afterIAC = !afterIAC && bytes[next] == iac
                    next += 1
                }
                index = next
            default:
                index += 2
            }
        }
        return result
    }

    /// PROTOCOL.md's framing, written the obvious way: remove telnet sequences from the whole
    /// stream, split at CR or LF, an LF or NUL right after a CR being part of its terminator; a
    /// line over the maximum (its terminator counted as 1 byte for LF, 2 for one that starts with
    /// CR) is one `.overlong`, and so is an unfinished line already over it.
    static func events(_ bytes: [UInt8], maxLineBytes: Int) -> [FramedEvent] {
        let filtered = withoutTelnet(bytes)
        var events: [FramedEvent] = []
        var line: [UInt8] = []
        var afterCR = false
        for byte in filtered {
            if afterCR && (byte == 10 || byte == 0) {
                afterCR = false
                continue
            }
            afterCR = byte == 13
            guard byte == 10 || byte == 13 else {
                line.append(byte)
                continue
            }
            events.append(line.count + (byte == 13 ? 2 : 1) > maxLineBytes ? .overlong : .line(line))
            line = []
        }
        if line.count + 1 > maxLineBytes { events.append(.overlong) }
        return events
    }
}

/// Ways to damage a protocol line.
enum Mutator {
    /// Bytes a hostile or confused client sends.
    static let specialBytes: [UInt8] = [0x00, 0x1B, 0xFF, 0x0D, 0x3A, 0x20, 0x20, 0x09, 0x7F, 0x2C, 0x0A, 0x07]

    /// Pieces of UTF-8, whole and broken: lead bytes alone, cut sequences, overlong forms,
    /// surrogates, code points past U+10FFFF, C1 controls, and good multi-byte characters.
    static let utf8Fragments: [[UInt8]] = [
        [0xC3], [0xE2, 0x82], [0xF0, 0x9F, 0x98], [0x80], [0xBF, 0xBF], [0xC0, 0x80], [0xC1, 0xBF],
        [0xE0, 0x80, 0xAF], [0xF0, 0x80, 0x80, 0xAF], [0xED, 0xA0, 0x80], [0xED, 0xBF, 0xBF],
        [0xF4, 0x90, 0x80, 0x80], [0xF5, 0x80, 0x80, 0x80], [0xFE], [0xC2, 0x9B], [0xC2, 0x85],
        Array("é".utf8), Array("€".utf8), Array("😀".utf8), Array("ß".utf8), Array("ﬁ".utf8), Array("ſ".utf8),
        Array("\u{301}".utf8), Array("\u{200B}".utf8), [0xEF, 0xBB, 0xBF],
    ]

    /// Telnet sequences: a command, option negotiation, a subnegotiation, an escaped 0xFF.
    static let telnetSequences: [[UInt8]] = [
        [255, 241], [255, 246], [255, 251, 1], [255, 253, 3], [255, 254, 31], [255, 250, 24, 0, 120, 255, 240],
        [255, 255],
    ]

    static let alphabet: [UInt8] = Array("abcxyzABCXYZ019-_[]{}\\|^`,:: :  :".utf8) + specialBytes + [0xC3, 0xA9, 0xE2]

    static func mutate(_ line: inout [UInt8], bases: [[UInt8]], _ random: inout SeededRandom) {
        for _ in 0..<(1 + random.below(3)) {
            let position = line.isEmpty ? 0 : random.below(line.count + 1)
            switch random.below(13) {
            case 0 where !line.isEmpty:
                line[min(position, line.count - 1)] ^= UInt8(1) << UInt8(random.below(8))
            case 1 where !line.isEmpty:
                line[min(position, line.count - 1)] = UInt8(truncatingIfNeeded: random.next())
            case 2, 3:
                line.insert(random.pick(specialBytes), at: position)
            case 4, 5:
                line.insert(contentsOf: random.pick(utf8Fragments), at: position)
            case 6:
                line.removeSubrange(position...)
            case 7 where !line.isEmpty:
                let end = min(line.count, position + 1 + random.below(8))
                line.removeSubrange(min(position, line.count - 1)..<end)
            case 8 where !line.isEmpty:
                let start = random.below(line.count)
                let piece = line[start..<min(line.count, start + 1 + random.below(12))]
                line.insert(contentsOf: piece, at: position)
            case 9:
                let other = random.pick(bases)
                line = Array(line[..<position]) + other[random.below(other.count + 1)...]
            case 10:
                if let index = line.indices.filter({ line[$0] >= 0x41 && line[$0] <= 0x7A }).randomElement(
                    using: &random)
                {
                    line[index] ^= 0x20
                }
            case 11:
                line.insert(contentsOf: [UInt8](repeating: 0x20, count: 1 + random.below(4)), at: position)
            default:
                line.insert(contentsOf: [0x20, 0x3A] + [UInt8](repeating: 0x20, count: random.below(3)), at: position)
            }
        }
    }

    static func randomLine(into line: inout [UInt8], _ random: inout SeededRandom) {
        line.removeAll(keepingCapacity: true)
        if random.chance(30) { line += [0x3A] + Array("x!y@z".utf8.prefix(random.below(6))) + [0x20] }
        if random.chance(80) {
            let verb = random.pick(Verb.allCases).rawValue
            line += Array((random.chance(20) ? verb.lowercased() : verb).utf8)
        }
        for _ in 0..<random.below(40) { line.append(random.pick(alphabet)) }
    }
}

/// Real protocol lines: a fixed list covering every command, plus every line a client sends in
/// the conformance transcripts.
enum ProtocolSamples {
    static let lines: [[UInt8]] = {
        let fixed = [
            "NICK alice", "NICK Bob_[1]", "nick  carol", "NICK", "NICK :", ":alice!a@h NICK dave",
            "PRIVMSG bob :hi  there", "PRIVMSG bob hi there", "PRIVMSG a,b,c :psst", "PRIVMSG bob ::)",
            "PRIVMSG bob", "PRIVMSG", "PRIVMSG a,b,c,d,e,f,g,h,i,j,k :too many", "privmsg bob :\ttab",
            "BROADCAST hello  everyone", "BROADCAST :hi", "BROADCAST", "BROADCAST :", "BROADCAST ::: ",
            "LIST", "list extra params", "QUIT", "QUIT :gone fishing", "QUIT bye now", "QUIT :",
            "PING tok", "PING :a token", "PING", "PONG", "PONG :linechat", "HELP", "HELP PRIVMSG", "help nick",
            "CAP LS 302", "CAP LS", "CAP END", "CAP REQ :multi-prefix sasl", "CAP", "CAP LIST",
            "USER guest 0 * :Real Name", "USER", "WHOIS bob", "JOIN #chan", "", "   ", ":prefix-only",
            "   :spaced   PING    tok", "PRIVMSG bob :é€😀 text", "BROADCAST :ﬁve ſpecial",
            // Rooms and the commands IRC clients send.
            "JOIN #a,#b key1,key2", "JOIN #rust", "join 0", "JOIN", "PART #a :bye  now", "PART #a,#b", "PART",
            "TOPIC #a :new  topic", "TOPIC #a", "TOPIC #a :", "NAMES #a,#b", "NAMES", "LIST #*", "LIST #a,#b",
            "ROOMS", "rooms  extra", ":x!y@z ROOMS :", "WHO #a", "WHO bob", "WHO", "WHOIS bob", "WHOIS server bob",
            "AWAY :out to lunch", "AWAY",
            "INVITE bob #a", "INVITE bob", "KICK #a bob :spam  spam", "KICK #a bob,carol", "KICK #a",
            "MODE #a +kl key 5", "MODE #a", "MODE alice +i", "MODE #a -o+v bob carol", "MODE #a b", "MODE",
            "NOTICE #a :psst", "NOTICE bob hi  there", "NOTICE", "USERHOST a b c", "USERHOST", "ISON a b :c d",
            "ISON", "USER guest 0 * :Real  Name", "USER solo", "PRIVMSG #rust :\u{1}ACTION waves\u{1}",
            "PRIVMSG #a,bob :\u{2}bold\u{2} \u{3}4red\u{F} \u{1D}it\u{1D}", "PRIVMSG #lobby hi  there",
            // History and IRCv3 tags.
            "HISTORY #a", "HISTORY #a 50", "history #a :5", "HISTORY", "CHATHISTORY LATEST #a * 10",
            "CHATHISTORY BEFORE #a msgid=abc 5", "CHATHISTORY BETWEEN #a timestamp=2026-01-01T00:00:00.000Z * 3",
            "CHATHISTORY TARGETS a b 1", "CHATHISTORY", "chathistory latest", "@+typing=active TAGMSG #a",
            "TAGMSG #a,bob", "TAGMSG", "@label=x;+reply=1 PRIVMSG #a :tagged  text", "@time=x :src NOTICE #a hi",
        ]
        return fixed.map { Array($0.utf8) } + conformanceLines()
    }()

    /// `name> text` lines as they stand and `name>> bytes` lines with their escapes decoded,
    /// split at LF and without CR LF, from conformance/*.txt.
    static func conformanceLines() -> [[UInt8]] {
        let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../conformance").standardized
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        var lines: [[UInt8]] = []
        for file in files.sorted() where file.hasSuffix(".txt") {
            guard let text = try? String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8) else {
                continue
            }
            for row in text.split(separator: "\n") {
                if let range = row.range(of: ">> "), !row.prefix(upTo: range.lowerBound).contains(" ") {
                    let decoded = decodeEscapes(row[range.upperBound...])
                    lines += decoded.split(separator: 10).map { Array($0.last == 13 ? $0.dropLast() : $0) }
                } else if let range = row.range(of: "> "), !row.prefix(upTo: range.lowerBound).contains(" ") {
                    lines.append(Array(row[range.upperBound...].utf8))
                }
            }
        }
        return lines
    }

    /// The transcript escapes: \r \n \t \e \0 \xHH \\.
    static func decodeEscapes(_ text: Substring) -> [UInt8] {
        var out: [UInt8] = []
        var bytes = Array(text.utf8)[...]
        while let byte = bytes.popFirst() {
            guard byte == UInt8(ascii: "\\"), let escape = bytes.popFirst() else {
                out.append(byte)
                continue
            }
            switch escape {
            case UInt8(ascii: "r"): out.append(13)
            case UInt8(ascii: "n"): out.append(10)
            case UInt8(ascii: "t"): out.append(9)
            case UInt8(ascii: "e"): out.append(0x1B)
            case UInt8(ascii: "0"): out.append(0)
            case UInt8(ascii: "x"):
                let hex = String(decoding: bytes.prefix(2), as: UTF8.self)
                bytes = bytes.dropFirst(2)
                out.append(UInt8(hex, radix: 16) ?? 0)
            default: out.append(escape)
            }
        }
        return out
    }
}
