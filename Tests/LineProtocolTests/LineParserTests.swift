import LineProtocol
import Testing

@Suite("LineParser")
struct LineParserTests {
    static let commands: [(String, Command)] = [
        ("NICK alice", .nick("alice")),
        ("nick alice", .nick("alice")),
        ("NiCk :alice", .nick("alice")),
        ("NICK alice extra words", .nick("alice")),
        ("NICK   alice", .nick("alice")),
        ("PRIVMSG bob hi", .privmsg(targets: ["bob"], text: "hi")),
        ("PRIVMSG bob hi  there", .privmsg(targets: ["bob"], text: "hi  there")),
        ("PRIVMSG bob :hi  there", .privmsg(targets: ["bob"], text: "hi  there")),
        ("PRIVMSG bob ::)", .privmsg(targets: ["bob"], text: ":)")),
        ("PRIVMSG   bob   spaced out  ", .privmsg(targets: ["bob"], text: "spaced out  ")),
        ("PRIVMSG bob,carol :both", .privmsg(targets: ["bob", "carol"], text: "both")),
        ("PRIVMSG bob,,carol both", .privmsg(targets: ["bob", "carol"], text: "both")),
        ("BROADCAST hello all", .broadcast("hello all")),
        ("BROADCAST :hello all", .broadcast("hello all")),
        ("broadcast  two  spaces", .broadcast("two  spaces")),
        ("BROADCAST héllo wörld ✓", .broadcast("héllo wörld ✓")),
        ("BROADCAST a\tb", .broadcast("a\tb")),
        ("LIST", .list),
        ("list extra", .listRooms(mask: "extra")),
        ("QUIT", .quit(nil)),
        ("QUIT :", .quit(nil)),
        ("QUIT bye now", .quit("bye now")),
        ("QUIT :bye now", .quit("bye now")),
        ("PING token", .ping("token")),
        ("PING :two words", .ping("two words")),
        ("PONG", .pong(nil)),
        ("PONG x", .pong("x")),
        ("HELP", .help(nil)),
        ("HELP privmsg", .help("privmsg")),
        ("CAP LS", .cap(subcommand: "LS", parameters: [])),
        ("CAP ls 302", .cap(subcommand: "LS", parameters: ["302"])),
        ("CAP REQ :a b", .cap(subcommand: "REQ", parameters: ["a b"])),
        ("CAP END", .cap(subcommand: "END", parameters: [])),
        ("USER a 0 * :Real Name", .user(username: "a", realname: "Real Name")),
        ("JOIN #a,#b k1", .join(rooms: ["#a", "#b"], keys: ["k1"])),
        ("JOIN 0", .join(rooms: ["0"], keys: [])),
        ("PART #a,#b :gone home", .part(rooms: ["#a", "#b"], reason: "gone home")),
        ("PART #a", .part(rooms: ["#a"], reason: nil)),
        ("TOPIC #a", .topic(room: "#a", text: nil)),
        ("TOPIC #a :", .topic(room: "#a", text: "")),
        ("TOPIC #a new topic", .topic(room: "#a", text: "new topic")),
        ("NAMES", .names(rooms: nil)),
        ("LIST #*", .listRooms(mask: "#*")),
        ("ROOMS", .rooms),
        ("WHO #a", .who(mask: "#a", fields: nil)),
        ("WHO bob %tnf,42", .who(mask: "bob", fields: "%tnf,42")),
        ("WHOIS server alice", .whois(nick: "alice")),
        ("AWAY", .away(nil)),
        ("AWAY :at lunch", .away("at lunch")),
        ("INVITE bob #a", .invite(nick: "bob", room: "#a")),
        ("KICK #a bob,carol :spam", .kick(room: "#a", nicks: ["bob", "carol"], reason: "spam")),
        ("MODE #a +kl key 5", .mode(target: "#a", modes: "+kl", arguments: ["key", "5"])),
        ("MODE alice", .mode(target: "alice", modes: nil, arguments: [])),
        ("NOTICE #a :psst", .notice(targets: ["#a"], text: "psst")),
        ("USERHOST a b", .userhost(["a", "b"])),
        ("ISON a :b c", .ison(["a", "b", "c"])),
        ("PRIVMSG #rust hi  there", .privmsg(targets: ["#rust"], text: "hi  there")),
        (":alice!x@y BROADCAST spoof", .broadcast("spoof")),
        (":prefix    LIST", .list),
        ("   LIST", .list),
    ]

    @Test("parses every command", arguments: commands)
    func parsesCommand(line: String, expected: Command) {
        #expect(LineParser.parse(line) == .success(expected))
    }

    static let failures: [(String, ParseError)] = [
        ("", .emptyLine),
        ("    ", .emptyLine),
        (":onlyprefix", .emptyLine),
        (":prefix   ", .emptyLine),
        ("FOO bar", .unknownCommand("FOO")),
        ("foo", .unknownCommand("FOO")),
        ("NICK", .noNicknameGiven),
        ("NICK   ", .noNicknameGiven),
        ("NICK :", .noNicknameGiven),
        ("PRIVMSG", .noRecipient(.privmsg)),
        ("PRIVMSG ,", .noRecipient(.privmsg)),
        ("PRIVMSG bob", .noTextToSend(.privmsg)),
        ("PRIVMSG bob   ", .noTextToSend(.privmsg)),
        ("PRIVMSG bob :", .noTextToSend(.privmsg)),
        ("PRIVMSG a,b,c,d,e,f,g,h,i,j,k hi", .tooManyTargets(.privmsg)),
        ("BROADCAST", .noTextToSend(.broadcast)),
        ("BROADCAST :", .noTextToSend(.broadcast)),
        ("PING", .needMoreParameters(.ping)),
        ("PING :", .needMoreParameters(.ping)),
        ("CAP", .needMoreParameters(.cap)),
    ]

    @Test("reports a precise error", arguments: failures)
    func reportsError(line: String, expected: ParseError) {
        #expect(LineParser.parse(line) == .failure(expected))
    }

    static let refused: [([UInt8], ParseError)] = [
        (Array("BROADCAST \u{1B}[2J".utf8), .controlCharacter(0x1B)),
        (Array("BROADCAST a".utf8) + [0] + Array("b".utf8), .controlCharacter(0)),
        (Array("BROADCAST a".utf8) + [0x7F], .controlCharacter(0x7F)),
        (Array("BROADCAST a".utf8) + [13] + Array("b".utf8), .controlCharacter(13)),
        (Array("BROADCAST a".utf8) + [0x07], .controlCharacter(7)),
        (Array("BROADCAST ".utf8) + [0xC2, 0x9B] + Array("31m".utf8), .controlCharacter(0x9B)),
        (Array("BROADCAST ".utf8) + [0xFF], .invalidUTF8),
        (Array("BROADCAST ".utf8) + [0xC3], .invalidUTF8),
        (Array("BROADCAST ".utf8) + [0xC0, 0xAF], .invalidUTF8),  // overlong '/'
        (Array("BROADCAST ".utf8) + [0xE0, 0x80, 0xAF], .invalidUTF8),  // overlong
        (Array("BROADCAST ".utf8) + [0xED, 0xA0, 0x80], .invalidUTF8),  // surrogate
        (Array("BROADCAST ".utf8) + [0xF4, 0x90, 0x80, 0x80], .invalidUTF8),  // above U+10FFFF
        (Array("BROADCAST ".utf8) + [0xE2, 0x82], .invalidUTF8),  // truncated
        (Array("BROADCAST ".utf8) + [0x80], .invalidUTF8),  // lone continuation
        ([0x1B] + Array("NICK x".utf8), .controlCharacter(0x1B)),
    ]

    @Test("refuses unsafe bytes", arguments: refused)
    func refusesUnsafeBytes(bytes: [UInt8], expected: ParseError) {
        #expect(LineParser.parse(bytes: bytes) == .failure(expected))
    }

    @Test("accepts every valid multi-byte form")
    func acceptsValidUTF8() {
        for text in ["é", "€", "𝄞", "\u{10FFFF}", "\u{A0}", "日本語"] {
            #expect(LineParser.parse("BROADCAST \(text)") == .success(.broadcast(text)))
        }
    }

    @Test("formatting a command and parsing it gives the same command", arguments: commands.map(\.1))
    func roundTrips(command: Command) {
        #expect(LineParser.parse(command.line) == .success(command))
    }

    @Test("the parser takes PRIVMSG and BROADCAST text up to maxParsedTextBytes (496) bytes, counted after the colon")
    func messageTextLimit() {
        #expect(Limits.maxMessageTextBytes == 438)
        #expect(Limits.maxParsedTextBytes == 496)
        #expect(Limits.messageTextBytes(source: "alice", command: "PRIVMSG", target: "#lobby") == 512 - 25)
        let fits = String(repeating: "t", count: Limits.maxParsedTextBytes)
        let over = fits + "t"
        #expect(LineParser.parse("PRIVMSG bob :\(fits)") == .success(.privmsg(targets: ["bob"], text: fits)))
        #expect(LineParser.parse("PRIVMSG bob \(fits)") == .success(.privmsg(targets: ["bob"], text: fits)))
        #expect(LineParser.parse("BROADCAST :\(fits)") == .success(.broadcast(fits)))
        #expect(LineParser.parse("PRIVMSG bob :\(over)") == .failure(.textTooLong(.privmsg)))
        #expect(LineParser.parse("PRIVMSG a,b \(over)") == .failure(.textTooLong(.privmsg)))
        #expect(LineParser.parse("BROADCAST \(over)") == .failure(.textTooLong(.broadcast)))
        #expect(LineParser.parse("BROADCAST :\(String(repeating: "é", count: 250))") == .failure(.textTooLong(.broadcast)))
        // Other errors come first, as for a line that is short.
        #expect(LineParser.parse("PRIVMSG a,b,c,d,e,f,g,h,i,j,k \(over)") == .failure(.tooManyTargets(.privmsg)))
        #expect(ParseError.textTooLong(.broadcast).verb == .broadcast)
    }

    @Test("an error names the verb only when it was recognised")
    func errorVerb() {
        #expect(ParseError.noRecipient(.privmsg).verb == .privmsg)
        #expect(ParseError.unknownCommand("X").verb == nil)
        #expect(ParseError.invalidUTF8.verb == nil)
    }

    @Test("400 reasons name the character")
    func reasons() {
        #expect(LineContent.Problem.controlCharacter(0x1B).reason == "Line refused: control character 0x1B (ESC) is not allowed")
        #expect(LineContent.Problem.controlCharacter(0x7F).reason == "Line refused: control character 0x7F (DEL) is not allowed")
        #expect(LineContent.Problem.invalidUTF8.reason == "Line refused: not valid UTF-8")
    }
}
