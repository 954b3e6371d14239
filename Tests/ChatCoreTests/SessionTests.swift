import ChatCore
import LineProtocol
import Testing

/// The chat logic without any I/O: feed a line, look at the effects.
@Suite("Session")
struct SessionTests {
    let registry = Registry()
    var context: ChatContext { ChatContext(directory: registry, config: ChatConfig(), now: 5_000_000_000) }

    func session(_ n: UInt64) -> Session {
        Session(id: ConnectionID(loop: 0, descriptor: Int32(n), serial: n), address: "127.0.0.1:\(n)", connectedAt: 0)
    }

    func handle(_ line: String, _ session: inout Session) -> Effects {
        var effects = Effects()
        Array(line.utf8).withUnsafeBytes { session.handle(line: $0, context, &effects) }
        return effects
    }

    func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    @Test("registration replies with the welcome burst and announces JOIN to the others")
    func registration() {
        var alice = session(1)
        let effects = handle("NICK alice", &alice)
        #expect(alice.isRegistered)
        #expect(text(effects.reply).hasPrefix(":linechat 001 alice :Welcome to the chat room, alice!\r\n"))
        #expect(text(effects.reply).contains(":linechat 005 alice NICKLEN=30 CASEMAPPING=ascii LINELEN=512 "))
        // Then the default room: the joiner's JOIN, the topic and the member list, and the JOIN
        // for the room's other members.
        #expect(text(effects.reply).contains(":linechat 376 alice :End of /MOTD command.\r\n:alice JOIN #lobby\r\n"))
        #expect(text(effects.reply).hasSuffix(":linechat 366 alice #lobby :End of /NAMES list\r\n"))
        guard case .joinedRoom("#lobby")? = effects.outbound.first,
            case .toRoom("#lobby", let line, let except)? = effects.outbound.dropFirst().first
        else {
            Issue.record("no JOIN for #lobby: \(effects.outbound)")
            return
        }
        #expect(text(line.plain) == ":alice JOIN #lobby\r\n")
        #expect(text(line.full) == ":alice!alice@linechat JOIN #lobby\r\n")
        #expect(except == alice.id)
        #expect(effects.events == [.registered(try! Nickname(validating: "alice"))])
    }

    @Test("before registration only the allowed verbs run")
    func notRegistered() {
        var s = session(1)
        for line in ["BROADCAST hi", "PRIVMSG a b", "LIST", "hello", "PRIVMSG"] {
            #expect(text(handle(line, &s).reply) == ":linechat 451 * :You have not registered: pick a nickname with NICK <name>\r\n")
        }
        #expect(text(handle("PING x", &s).reply) == ":linechat PONG linechat :x\r\n")
    }

    @Test("PRIVMSG goes to each known recipient once and reports the unknown")
    func privmsg() {
        var alice = session(1)
        var bob = session(2)
        _ = handle("NICK alice", &alice)
        _ = handle("NICK bob", &bob)
        let effects = handle("PRIVMSG bob,nobody,BOB,alice :hi  there", &alice)
        #expect(text(effects.reply) == ":linechat 401 alice nobody :No such nick\r\n:alice PRIVMSG alice :hi  there\r\n")
        #expect(effects.outbound.count == 1)
        guard case .send(let to, let line)? = effects.outbound.first else {
            Issue.record("expected one .send to bob, got \(effects.outbound)")
            return
        }
        #expect(to == bob.id)
        #expect(text(line.plain) == ":alice PRIVMSG bob :hi  there\r\n")
    }

    @Test("the server name is reserved as a nickname")
    func reservedName() {
        var s = session(1)
        #expect(text(handle("NICK LineChat", &s).reply) == ":linechat 432 * LineChat :Erroneous nickname: reserved for the server\r\n")
    }

    @Test("QUIT asks to close; disconnect frees the nickname and tells the others")
    func quitAndDisconnect() {
        var alice = session(1)
        _ = handle("NICK alice", &alice)
        let effects = handle("QUIT  see  you", &alice)
        #expect(effects.close == CloseRequest(error: "Closing link: alice (Quit: see  you)", quitReason: "Quit: see  you"))
        var after = Effects()
        alice.disconnect(reason: "Quit: see  you", context, &after)
        #expect(registry.count == 0)
        if case .toRooms(let rooms, let line, let except)? = after.outbound.first {
            #expect(rooms == ["#lobby"])
            #expect(text(line.plain) == ":alice QUIT :Quit: see  you\r\n")
            #expect(except == alice.id)
        } else {
            Issue.record("no QUIT to alice's rooms")
        }
    }

    @Test("LIST shows connected and idle times")
    func list() {
        var alice = session(1)
        _ = handle("NICK alice", &alice)
        #expect(text(handle("LIST", &alice).reply) == ":linechat 322 alice alice :connected 5s, idle 0s\r\n:linechat 323 alice :End of LIST\r\n")
    }
}
