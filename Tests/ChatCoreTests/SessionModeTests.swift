import ChatCore
import LineProtocol
import Testing

/// MODE as the session parses it and what it echoes, without I/O: alice creates #r (operator),
/// bob joins it, carol stays outside.
@Suite("Session MODE")
struct SessionModeTests {
    let registry = Registry()
    static let wallClock: Int64 = 1_700_000_123
    var context: ChatContext {
        ChatContext(directory: registry, config: ChatConfig(), now: 5_000_000_000, wallClock: Self.wallClock)
    }

    func session(_ n: UInt64) -> Session {
        Session(id: ConnectionID(loop: 0, descriptor: Int32(n), serial: n), address: "127.0.0.1:\(n)", connectedAt: 0)
    }

    func handle(_ line: String, _ session: inout Session) -> Effects {
        var effects = Effects()
        Array(line.utf8).withUnsafeBytes { session.handle(line: $0, context, &effects) }
        return effects
    }

    func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    /// The reply to `line`, as text.
    func reply(_ line: String, _ session: inout Session) -> String { text(handle(line, &session).reply) }

    /// alice (operator of #r), bob (member) and carol (outside), all registered.
    func roomWithMembers() -> (Session, Session, Session) {
        var alice = session(1)
        var bob = session(2)
        var carol = session(3)
        _ = handle("NICK alice", &alice)
        _ = handle("NICK bob", &bob)
        _ = handle("NICK carol", &carol)
        _ = handle("JOIN #r", &alice)
        _ = handle("JOIN #r", &bob)
        return (alice, bob, carol)
    }

    /// The line a MODE change sends the room (everyone but the setter, who gets it as a reply).
    func roomLine(_ effects: Effects, _ sender: Session) -> String? {
        for outbound in effects.outbound {
            if case .toRoom("#r", let line, let except) = outbound {
                #expect(except == sender.id)
                return text(line.plain)
            }
        }
        return nil
    }

    @Test("MODE #room answers 324 with the modes and 329 with the creation time")
    func query() {
        var (alice, bob, carol) = roomWithMembers()
        #expect(reply("MODE #r", &alice) == ":linechat 324 alice #r +nt\r\n:linechat 329 alice #r 1700000123\r\n")
        _ = handle("MODE #r +kl sesame 5", &alice)
        // Members see the key, others a placeholder.
        #expect(reply("MODE #R", &bob).hasPrefix(":linechat 324 bob #r +ntkl sesame 5\r\n"))
        #expect(reply("MODE #r", &carol).hasPrefix(":linechat 324 carol #r +ntkl * 5\r\n"))
        #expect(reply("MODE #nowhere", &carol) == ":linechat 403 carol #nowhere :No such channel\r\n")
    }

    @Test("applied changes are echoed once to the setter and sent to the room as one MODE line")
    func echoedChanges() {
        var (alice, _, _) = roomWithMembers()
        let effects = handle("MODE #r +kl-t sesame 5", &alice)
        #expect(text(effects.reply) == ":alice MODE #r +kl-t sesame 5\r\n")
        #expect(roomLine(effects, alice) == ":alice MODE #r +kl-t sesame 5\r\n")
        let both = handle("MODE #r +o-k+v bob sesame bob", &alice)
        #expect(text(both.reply) == ":alice MODE #r +o-k+v bob * bob\r\n")
        #expect(roomLine(both, alice) == ":alice MODE #r +o-k+v bob * bob\r\n")
        #expect(reply("MODE #r -l", &alice) == ":alice MODE #r -l\r\n")
        #expect(reply("MODE #r m", &alice) == ":alice MODE #r +m\r\n")  // no sign is +
        #expect(reply("NAMES #r", &alice).hasPrefix(":linechat 353 alice = #r :@alice @bob\r\n"))
    }

    @Test("a change that changes nothing is not echoed; the IRC-client form names the full source")
    func noOpChanges() {
        var (alice, _, _) = roomWithMembers()
        let effects = handle("MODE #r +nt", &alice)
        #expect(effects.reply.isEmpty)
        #expect(effects.outbound.isEmpty)
        var irc = session(4)
        _ = handle("USER ircuser 0 * :An IRC client", &irc)
        _ = handle("NICK irc", &irc)
        _ = handle("JOIN #i", &irc)
        let changed = handle("MODE #i +m", &irc)
        #expect(text(changed.reply) == ":irc!~ircuser@linechat MODE #i +m\r\n")
        for outbound in changed.outbound {
            if case .toRoom("#i", let line, _) = outbound {
                #expect(text(line.plain) == ":irc MODE #i +m\r\n")
                #expect(text(line.full) == ":irc!~ircuser@linechat MODE #i +m\r\n")
            }
        }
    }

    @Test("MODE refusals: non-operators 482, unknown letters 472, bad key or limit 696, absent members 441")
    func refusals() {
        var (alice, bob, carol) = roomWithMembers()
        #expect(reply("MODE #r +m", &bob) == ":linechat 482 bob #r :You're not channel operator\r\n")
        #expect(reply("MODE #r +m", &carol) == ":linechat 442 carol #r :You're not on that channel\r\n")
        #expect(reply("MODE #r +x", &alice) == ":linechat 472 alice x :is unknown mode char to me\r\n")
        #expect(reply("MODE #r +l many", &alice) == ":linechat 696 alice #r l * :Limit is missing or invalid\r\n")
        #expect(reply("MODE #r +l 0", &alice) == ":linechat 696 alice #r l * :Limit is missing or invalid\r\n")
        #expect(reply("MODE #r +k", &alice) == ":linechat 696 alice #r k * :Key is missing or invalid\r\n")
        #expect(reply("MODE #r +o carol", &alice) == ":linechat 441 alice carol #r :They aren't on that channel\r\n")
        // A refused letter does not stop the valid ones beside it.
        #expect(
            reply("MODE #r +xm", &alice)
                == ":linechat 472 alice x :is unknown mode char to me\r\n:alice MODE #r +m\r\n")
        #expect(registry.room(named: "#r")?.modes.moderated == true)
    }

    @Test("every room mode 004 and 005 advertise is one MODE accepts")
    func advertisedModesAreKnown() {
        var alice = session(9)
        let burst = text(handle("NICK advertiser", &alice).reply)
        let myInfo = burst.split(separator: "\r\n").first { $0.hasPrefix(":linechat 004 ") }.map(String.init) ?? ""
        let roomModes = myInfo.split(separator: " ").dropFirst(6).first.map(String.init) ?? ""
        #expect(!roomModes.isEmpty, "004: \(myInfo)")
        let chanModes = burst.split(separator: " ").first { $0.hasPrefix("CHANMODES=") }.map(String.init) ?? ""
        _ = handle("JOIN #modes", &alice)
        var unknown: [Character] = []
        for letter in Set(roomModes + chanModes.dropFirst("CHANMODES=".count)) where letter != "," {
            // Each with an argument it may take; an unknown letter is 472 whatever follows.
            let reply = reply("MODE #modes +\(letter) advertiser", &alice)
            if reply.contains(" 472 ") { unknown.append(letter) }
            _ = handle("MODE #modes -\(letter) advertiser", &alice)
            _ = handle("MODE #modes +o advertiser", &alice)
        }
        #expect(unknown.isEmpty, "advertised but unknown: \(unknown.sorted())")
    }

    @Test("list queries IRC clients send on joining get empty lists")
    func listQueries() {
        var (alice, _, _) = roomWithMembers()
        #expect(reply("MODE #r b", &alice) == ":linechat 368 alice #r :End of channel ban list\r\n")
        #expect(reply("MODE #r +b", &alice) == ":linechat 368 alice #r :End of channel ban list\r\n")
        #expect(reply("MODE #r e", &alice) == ":linechat 349 alice #r :End of channel exception list\r\n")
        #expect(reply("MODE #r I", &alice) == ":linechat 347 alice #r :End of channel invite list\r\n")
    }

    @Test("user modes: 221 for one's own, +i accepted and echoed, others' 502, unknown nick 401")
    func userModes() {
        var (alice, _, _) = roomWithMembers()
        #expect(reply("MODE alice", &alice) == ":linechat 221 alice +\r\n")
        #expect(reply("MODE ALICE +i", &alice) == ":alice MODE alice :+i\r\n")
        #expect(reply("MODE alice", &alice) == ":linechat 221 alice +i\r\n")
        #expect(reply("MODE alice +i", &alice) == "")
        #expect(reply("MODE alice -i", &alice) == ":alice MODE alice :-i\r\n")
        #expect(reply("MODE bob", &alice) == ":linechat 502 alice :Can't change mode for other users\r\n")
        #expect(reply("MODE nobody", &alice) == ":linechat 401 alice nobody :No such nick\r\n")
        #expect(reply("MODE alice +w", &alice) == ":linechat 501 alice :Unknown MODE flag\r\n")
    }

    @Test("moderated: members without voice get 404, voiced members and operators speak")
    func moderated() {
        var (alice, bob, carol) = roomWithMembers()
        _ = handle("MODE #r +m", &alice)
        #expect(reply("PRIVMSG #r hi", &bob) == ":linechat 404 bob #r :Cannot send to channel (it is moderated)\r\n")
        #expect(
            reply("PRIVMSG #r hi", &carol)
                == ":linechat 404 carol #r :Cannot send to channel (you are not in it: JOIN #r first)\r\n")
        #expect(reply("NOTICE #r hi", &bob) == "")  // NOTICE never gets an error back
        _ = handle("MODE #r +v bob", &alice)
        let spoken = handle("PRIVMSG #r hi  all", &bob)
        #expect(spoken.reply.isEmpty)
        guard case .toRoom("#r", let line, let except)? = spoken.outbound.first else {
            Issue.record("no room message: \(spoken.outbound)")
            return
        }
        #expect(text(line.plain) == ":bob PRIVMSG #r :hi  all\r\n")
        #expect(except == bob.id)  // the sender does not get its own room message back
    }

    @Test("BROADCAST is a PRIVMSG to #lobby that its sender gets back too")
    func broadcast() {
        var alice = session(1)
        _ = handle("NICK alice", &alice)
        let effects = handle("BROADCAST hi  all", &alice)
        #expect(text(effects.reply) == ":alice PRIVMSG #lobby :hi  all\r\n")  // the sender's copy
        guard case .toRoom("#lobby", let line, let except)? = effects.outbound.first else {
            Issue.record("no room message: \(effects.outbound)")
            return
        }
        #expect(text(line.plain) == ":alice PRIVMSG #lobby :hi  all\r\n")
        #expect(except == alice.id)
        _ = handle("PART #lobby", &alice)
        #expect(
            reply("BROADCAST hi", &alice)
                == ":linechat 404 alice #lobby :Cannot send to channel (you are not in it: JOIN #lobby first)\r\n")
    }
}
