import ChatCore
import LineProtocol
import Testing

/// Every line the server sends fits in 512 bytes, CRLF included, however long what the client
/// sent was (`--max-line-bytes` goes up to 65536, so the session sees lines far over 512).
@Suite("Reply length")
struct ReplyLengthTests {
    let registry = Registry()
    var context: ChatContext {
        ChatContext(directory: registry, config: ChatConfig(maxLineBytes: 65536), now: 5_000_000_000)
    }

    func session(_ n: UInt64) -> Session {
        Session(id: ConnectionID(loop: 0, descriptor: Int32(n), serial: n), address: "127.0.0.1:\(n)", connectedAt: 0)
    }

    func handle(_ line: String, _ session: inout Session) -> Effects {
        var effects = Effects()
        Array(line.utf8).withUnsafeBytes { session.handle(line: $0, context, &effects) }
        return effects
    }

    /// Every line `effects` asks to send: the reply, the outbound lines and the ERROR line.
    static func lines(of effects: Effects) -> [[UInt8]] {
        var chunks = [effects.reply]
        for outbound in effects.outbound {
            switch outbound {
            case .send(_, let line), .toRoom(_, let line, _), .toRooms(_, let line, _), .toEveryone(let line, _),
                .toRoomsAwayNotify(_, let line, _):
                chunks.append(line.plain)
                chunks.append(line.full)
            case .joinedRoom, .leftRoom: break
            }
        }
        if let close = effects.close {
            var error: [UInt8] = []
            ServerLine.appendError(to: &error, close.error)
            chunks.append(error)
        }
        return chunks.flatMap { chunk in
            chunk.split(separator: 10, omittingEmptySubsequences: true).map { Array($0) + [10] }
        }
    }

    /// Checks each line: at most 512 bytes, ends in CRLF, has no other CR, is valid UTF-8.
    static func expectFit(_ effects: Effects, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        for line in lines(of: effects) {
            #expect(line.count <= 512, "\(what): \(line.count) bytes", sourceLocation: sourceLocation)
            #expect(line.suffix(2) == [13, 10], "\(what): no CRLF", sourceLocation: sourceLocation)
            #expect(!line.dropLast(2).contains(13), "\(what): stray CR", sourceLocation: sourceLocation)
            #expect(
                line.withUnsafeBytes { LineContent.problem(in: UnsafeRawBufferPointer(rebasing: $0.dropLast(2))) }
                    == nil,
                "\(what): not safe text", sourceLocation: sourceLocation)
        }
    }

    static func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    static let long = [
        String(repeating: "x", count: 510), String(repeating: "é", count: 400), String(repeating: "😀", count: 300),
        String(repeating: "ab€", count: 2000),
    ]

    @Test("numerics that echo what the client typed are cut to 512 bytes", arguments: long)
    func echoedParameters(_ word: String) {
        var alice = session(1)
        _ = handle("NICK " + String(repeating: "a", count: 30), &alice)
        let cases = [
            word,  // 421
            "HELP " + word,  // 524
            "NICK " + word,  // 432
            "NICK 9" + word,  // 432, bad first character
            "PRIVMSG " + word + " hi",  // 401
            "CAP " + word,  // 410
            "CAP REQ :" + word + " " + word,  // CAP NAK
            "PING :" + word,  // PONG
            "QUIT :" + word,  // ERROR and QUIT
        ]
        for line in cases {
            let effects = handle(line, &alice)
            #expect(!effects.isEmpty, "\(line.prefix(20)) got no reply")
            Self.expectFit(effects, String(line.prefix(20)))
        }
    }

    @Test("a 421 for a 510-byte verb keeps its numeric, target and the server's words and cuts the echoes")
    func unknownVerb() {
        var alice = session(1)
        _ = handle("NICK alice", &alice)
        let reply = Self.text(handle(String(repeating: "v", count: 510), &alice).reply)
        #expect(reply.utf8.count <= 512)
        #expect(reply.hasPrefix(":linechat 421 alice VVVVVVVVVV"), "\(reply)")
        // The nc user still learns how to talk: the text is cut in the echoed line, not before.
        #expect(
            reply.contains(" :Unknown command (type HELP for the list; to talk to everyone: BROADCAST vvvvvvvvvv"),
            "\(reply.suffix(120))")
    }

    @Test("an nc user's long plain-text line gets a 421 that still says how to talk, within 512 bytes")
    func longPlainText() {
        var alice = session(1)
        _ = handle("NICK alice", &alice)
        let typed = Array(repeating: "hello", count: 80).joined(separator: " ")  // 479 bytes
        let reply = Self.text(handle(typed, &alice).reply)
        #expect(reply.utf8.count <= 512)
        #expect(
            reply.hasPrefix(
                ":linechat 421 alice HELLO :Unknown command (type HELP for the list; "
                    + "to talk to everyone: BROADCAST hello hello"
            ), "\(reply)")
        #expect(reply.hasSuffix("\r\n"))
    }

    @Test("before registration the echoes fit too", arguments: long)
    func unregistered(_ word: String) {
        var s = session(1)
        for line in [word, "HELP " + word, "NICK " + word, "CAP " + word, "PING " + word, "QUIT " + word] {
            Self.expectFit(handle(line, &s), String(line.prefix(20)))
        }
    }

    @Test("with 30-character nicknames a relayed 438-byte text is at most 512 bytes; 439 bytes are refused with 417")
    func relayedText() {
        let aliceName = String(repeating: "a", count: 30)
        let bobName = String(repeating: "b", count: 30)
        var alice = session(1)
        var bob = session(2)
        _ = handle("NICK \(aliceName)", &alice)
        _ = handle("NICK \(bobName)", &bob)
        for unit in ["t", "é", "€", "😀"] {
            let fits = String(repeating: unit, count: Limits.maxMessageTextBytes / unit.utf8.count)
            let privmsg = handle("PRIVMSG \(bobName) :\(fits)", &alice)
            Self.expectFit(privmsg, "PRIVMSG")
            guard case .send(_, let line)? = privmsg.outbound.first else {
                Issue.record("PRIVMSG not relayed")
                continue
            }
            #expect(Self.text(line.plain) == ":\(aliceName) PRIVMSG \(bobName) :\(fits)\r\n", "relayed whole")
            let broadcast = handle("BROADCAST \(fits)", &alice)
            Self.expectFit(broadcast, "BROADCAST")
            #expect(broadcast.outbound.count == 1)
        }
        #expect(
            Self.lines(of: handle("PRIVMSG \(bobName) :" + String(repeating: "t", count: 438), &alice))[0].count == 512)
        let over = String(repeating: "t", count: Limits.maxMessageTextBytes + 1)
        let refusal = ":linechat 417 \(aliceName) :Text too long (max 438 bytes): nothing was sent\r\n"
        // (BROADCAST goes to #lobby, a shorter target than a 30-character nickname: more fits.)
        for line in ["PRIVMSG \(bobName) :\(over)", "PRIVMSG \(bobName),\(bobName) \(over)"] {
            let effects = handle(line, &alice)
            #expect(Self.text(effects.reply) == refusal)
            #expect(effects.outbound.isEmpty, "nothing is delivered")
        }
    }

    @Test("a text the server accepts reaches every room member whole, in both source forms, or is refused with 417")
    func roomTextIsNeverCut() {
        // The longest names there are: 30-character nicknames and user names, a 50-byte room.
        let aliceName = String(repeating: "a", count: Limits.nicknameMaxLength)
        let bobName = String(repeating: "b", count: Limits.nicknameMaxLength)
        let room = "#" + String(repeating: "r", count: Limits.roomNameMaxLength - 1)
        var alice = session(1)
        var bob = session(2)
        _ = handle("USER \(aliceName) 0 * :Alice", &alice)
        _ = handle("NICK \(aliceName)", &alice)
        _ = handle("NICK \(bobName)", &bob)
        _ = handle("JOIN \(room)", &alice)
        _ = handle("JOIN \(room)", &bob)
        var cut: [String] = []
        for target in [room, "#lobby", bobName] {
            let text = String(repeating: "t", count: Limits.maxMessageTextBytes)
            let effects = handle("PRIVMSG \(target) :\(text)", &alice)
            if Self.text(effects.reply).contains(" 417 ") { continue }  // refused: the sender knows
            for outbound in effects.outbound {
                let line: OutboundLine
                switch outbound {
                case .toRoom(_, let relayed, _), .send(_, let relayed): line = relayed
                default: continue
                }
                for (form, bytes) in [("plain", line.plain), ("full", line.full)]
                where !Self.text(bytes).hasSuffix(" :\(text)\r\n") {
                    cut.append("to \(target.prefix(8)), \(form) form")
                }
            }
            Self.expectFit(effects, "PRIVMSG \(target.prefix(8))")
        }
        #expect(cut.isEmpty, "cut on the way: \(cut)")
    }

    @Test("before registration an over-long PRIVMSG is 451, like any PRIVMSG")
    func overlongTextBeforeRegistration() {
        var s = session(1)
        let reply = Self.text(handle("BROADCAST " + String(repeating: "t", count: 600), &s).reply)
        #expect(reply == ":linechat 451 * :You have not registered: pick a nickname with NICK <name>\r\n")
    }

    @Test("a long QUIT reason is cut, and both the ERROR line and the QUIT relay keep their shape")
    func quitReason() {
        var alice = session(1)
        _ = handle("NICK alice", &alice)
        let reason = String(repeating: "q", count: 1000)
        let effects = handle("QUIT :\(reason)", &alice)
        let cut = String(repeating: "q", count: Limits.maxQuitReasonBytes)
        #expect(effects.close == CloseRequest(error: "Closing link: alice (Quit: \(cut))", quitReason: "Quit: \(cut)"))
        var after = Effects()
        alice.disconnect(reason: "Quit: \(cut)", context, &after)
        Self.expectFit(after, "QUIT relay")
    }

    @Test("random long verbs, topics, nicknames, tokens and texts: every line fits and ends in CRLF")
    func randomInputs() {
        var random = Xorshift(seed: 0xC0FF_EE12)
        let pieces = ["x", "é", "€", "😀", "Z", ":", "a b", "\t", "[", "9", "-"]
        func randomWord(_ count: Int) -> String {
            (0..<count).map { _ in pieces[random.below(pieces.count)] }.joined()
        }
        var users = (1...3).map { session(UInt64($0)) }
        _ = handle("NICK " + String(repeating: "u", count: 30), &users[0])
        _ = handle("NICK " + String(repeating: "w", count: 30), &users[1])
        let templates: [(String) -> String] = [
            { $0 }, { "HELP \($0)" }, { "NICK \($0)" }, { "PRIVMSG \($0) hi" }, { "PRIVMSG \($0)" },
            { "PRIVMSG \(String(repeating: "w", count: 30)) :\($0)" }, { "BROADCAST \($0)" }, { "CAP \($0)" },
            { "CAP REQ :\($0)" }, { "PING \($0)" }, { "PING :\($0)" }, { "PONG \($0)" }, { ":\($0) LIST" },
            { "QUIT \($0)" },
        ]
        var lineCount = 0
        for round in 0..<3000 {
            let word = randomWord(1 + random.below(round % 10 == 0 ? 3000 : 600))
            let line = templates[random.below(templates.count)](word)
            var user = users[round % users.count]
            let effects = handle(line, &user)
            users[round % users.count] = user
            Self.expectFit(effects, "round \(round)")
            lineCount += Self.lines(of: effects).count
        }
        #expect(lineCount > 2000)
    }
}
