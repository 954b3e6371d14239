import ChatCore
import LineProtocol
import Locking
import Testing

/// A history store in memory that answers reads at once: what the session hands it and asks.
final class MemoryHistory: ChatHistory {
    let records = Locked<[HistoryRecord]>([])

    func record(_ record: HistoryRecord) -> Bool {
        records.withLock { $0.append(record) }
        return true
    }

    func recent(room: String, limit: Int) -> [HistoryRecord] {
        records.withLock { records in Array(records.filter { $0.room == room && $0.kind.isMessage }.suffix(limit)) }
    }

    func status() -> HistoryStatus { HistoryStatus() }

    let highestMessageID: Int64 = 0

    func fetch(_ query: HistoryQuery, includeEvents: Bool, reply: @escaping @Sendable (HistoryReadResult) -> Void) {
        guard case .latest(let room, nil, let limit) = query else { return reply(.failed("not in the double")) }
        reply(
            .records(
                records.withLock { records in
                    Array(records.filter { $0.room == room && (includeEvents || $0.kind.isMessage) }.suffix(limit))
                }))
    }
}

/// IRCv3 capabilities, tags and history as the session handles them, without I/O.
@Suite("Session history and IRCv3 capabilities")
struct SessionHistoryTests {
    let registry = Registry()
    let history = MemoryHistory()
    /// 2026-11-30T12:00:00.000Z
    static let now: Int64 = 1_796_040_000_000
    /// No default room: each test's rooms are its own.
    let context: ChatContext

    init() {
        context = ChatContext(
            directory: registry, config: ChatConfig(defaultRoom: nil), now: 5_000_000_000, wallClock: Self.now / 1000,
            wallClockMilliseconds: Self.now, history: history, messageIDs: MessageIDSource(loop: 0))
    }

    func session(_ n: UInt64) -> Session {
        Session(id: ConnectionID(loop: 0, descriptor: Int32(n), serial: n), address: "127.0.0.1:\(n)", connectedAt: 0)
    }

    func handle(_ line: String, _ session: inout Session, context: ChatContext? = nil) -> Effects {
        var effects = Effects()
        Array(line.utf8).withUnsafeBytes { session.handle(line: $0, context ?? self.context, &effects) }
        return effects
    }

    func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }
    func reply(_ line: String, _ session: inout Session) -> String { text(handle(line, &session).reply) }

    /// An IRC client registered with these capabilities.
    func ircClient(_ n: UInt64, _ nick: String, caps: String) -> Session {
        var client = session(n)
        _ = handle("CAP LS 302", &client)
        if !caps.isEmpty { _ = handle("CAP REQ :\(caps)", &client) }
        _ = handle("NICK \(nick)", &client)
        _ = handle("USER \(nick) 0 * :\(nick)", &client)
        _ = handle("CAP END", &client)
        return client
    }

    @Test("CAP LS offers the history capabilities only when history is kept")
    func capabilityList() {
        var client = session(1)
        #expect(
            reply("CAP LS 302", &client)
                == ":linechat CAP * LS :away-notify batch cap-notify draft/chathistory draft/event-playback "
                + "echo-message labeled-response message-tags multi-prefix server-time userhost-in-names\r\n")
        var plain = session(2)
        let noHistory = ChatContext(directory: registry, config: ChatConfig(defaultRoom: nil), now: 0)
        #expect(
            text(handle("CAP LS", &plain, context: noHistory).reply)
                == ":linechat CAP * LS :away-notify batch cap-notify echo-message labeled-response message-tags multi-prefix server-time userhost-in-names\r\n")
        #expect(text(handle("CAP REQ draft/chathistory", &plain, context: noHistory).reply).contains(" NAK "))
    }

    @Test("a room message is formatted once per form its members need, tagged with time and msgid")
    func forms() {
        var alice = session(1)
        _ = handle("NICK alice", &alice)
        var bob = ircClient(2, "bob", caps: "message-tags server-time")
        var carol = ircClient(3, "carol", caps: "server-time")
        _ = handle("JOIN #r", &alice)
        _ = handle("JOIN #r", &bob)
        _ = handle("JOIN #r", &carol)
        let effects = handle("PRIVMSG #r :hi  there", &alice)
        guard case .toRoom("#r", let line, let except)? = effects.outbound.first else {
            Issue.record("no room message: \(effects.outbound)")
            return
        }
        #expect(except == alice.id)
        #expect(effects.reply.isEmpty)
        #expect(text(line.plain) == ":alice PRIVMSG #r :hi  there\r\n")
        #expect(text(line.timed) == "@time=2026-11-30T12:00:00.000Z :alice!alice@linechat PRIVMSG #r :hi  there\r\n")
        let stored = history.records.withLock { $0.last }
        #expect(stored?.kind == .privmsg)
        #expect(stored?.text == "hi  there")
        #expect(stored?.roomName == "#r")
        #expect(
            text(line.tagged)
                == "@time=2026-11-30T12:00:00.000Z;msgid=\(stored?.msgid ?? "?") :alice!alice@linechat PRIVMSG #r :hi  there\r\n")
    }

    @Test("echo-message gives the sender its message back as the room gets it")
    func echoMessage() {
        var bob = ircClient(2, "bob", caps: "echo-message message-tags server-time")
        _ = handle("JOIN #r", &bob)
        let effects = handle("PRIVMSG #r :mine", &bob)
        #expect(text(effects.reply).hasPrefix("@time=2026-11-30T12:00:00.000Z;msgid="))
        #expect(text(effects.reply).hasSuffix(" :bob!~bob@linechat PRIVMSG #r :mine\r\n"))
        var dan = ircClient(4, "dan", caps: "echo-message")
        let direct = handle("PRIVMSG bob :psst", &dan)
        #expect(text(direct.reply) == ":dan!~dan@linechat PRIVMSG bob :psst\r\n")
        guard case .send(_, let line)? = direct.outbound.first else {
            Issue.record("not sent: \(direct.outbound)")
            return
        }
        #expect(text(line.tagged).hasSuffix(" :dan!~dan@linechat PRIVMSG bob :psst\r\n"))
        #expect(history.records.withLock { $0.allSatisfy { $0.text != "psst" } })  // private messages are not kept
    }

    @Test("client-only tags are relayed to message-tags clients, TAGMSG to them only")
    func clientTags() {
        var bob = ircClient(2, "bob", caps: "message-tags")
        _ = handle("JOIN #r", &bob)
        var eve = ircClient(5, "eve", caps: "message-tags")
        _ = handle("JOIN #r", &eve)
        let typing = handle("@+typing=active;label=x TAGMSG #r", &eve)
        guard case .toRoom("#r", let line, _)? = typing.outbound.first else {
            Issue.record("no TAGMSG: \(typing.outbound)")
            return
        }
        #expect(line.plain.isEmpty && line.full.isEmpty && line.timed.isEmpty && !line.isOneForm)
        #expect(text(line.tagged).hasPrefix("@time="))
        #expect(text(line.tagged).hasSuffix(";+typing=active :eve!~eve@linechat TAGMSG #r\r\n"))
        let message = handle("@+draft/reply=abc PRIVMSG #r :yes", &eve)
        guard case .toRoom("#r", let relayed, _)? = message.outbound.first else {
            Issue.record("no message: \(message.outbound)")
            return
        }
        #expect(text(relayed.bytes(.tagged)).contains(";+draft/reply=abc :eve!"))
    }

    @Test("a joiner gets the room's latest messages as text, or as a batch with times")
    func joinReplay() {
        var alice = session(1)
        _ = handle("NICK alice", &alice)
        _ = handle("JOIN #r", &alice)
        _ = handle("PRIVMSG #r :one", &alice)
        _ = handle("PRIVMSG #r two", &alice)
        var bob = session(2)
        _ = handle("NICK bob", &bob)
        let joined = reply("JOIN #r", &bob)
        #expect(
            joined.hasSuffix(
                ":linechat 366 bob #r :End of /NAMES list\r\n"
                    + ":linechat NOTICE #r :--- 2 earlier messages (times UTC) ---\r\n"
                    + ":alice PRIVMSG #r :[12:00] one\r\n:alice PRIVMSG #r :[12:00] two\r\n"
                    + ":linechat NOTICE #r :--- end of earlier messages ---\r\n"), "\(joined)")
        var carol = ircClient(3, "carol", caps: "batch server-time message-tags")
        let batched = reply("JOIN #r", &carol)
        let stored = history.records.withLock { $0.filter { $0.kind == .privmsg } }
        #expect(
            batched.hasSuffix(
                ":linechat 366 carol #r :End of /NAMES list\r\n:linechat BATCH +h1 chathistory #r\r\n"
                    + "@batch=h1;time=2026-11-30T12:00:00.000Z;msgid=\(stored[0].msgid) :alice!alice@linechat PRIVMSG #r :one\r\n"
                    + "@batch=h1;time=2026-11-30T12:00:00.000Z;msgid=\(stored[1].msgid) :alice!alice@linechat PRIVMSG #r :two\r\n"
                    + ":linechat BATCH -h1\r\n"), "\(batched)")
        // An action keeps its CTCP frame, the time inside; other CTCP is not shown again.
        _ = handle("PRIVMSG #r :\u{1}ACTION waves\u{1}", &alice)
        _ = handle("PRIVMSG #r :\u{1}VERSION\u{1}", &alice)
        var eve = session(5)
        _ = handle("NICK eve", &eve)
        let replay = reply("JOIN #r", &eve)
        #expect(replay.contains(":linechat NOTICE #r :--- 3 earlier messages (times UTC) ---\r\n"), "\(replay)")
        #expect(replay.contains(":alice PRIVMSG #r :\u{1}ACTION [12:00] waves\u{1}\r\n"), "\(replay)")
        #expect(!replay.contains("VERSION"))
        // A draft/chathistory client asks for what it wants instead.
        var dan = ircClient(4, "dan", caps: "batch server-time draft/chathistory")
        #expect(reply("JOIN #r", &dan).hasSuffix(":linechat 366 dan #r :End of /NAMES list\r\n"))
    }

    @Test("CHATHISTORY checks its subcommand, references, limit and membership")
    func chathistoryErrors() {
        var bob = ircClient(2, "bob", caps: "batch server-time message-tags draft/chathistory")
        _ = handle("JOIN #mine", &bob)
        var alice = session(1)
        _ = handle("NICK alice", &alice)
        _ = handle("JOIN #theirs", &alice)
        #expect(
            reply("CHATHISTORY LATEST #theirs * 10", &bob)
                == ":linechat FAIL CHATHISTORY INVALID_TARGET LATEST #theirs :Messages could not be retrieved (only members read a room's history)\r\n")
        #expect(
            reply("CHATHISTORY LATEST #nowhere * 10", &bob).hasPrefix(":linechat FAIL CHATHISTORY INVALID_TARGET LATEST #nowhere"))
        #expect(
            reply("CHATHISTORY BEFORE #mine * 10", &bob)
                == ":linechat FAIL CHATHISTORY INVALID_PARAMS BEFORE * :A reference is msgid=<id> or timestamp=<YYYY-MM-DDThh:mm:ss.sssZ>\r\n")
        #expect(
            reply("CHATHISTORY LATEST #mine * none", &bob)
                == ":linechat FAIL CHATHISTORY INVALID_PARAMS LATEST none :The limit must be a positive number\r\n")
        #expect(reply("CHATHISTORY LATEST #mine", &bob) == ":linechat FAIL CHATHISTORY NEED_MORE_PARAMS LATEST :Missing parameters\r\n")
        #expect(reply("CHATHISTORY SIDEWAYS #mine", &bob) == ":linechat FAIL CHATHISTORY UNKNOWN_COMMAND SIDEWAYS :Unknown subcommand\r\n")
        let read = handle("CHATHISTORY LATEST #MINE * 5000", &bob)
        #expect(read.historyReads.first?.query == .latest(room: "#mine", after: nil, limit: ChatConfig.historyMaxLines))
        let before = handle("CHATHISTORY BEFORE #mine timestamp=2026-11-30T11:00:00.000Z 3", &bob)
        #expect(before.historyReads.first?.query == .before(room: "#mine", .timestamp(Self.now - 3_600_000), limit: 3))
        // Private messages are not kept: an empty batch.
        #expect(reply("CHATHISTORY LATEST alice * 10", &bob) == ":linechat BATCH +h5 chathistory alice\r\n:linechat BATCH -h5\r\n")
    }

    @Test("HISTORY reads a room's latest messages for its members")
    func historyCommand() {
        var alice = session(1)
        _ = handle("NICK alice", &alice)
        _ = handle("JOIN #r", &alice)
        #expect(handle("HISTORY #r", &alice).historyReads.first?.query == .latest(room: "#r", after: nil, limit: 25))
        #expect(handle("HISTORY #R 500", &alice).historyReads.first?.query == .latest(room: "#r", after: nil, limit: 500))
        #expect(reply("HISTORY #r 501", &alice) == ":linechat 400 alice HISTORY :The count must be a number from 1 to 500\r\n")
        #expect(
            reply("HISTORY #elsewhere", &alice)
                == ":linechat 442 alice #elsewhere :You're not on that channel (only members read its history)\r\n")
        var nohistory = session(3)
        let off = ChatContext(directory: registry, config: ChatConfig(defaultRoom: nil), now: 0)
        _ = handle("NICK x", &nohistory, context: off)
        #expect(
            text(handle("HISTORY #r", &nohistory, context: off).reply)
                == ":linechat 421 x HISTORY :This server keeps no history (--no-history)\r\n")
    }

    @Test("joins, parts, topics, kicks, nick changes and quits are kept as room events")
    func events() {
        var alice = session(1)
        _ = handle("NICK alice", &alice)
        _ = handle("JOIN #r", &alice)
        var bob = session(2)
        _ = handle("NICK bob", &bob)
        _ = handle("JOIN #r", &bob)
        _ = handle("TOPIC #r :news", &alice)
        _ = handle("NICK robert", &bob)
        _ = handle("KICK #r robert :bye", &alice)
        _ = handle("JOIN #r", &bob)
        _ = handle("PART #r :later", &bob)
        var effects = Effects()
        alice.disconnect(reason: "Quit: gone", context, &effects)
        let kinds = history.records.withLock { $0.map(\.kind) }
        #expect(kinds == [.join, .join, .topic, .nick, .kick, .join, .part, .quit])
        let kick = history.records.withLock { $0[4] }
        #expect(kick.target == "robert" && kick.text == "bye" && kick.nick == "alice")
        let nick = history.records.withLock { $0[3] }
        #expect(nick.nick == "bob" && nick.text == "robert" && nick.source == "bob!bob@linechat")
        let ids = history.records.withLock { $0.map(\.msgid) }
        #expect(Set(ids).count == ids.count)
    }

    @Test("multi-prefix shows every prefix in NAMES; away-notify tells those sharing a room")
    func multiPrefixAndAway() {
        var alice = ircClient(1, "alice", caps: "multi-prefix away-notify")
        _ = handle("JOIN #r", &alice)
        _ = handle("MODE #r +v alice", &alice)
        #expect(reply("NAMES #r", &alice).contains(" :@+alice\r\n"))
        var bob = session(2)
        _ = handle("NICK bob", &bob)
        _ = handle("JOIN #r", &bob)
        let away = handle("AWAY :lunch", &bob)
        guard case .toRoomsAwayNotify(let rooms, let line, let except)? = away.outbound.first else {
            Issue.record("no away notice: \(away.outbound)")
            return
        }
        #expect(rooms == ["#r"] && except == bob.id)
        #expect(text(line.full) == ":bob!bob@linechat AWAY :lunch\r\n")
    }
}
