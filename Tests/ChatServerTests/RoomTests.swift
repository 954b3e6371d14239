import ChatServer
import Platform
import Testing
import TestSupport

/// Rooms over real TCP, with two event loops and each user placed on a chosen loop, so that a
/// room's members sit on both loops' member lists. "Nothing else came" is always checked with a
/// PING/PONG round trip first (every line queued before it arrives before the PONG), then a
/// short silence: never with a sleep.
@Suite("Rooms over TCP")
struct RoomTests {
    /// One user: its nickname and client.
    struct User {
        let nick: String
        let client: TestClient
    }

    /// Registers each `(nick, loop)` on that event loop, in order. With a default room (`room`),
    /// each earlier user reads the JOIN of every later one, so all start quiet.
    static func users(
        _ server: TestServer, _ placement: [(String, Int)], room: String? = TestClient.defaultRoom
    ) throws -> [User] {
        var users: [User] = []
        for (nick, loop) in placement {
            let client = try server.connect(onLoop: loop)
            try client.register(nick, room: room)
            if let room { for earlier in users { try earlier.client.expect(":\(nick) JOIN \(room)") } }
            users.append(User(nick: nick, client: client))
        }
        let loops = placement.map { server.server.registry?.user(named: $0.0)?.id.loop }
        #expect(loops == placement.map(\.1), "users on the loops asked for")
        return users
    }

    /// Each user JOINs `room` in order: it reads its JOIN burst, and every member before it its
    /// JOIN. Returns the member list the last joiner got.
    /// With `earlierReadLater` false the earlier members' JOIN lines are left for the caller.
    @discardableResult
    static func join(_ room: String, _ members: [User], earlierReadLater: Bool = true) throws -> [String] {
        var names: [String] = []
        for (index, user) in members.enumerated() {
            try user.client.send("JOIN \(room)")
            names = try user.client.readJoinBurst(user.nick, room: room)
            guard earlierReadLater else { continue }
            for earlier in members[..<index] { try earlier.client.expect(":\(user.nick) JOIN \(room)") }
        }
        return names
    }

    @Test("a room message reaches every member on both loops once, and neither its sender nor anyone outside")
    func roomMessageFanOut() throws {
        let server = try TestServer.start()
        defer { server.stop() }
        let users = try Self.users(
            server, [("a0", 0), ("a1", 1), ("b0", 0), ("b1", 1), ("out0", 0), ("out1", 1)])
        let members = Array(users[0..<4])
        let outsiders = Array(users[4...])
        #expect(try Self.join("#rust", members) == ["@a0 a1 b0 b1"])
        for (index, sender) in members.enumerated() {
            try sender.client.send("PRIVMSG #Rust :hello  from \(sender.nick)")  // names ignore case
            for (other, member) in members.enumerated() where other != index {
                try member.client.expect(":\(sender.nick) PRIVMSG #rust :hello  from \(sender.nick)")
            }
        }
        for user in users { try user.client.expectQuiet() }  // once each; no echo; outsiders nothing
        // Outside a +n room: 404, and a NOTICE gets nothing back; members hear neither.
        try outsiders[0].client.send("PRIVMSG #rust :let me in")
        try outsiders[0].client.expect(
            ":linechat 404 out0 #rust :Cannot send to channel (you are not in it: JOIN #rust first)")
        try outsiders[1].client.send("NOTICE #rust :psst")
        try outsiders[1].client.send("PRIVMSG #nowhere :hi")
        try outsiders[1].client.expect(":linechat 403 out1 #nowhere :No such channel")
        for user in users { try user.client.expectQuiet() }
        // CTCP ACTION and formatting codes pass through untouched; an ESC is still refused.
        try members[1].client.send("PRIVMSG #rust :\u{1}ACTION waves\u{1} \u{2}bold\u{2} \u{3}4red\u{F}")
        for member in [members[0], members[2], members[3]] {
            try member.client.expect(":a1 PRIVMSG #rust :\u{1}ACTION waves\u{1} \u{2}bold\u{2} \u{3}4red\u{F}")
        }
        try members[1].client.send("PRIVMSG #rust :\u{1B}[2Jgone")
        try members[1].client.expect(":linechat 400 a1 :Line refused: control character 0x1B (ESC) is not allowed")
        for user in users { try user.client.expectQuiet() }
    }

    @Test("KICK of a member on the other loop: it gets the KICK, then no more of the room's messages")
    func kickAcrossLoops() throws {
        let server = try TestServer.start()
        defer { server.stop() }
        let users = try Self.users(server, [("op", 0), ("victim", 1), ("near", 0), ("far", 1)])
        let (op, victim, near, far) = (users[0], users[1], users[2], users[3])
        try Self.join("#k", users)
        try victim.client.send("KICK #k far")
        try victim.client.expect(":linechat 482 victim #k :You're not channel operator")
        try op.client.send("KICK #k victim :bye  now")
        for user in users { try user.client.expect(":op KICK #k victim :bye  now") }
        try op.client.send("PRIVMSG #k :after the kick")
        for user in [near, far] { try user.client.expect(":op PRIVMSG #k :after the kick") }
        try far.client.send("PRIVMSG #k :from the far loop")
        for user in [op, near] { try user.client.expect(":far PRIVMSG #k :from the far loop") }
        for user in users { try user.client.expectQuiet() }
        try victim.client.send("PRIVMSG #k :still here?")
        try victim.client.expect(
            ":linechat 404 victim #k :Cannot send to channel (you are not in it: JOIN #k first)")
        try op.client.send("NAMES #k")
        try op.client.expect(":linechat 353 op = #k :@op near far")
        try op.client.expect(":linechat 366 op #k :End of /NAMES list")
        // Back in, the victim is on its loop's list again, once.
        try victim.client.send("JOIN #k")
        #expect(try victim.client.readJoinBurst("victim", room: "#k") == ["@op near far victim"])
        // What was said while it was out is replayed, from the other loop's history too.
        try victim.client.expect(":linechat NOTICE #k :--- 2 earlier messages (times UTC) ---")
        try victim.client.expect(where: { $0.hasPrefix(":op PRIVMSG #k :[") && $0.hasSuffix("] after the kick") })
        try victim.client.expect(where: { $0.hasPrefix(":far PRIVMSG #k :[") && $0.hasSuffix("] from the far loop") })
        try victim.client.expect(":linechat NOTICE #k :--- end of earlier messages ---")
        for user in [op, near, far] { try user.client.expect(":victim JOIN #k") }
        try near.client.send("PRIVMSG #k :welcome back")
        for user in [op, far, victim] { try user.client.expect(":near PRIVMSG #k :welcome back") }
        for user in users { try user.client.expectQuiet() }
    }

    @Test("INVITE reaches a user on the other loop and lets it into a +i room; TOPIC goes to the room's members")
    func inviteAndTopicAcrossLoops() throws {
        let server = try TestServer.start { $0.defaultRoom = nil }
        defer { server.stop() }
        let users = try Self.users(server, [("host", 0), ("guest", 1), ("member", 1), ("outsider", 0)], room: nil)
        let (host, guest, member, outsider) = (users[0], users[1], users[2], users[3])
        try Self.join("#club", [host, member])
        try host.client.send("MODE #club +i")
        for user in [host, member] { try user.client.expect(":host MODE #club +i") }
        try guest.client.send("JOIN #club")
        try guest.client.expect(":linechat 473 guest #club :Cannot join channel (+i): invite only")
        try member.client.send("INVITE guest #club")
        try member.client.expect(":linechat 482 member #club :You're not channel operator")
        try host.client.send("INVITE guest #club")
        try host.client.expect(":linechat 341 host guest #club")
        try guest.client.expect(":host INVITE guest #club")
        try Self.join("#club", [guest])
        for user in [host, member] { try user.client.expect(":guest JOIN #club") }
        try host.client.send("TOPIC #club :members  only")
        for user in [host, member, guest] { try user.client.expect(":host TOPIC #club :members  only") }
        try member.client.send("TOPIC #club :mine")
        try member.client.expect(":linechat 482 member #club :You're not channel operator")
        try outsider.client.send("TOPIC #club")
        try outsider.client.expect(":linechat 332 outsider #club :members  only")
        try outsider.client.expect(where: { $0.hasPrefix(":linechat 333 outsider #club host ") })
        for user in users { try user.client.expectQuiet() }
    }

    @Test("a room that vanished with its last member comes back with only its new members, on both loops")
    func roomComesBackEmpty() throws {
        let server = try TestServer.start { $0.defaultRoom = nil }
        defer { server.stop() }
        let users = try Self.users(server, [("first", 1), ("second", 0), ("third", 1)], room: nil)
        let (first, second, third) = (users[0], users[1], users[2])
        try Self.join("#v", [first])
        try first.client.send("MODE #v +k key")
        try first.client.expect(":first MODE #v +k key")
        try first.client.send("PART #v")
        try first.client.expect(":first PART #v")
        #expect(server.server.registry?.room(named: "#v") == nil)
        // A fresh room: no key, the new creator its operator, and the old member not on any list.
        #expect(try Self.join("#v", [second, third]) == ["@second third"])
        try second.client.send("PRIVMSG #v :new room")
        try third.client.expect(":second PRIVMSG #v :new room")
        for user in users { try user.client.expectQuiet() }
    }

    @Test("QUIT reaches those who share a room with the user, once each; a stranger hears nothing")
    func quitScoping() throws {
        let server = try TestServer.start { $0.defaultRoom = nil }
        defer { server.stop() }
        let users = try Self.users(
            server, [("alice", 0), ("bob", 1), ("carol", 0), ("stranger0", 0), ("stranger1", 1)], room: nil)
        let (alice, bob, carol) = (users[0], users[1], users[2])
        let strangers = Array(users[3...])
        try Self.join("#a", [alice, bob])
        try Self.join("#b", [alice, bob, carol])
        try Self.join("#elsewhere", strangers)
        try alice.client.send("QUIT :gone  fishing")
        try alice.client.expect("ERROR :Closing link: alice (Quit: gone  fishing)")
        for user in [bob, carol] { try user.client.expect(":alice QUIT :Quit: gone  fishing") }
        for user in [bob, carol] + strangers { try user.client.expectQuiet() }  // bob: once, not per room
        #expect(server.server.registry?.room(named: "#a")?.members.count == 1)
        // A connection that just goes away is a QUIT too, to the same people.
        carol.client.close()
        try bob.client.expect(":carol QUIT :Connection closed")
        for user in [bob] + strangers { try user.client.expectQuiet() }
    }

    @Test("NICK reaches the renamer and those who share a room with it, once each; a stranger hears nothing")
    func nickScoping() throws {
        let server = try TestServer.start { $0.defaultRoom = nil }
        defer { server.stop() }
        let users = try Self.users(
            server, [("alice", 0), ("bob", 1), ("carol", 1), ("loner", 0), ("stranger", 1)], room: nil)
        let (alice, bob, carol, loner) = (users[0], users[1], users[2], users[3])
        try Self.join("#a", [alice, bob])
        try Self.join("#b", [alice, bob, carol])
        try alice.client.send("NICK Alicia")
        for user in [alice, bob, carol] { try user.client.expect(":alice NICK Alicia") }
        for user in users { try user.client.expectQuiet() }
        // In no room, the renamer still sees its own NICK; nobody else does.
        try loner.client.send("NICK hermit")
        try loner.client.expect(":loner NICK hermit")
        for user in users { try user.client.expectQuiet() }
        // The new name is the one the rooms know.
        try bob.client.send("NAMES #b")
        try bob.client.expect(":linechat 353 bob = #b :@Alicia bob carol")
        try bob.client.expect(":linechat 366 bob #b :End of /NAMES list")
    }

    @Test("a client that sent USER gets nick!~user@linechat sources, an nc user plain nicknames")
    func sourceForms() throws {
        let server = try TestServer.start()
        defer { server.stop() }
        let nc = try Self.users(server, [("plain", 0)])[0]
        let irc = try server.connect(onLoop: 1)
        try irc.expect(where: { $0.hasPrefix(":linechat NOTICE * :") })
        try irc.send("USER ircuser 0 * :Real Name")
        try irc.send("NICK ircy")
        try irc.expect(":linechat 001 ircy :Welcome to the chat room, ircy!")
        try irc.expect(where: { $0.hasPrefix(":linechat 376 ircy ") })
        try irc.readJoinBurst("ircy", room: "#lobby")
        try nc.client.expect(":ircy JOIN #lobby")
        // Messages both ways, in the room and private: the same line, in each one's form.
        try nc.client.send("BROADCAST hi  all")
        try nc.client.expect(":plain PRIVMSG #lobby :hi  all")
        try irc.expect(":plain!plain@linechat PRIVMSG #lobby :hi  all")
        try irc.send("PRIVMSG #lobby :hello")
        try nc.client.expect(":ircy PRIVMSG #lobby :hello")
        try irc.send("PRIVMSG plain :psst")
        try nc.client.expect(":ircy PRIVMSG plain :psst")
        try nc.client.send("PRIVMSG ircy :back")
        try irc.expect(":plain!plain@linechat PRIVMSG ircy :back")
        try nc.client.send("NICK plainer")
        try nc.client.expect(":plain NICK plainer")
        try irc.expect(":plain!plain@linechat NICK plainer")
        // Server lines are the same for both; WHO and WHOIS show the user name (an nc user's is
        // the nickname it registered with, kept across NICK as IRC keeps it) and never an address.
        try irc.send("WHOIS plainer")
        try irc.expect(":linechat 311 ircy plainer plain linechat * :plain")
        try irc.expect(":linechat 319 ircy plainer :#lobby")
        try irc.expect(":linechat 312 ircy plainer linechat :LineChat")
        try irc.expect(where: { $0.hasPrefix(":linechat 317 ircy plainer ") })
        try irc.expect(":linechat 318 ircy plainer :End of /WHOIS list")
        try nc.client.send("WHO #lobby")
        try nc.client.expect(":linechat 352 plainer #lobby plain linechat linechat plainer H :0 plain")
        try nc.client.expect(":linechat 352 plainer #lobby ~ircuser linechat linechat ircy H :0 Real Name")
        try nc.client.expect(":linechat 315 plainer #lobby :End of /WHO list")
        try irc.send("QUIT :bye")
        try irc.expect("ERROR :Closing link: ircy (Quit: bye)")
        try nc.client.expect(":ircy QUIT :Quit: bye")
        try nc.client.expectQuiet()
    }

    @Test("USER right after an nc-style NICK makes an IRC client: its sources and WHOIS agree")
    func userAfterNick() throws {
        let server = try TestServer.start()
        defer { server.stop() }
        let watcher = try Self.users(server, [("watcher", 0)])[0]
        let late = try server.connect(onLoop: 1)
        try late.expect(where: { $0.hasPrefix(":linechat NOTICE * :") })
        try late.send("NICK late")
        try late.send("USER lateuser 0 * :Late Comer")
        try late.expect(where: { $0.hasPrefix(":linechat 376 late ") })
        try late.readJoinBurst("late", room: "#lobby")
        try watcher.client.expect(":late JOIN #lobby")
        try late.expectQuiet()  // the USER was taken, not refused with 462
        try watcher.client.send("BROADCAST hi")
        try late.expect(":watcher!watcher@linechat PRIVMSG #lobby :hi")
        try late.send("PRIVMSG #lobby :hello")
        try watcher.client.expect(":watcher PRIVMSG #lobby :hi")
        try watcher.client.expect(":late PRIVMSG #lobby :hello")
        try late.send("MODE late +i")
        try late.expect(":late!~lateuser@linechat MODE late :+i")
        try watcher.client.send("WHOIS late")
        let whois = try watcher.client.expect(where: { $0.hasPrefix(":linechat 311 watcher late ") })
        #expect(whois == ":linechat 311 watcher late ~lateuser linechat * :Late Comer")
        try watcher.client.send("USER again 0 * :Again")
        try watcher.client.expect(":linechat 318 watcher late :End of /WHOIS list", skippingOthers: true)
        try watcher.client.expect(":linechat 462 watcher :You may not reregister")
    }

    @Test("BROADCAST reaches #lobby, its sender included; outside #lobby it is 404, with no default room 403")
    func broadcastEcho() throws {
        let server = try TestServer.start()
        defer { server.stop() }
        let users = try Self.users(server, [("alice", 0), ("bob", 1), ("carol", 1)])
        let (alice, bob, carol) = (users[0], users[1], users[2])
        try carol.client.send("PART #lobby :busy")
        for user in users { try user.client.expect(":carol PART #lobby :busy") }
        try alice.client.send("BROADCAST hello  everyone")
        for user in [alice, bob] { try user.client.expect(":alice PRIVMSG #lobby :hello  everyone") }
        try carol.client.send("BROADCAST me too")
        try carol.client.expect(
            ":linechat 404 carol #lobby :Cannot send to channel (you are not in it: JOIN #lobby first)")
        for user in users { try user.client.expectQuiet() }

        let bare = try TestServer.start { $0.defaultRoom = nil }
        defer { bare.stop() }
        let dave = try Self.users(bare, [("dave", 0)], room: nil)[0]
        try dave.client.send("BROADCAST anyone?")
        try dave.client.expect(
            ":linechat 403 dave * :This server has no default room: JOIN a room and PRIVMSG #<room> <text>")
        try dave.client.expectQuiet()
    }

    @Test("an operator's announce reaches every registered user, in a room or not, as one server NOTICE")
    func announceIsAServerNotice() throws {
        let server = try TestServer.start()
        defer { server.stop() }
        let users = try Self.users(server, [("alice", 0), ("bob", 1), ("hermit", 1)])
        try users[2].client.send("JOIN 0")
        for user in users { try user.client.expect(":hermit PART #lobby") }
        let irc = try server.connect(onLoop: 0)
        try irc.expect(where: { $0.hasPrefix(":linechat NOTICE * :") })
        try irc.send("USER ircuser 0 * :IRC")
        try irc.send("NICK ircy")
        try irc.expect(where: { $0.hasPrefix(":linechat 376 ircy ") })
        try irc.readJoinBurst("ircy", room: "#lobby")
        for user in users.prefix(2) { try user.client.expect(":ircy JOIN #lobby") }
        let waiting = try server.connect(onLoop: 1)  // not registered: not told
        try waiting.expect(where: { $0.hasPrefix(":linechat NOTICE * :Welcome") })
        try server.server.announce("maintenance at  noon")
        for client in users.map(\.client) + [irc] { try client.expect(":linechat NOTICE * :maintenance at  noon") }
        for client in users.map(\.client) + [irc, waiting] { try client.expectQuiet() }
    }

    @Test("100 members on both loops: three senders' messages reach every member, each sender's in order")
    func hundredMembersKeepOrder() throws {
        let server = try TestServer.start { $0.defaultRoom = nil }
        defer { server.stop() }
        let placement = (0..<100).map { ("m\($0)", $0 % 2) }
        let members = try Self.users(server, placement, room: nil)
        // One after the other: each member's 353 lists those before it, and it sees the JOIN of
        // each one after it, in order.
        try Self.join("#big", members, earlierReadLater: false)
        for (index, member) in members.enumerated() {
            for later in members[(index + 1)...] { try member.client.expect(":\(later.nick) JOIN #big") }
        }
        #expect(server.server.registry?.room(named: "#big")?.members.count == 100)
        let senders = [members[0], members[1], members[2]]  // loops 0, 1, 0
        let count = 300
        for start in stride(from: 0, to: count, by: 50) {
            for sender in senders {
                let batch = (start..<(start + 50)).map { "PRIVMSG #big :\(sender.nick) \($0)\r\n" }.joined()
                try sender.client.sendRaw(Array(batch.utf8))
            }
        }
        for member in members {
            var next: [String: Int] = [:]
            for sender in senders where sender.nick != member.nick { next[sender.nick] = 0 }
            while next.values.contains(where: { $0 < count }) {
                let line = try member.client.readLine()
                let words = line.split(separator: " ")
                let sender = String(words.first?.dropFirst() ?? "")
                guard words.count == 5, words[1] == "PRIVMSG", words[2] == "#big", let sequence = Int(words[4]),
                    let expected = next[sender]
                else {
                    Issue.record("\(member.nick) got \(line)")
                    return
                }
                #expect(words[3] == ":\(sender)", "\(line)")
                #expect(sequence == expected, "\(member.nick): from \(sender) got \(sequence) after \(expected - 1)")
                next[sender] = sequence + 1
            }
        }
        for member in members { try member.client.expectQuiet(for: 0.05) }
    }

    @Test("100 users join one room at once from both loops: each learns of every other, from NAMES or a JOIN")
    func concurrentJoins() throws {
        let server = try TestServer.start { $0.defaultRoom = nil }
        defer { server.stop() }
        let members = try Self.users(server, (0..<100).map { ("m\($0)", $0 % 2) }, room: nil)
        for member in members { try member.client.send("JOIN #big") }
        var duplicates: [String] = []
        for member in members {
            let listed = try member.client.readJoinBurst(member.nick, room: "#big")
                .flatMap { $0.split(separator: " ") }.map { String($0.drop { $0 == "@" }) }
            var known = Set(listed)
            #expect(known.count == listed.count && known.contains(member.nick), "\(member.nick) listed \(listed)")
            // Everyone not in its 353 comes as a JOIN (a missing one times out here).
            while known.count < members.count {
                let line = try member.client.expect(skippingOthers: false, "a JOIN #big") {
                    $0.hasPrefix(":m") && $0.hasSuffix(" JOIN #big")
                }
                let who = String(line.dropFirst().prefix { $0 != " " })
                if !known.insert(who).inserted { duplicates.append("\(member.nick) got \(line), listed in its 353") }
            }
            // Nothing more, up to a round trip and just after it: a JOIN that comes now is one more
            // duplicate of the 353.
            try member.client.send("PING settled")
            var late: [String] = []
            while true {
                let line = try member.client.readLine()
                if line == ":linechat PONG linechat :settled" { break }
                late.append(line)
            }
            while let line = try? member.client.readLine(timeout: 0.05) { late.append(line) }
            for line in late {
                #expect(line.hasPrefix(":m") && line.hasSuffix(" JOIN #big"), "\(member.nick) got \(line)")
                duplicates.append("\(member.nick) got \(line) late, listed in its 353")
            }
        }
        #expect(server.server.registry?.room(named: "#big")?.members.count == 100)
        // Server bug (rooms): the directory adds a joiner before its JOIN reaches the other
        // loop, so a member that joins on that loop meanwhile gets the newcomer both in its 353
        // and then as a JOIN. Remove withKnownIssue once fixed; it is intermittent by nature.
        withKnownIssue("concurrent joins on two loops: a JOIN for a nick already in the 353", isIntermittent: true) {
            #expect(duplicates.isEmpty, "\(duplicates.count) duplicate JOINs, e.g. \(duplicates.prefix(3))")
        }
    }
}
