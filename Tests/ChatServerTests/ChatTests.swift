import ChatServer
import Platform
import Testing
import TestSupport

/// The chat as users see it, over real TCP, with two event loops so that users are spread
/// across threads.
@Suite("Chat over TCP")
struct ChatTests {
    @Test("three users register, see each other join, talk, rename and leave")
    func threeUsers() throws {
        let server = try TestServer.start()
        defer { server.stop() }
        let users = try server.registeredClients("alice", "bob", "carol")
        let (alice, bob, carol) = (users[0], users[1], users[2])

        // BROADCAST talks in #lobby, where everyone starts; the sender gets it back.
        try alice.send("BROADCAST hello  everyone")
        for user in [alice, bob, carol] { try user.expect(":alice PRIVMSG #lobby :hello  everyone") }

        try bob.send("PRIVMSG alice,carol :psst")
        try alice.expect(":bob PRIVMSG alice :psst")
        try carol.expect(":bob PRIVMSG carol :psst")

        try carol.send("NICK Caroline")
        for user in [alice, bob, carol] { try user.expect(":carol NICK Caroline") }

        try alice.send("LIST")
        try alice.expect(where: { $0.hasPrefix(":linechat 322 alice alice :connected ") })
        try alice.expect(where: { $0.hasPrefix(":linechat 322 alice bob :connected ") })
        try alice.expect(where: { $0.hasPrefix(":linechat 322 alice Caroline :connected ") })
        try alice.expect(":linechat 323 alice :End of LIST")

        try bob.send("QUIT gone fishing")
        try bob.expect("ERROR :Closing link: bob (Quit: gone fishing)")
        #expect(bob.waitForClose())
        try alice.expect(":bob QUIT :Quit: gone fishing")
        try carol.expect(":bob QUIT :Quit: gone fishing")

        carol.close()
        try alice.expect(":Caroline QUIT :Connection closed")
        try alice.expectSilence()
    }

    @Test("a client's prefix never changes who a message is from")
    func noImpersonation() throws {
        let server = try TestServer.start()
        defer { server.stop() }
        let users = try server.registeredClients("alice", "bob")
        let (alice, bob) = (users[0], users[1])
        try alice.send(":bob!bob@host BROADCAST I am bob")
        try bob.expect(":alice PRIVMSG #lobby :I am bob")
        try alice.send(":linechat PRIVMSG bob :official notice")
        try bob.expect(":alice PRIVMSG bob :official notice")
    }

    @Test("messages from one sender reach every recipient in order, across event loops")
    func ordering() throws {
        let server = try TestServer.start { $0.eventLoops = 2 }
        defer { server.stop() }
        let sender = try server.connect()
        try sender.register("sender")
        var readers: [TestClient] = []
        for i in 0..<6 {
            let reader = try server.connect()
            try reader.register("reader\(i)")
            readers.append(reader)
        }
        let count = 2000
        var batch = ""
        for i in 0..<count {
            batch += "BROADCAST message \(i)\r\n"
            if i % 100 == 99 || i == count - 1 {
                try sender.sendRaw(Array(batch.utf8))
                batch = ""
            }
            if i % 10 == 0, i > 0 { try sender.send("PRIVMSG reader0 private \(i)") }
        }
        for (index, reader) in readers.enumerated() {
            var next = 0
            var nextPrivate = 10
            while next < count {
                let line = try reader.readLine()
                if line.hasPrefix(":sender PRIVMSG #lobby :message ") {
                    #expect(line == ":sender PRIVMSG #lobby :message \(next)")
                    next += 1
                } else if line.hasPrefix(":sender PRIVMSG reader0 :private ") {
                    #expect(index == 0)
                    #expect(line == ":sender PRIVMSG reader0 :private \(nextPrivate)")
                    nextPrivate += 10
                } else {
                    #expect(line.hasPrefix(":reader") && line.hasSuffix(" JOIN #lobby"), "unexpected \(line)")
                }
            }
        }
    }

    @Test("CAP and USER let an IRC client register without waiting")
    func ircClientRegistration() throws {
        let server = try TestServer.start()
        defer { server.stop() }
        let client = try server.connect()
        try client.expect(where: { $0.hasPrefix(":linechat NOTICE * :") })
        try client.send("CAP LS 302")
        try client.expect(
            ":linechat CAP * LS :away-notify batch cap-notify draft/chathistory draft/event-playback echo-message "
                + "labeled-response message-tags multi-prefix server-time userhost-in-names")
        try client.send("NICK irc")
        try client.send("USER irc 0 * :An IRC client")
        try client.send("CAP END")
        try client.expect(":linechat 001 irc :Welcome to the chat room, irc!")
        try client.expect(where: { $0.hasPrefix(":linechat 376 irc ") })
        // Then #lobby, with the IRC client's source form on its own JOIN.
        try client.expect(":irc!~irc@linechat JOIN #lobby")
        try client.expect(
            ":linechat 332 irc #lobby :Welcome to LineChat! BROADCAST <text> talks here; HELP lists every command.")
        try client.expect(where: { $0.hasPrefix(":linechat 333 irc #lobby linechat ") })
        try client.expect(":linechat 353 irc = #lobby :irc")
        try client.expect(":linechat 366 irc #lobby :End of /NAMES list")
        try client.expectSilence()
    }
}
