import Foundation
import Platform
import TestSupport
import Testing

/// The flags of `linechat-server` that change what users see, on the built binary over real TCP.
@Suite("Server options")
struct ServerOptionTests {
    /// `connected <duration>, idle <duration>`, durations as PROTOCOL.md writes them: `45s`,
    /// `3m 12s`, `2h 5m`, `3d 4h`.
    static func isListInfo(_ text: Substring) -> Bool {
        let duration = #"(\d+s|\d+m \d+s|\d+h \d+m|\d+d \d+h)"#
        return text.wholeMatch(of: try! Regex("connected \(duration), idle \(duration)")) != nil
    }

    @Test("by default LIST shows no address; --list-addresses adds the user's own address and port")
    func listAddresses() throws {
        let plain = try ServerProcess(["--no-console"])
        let alice = try plain.connect()
        try alice.register("alice")
        try alice.send("LIST")
        let line = try alice.readLine()
        let prefix = ":linechat 322 alice alice :"
        #expect(line.hasPrefix(prefix) && Self.isListInfo(line.dropFirst(prefix.count)), "\(line)")
        try alice.expect(":linechat 323 alice :End of LIST")

        let listing = try ServerProcess(["--no-console", "--list-addresses"])
        let bob = try listing.connect()
        try bob.register("bob")
        try bob.send("LIST")
        let listed = try bob.readLine()
        let suffix = ", from 127.0.0.1:\(bob.connection.localPort)"
        let bobPrefix = ":linechat 322 bob bob :"
        #expect(
            listed.hasPrefix(bobPrefix) && listed.hasSuffix(suffix)
                && Self.isListInfo(listed.dropFirst(bobPrefix.count).dropLast(suffix.count)), "\(listed)")
        try bob.expect(":linechat 323 bob :End of LIST")
    }

    /// A server started with a message-of-the-day file holding `contents`.
    static func serverWithMOTD(_ contents: String) throws -> ServerProcess {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("motd-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).txt").path
        try Data(contents.utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try ServerProcess(["--no-console", "--motd-file", path])
    }

    /// Registers alice and checks that the MOTD between 375 and 376 is `lines`.
    static func expectMOTD(_ server: ServerProcess, _ lines: [String]) throws {
        let alice = try server.connect()
        try alice.expect(where: { $0.hasPrefix(":linechat NOTICE * :") })
        try alice.send("NICK alice")
        try alice.expect(":linechat 375 alice :- linechat Message of the day -", skippingOthers: true)
        for line in lines { try alice.expect(":linechat 372 alice :- \(line)") }
        try alice.expect(":linechat 376 alice :End of /MOTD command.")
    }

    @Test("--motd-file replaces the message of the day with the file's lines, in order")
    func motdFile() throws {
        let server = try Self.serverWithMOTD("First line\n\n  Second: caf\u{E9}\tand a tab\nlast\n")
        try Self.expectMOTD(server, ["First line", "", "  Second: caf\u{E9}\tand a tab", "last"])
    }

    @Test("--motd-file reads a file with CRLF line ends like one with LF")
    func motdFileWithCRLF() throws {
        // Swift reads "\r\n" as one Character: splitting at "\n" alone would keep the CRs.
        let server = try Self.serverWithMOTD("First line\r\nsecond\r\n")
        try Self.expectMOTD(server, ["First line", "second"])
    }

    @Test("--server-name is the source of every server line, the host in 002 and the network in 005")
    func serverName() throws {
        let server = try ServerProcess(["--no-console", "--server-name", "chat.example"])
        let alice = try server.connect()
        try alice.expect(
            ":chat.example NOTICE * :Welcome to LineChat! Pick a nickname to join the chat room: type NICK <name> and press Enter."
        )
        try alice.send("NICK alice")
        try alice.expect(":chat.example 001 alice :Welcome to the chat room, alice!")
        try alice.expect(where: {
            $0.hasPrefix(":chat.example 002 alice :Your host is chat.example, running LineChat ")
        })
        try alice.expect(where: { $0.hasPrefix(":chat.example 003 alice :This server was created ") })
        try alice.expect(where: { $0.hasPrefix(":chat.example 004 alice chat.example LineChat-") })
        try alice.expect(where: { $0.hasPrefix(":chat.example 005 alice ") && $0.contains(" NETWORK=chat.example ") })
        try alice.expect(where: { $0.hasPrefix(":chat.example 005 alice CHANLIMIT=") })
        try alice.expect(":chat.example 375 alice :- chat.example Message of the day -")
        try alice.expect(":chat.example 376 alice :End of /MOTD command.", skippingOthers: true)
        // The default room's topic is set by the server, under its name.
        try alice.expect(":alice JOIN #lobby")
        try alice.expect(
            ":chat.example 332 alice #lobby :Welcome to LineChat! BROADCAST <text> talks here; "
                + "HELP lists every command.")
        try alice.expect(where: { $0.hasPrefix(":chat.example 333 alice #lobby chat.example ") })
        try alice.expect(":chat.example 353 alice = #lobby :alice")
        try alice.expect(":chat.example 366 alice #lobby :End of /NAMES list")
        try alice.send("PING x")
        try alice.expect(":chat.example PONG chat.example :x")
        try alice.send("FROB")
        try alice.expect(
            ":chat.example 421 alice FROB :Unknown command (type HELP for the list; "
                + "to talk to everyone: BROADCAST FROB)")
    }

    @Test("--max-line-bytes is the longest line accepted, terminator included, and 005's LINELEN")
    func maxLineBytes() throws {
        let server = try ServerProcess(["--no-console", "--max-line-bytes", "600"])
        let alice = try server.connect()
        try alice.expect(where: { $0.hasPrefix(":linechat NOTICE * :") })
        try alice.send("NICK alice")
        try alice.expect(where: { $0.hasPrefix(":linechat 005 alice ") && $0.contains(" LINELEN=600 ") })
        try alice.expect(where: { $0.hasPrefix(":linechat 376 alice ") })
        try alice.readJoinBurst("alice", room: TestClient.defaultRoom)
        // "PING " + token + CRLF: exactly 600 bytes, then 601.
        let fits = String(repeating: "a", count: 600 - 7)
        try alice.sendRaw(Array("PING \(fits)\r\n".utf8))
        // Accepted: a PONG, its token cut so the reply fits the 512 bytes every server line does.
        let pong = ":linechat PONG linechat :"
        try alice.expect(pong + String(repeating: "a", count: 510 - pong.utf8.count))
        try alice.sendRaw(Array("PING \(fits)b\r\n".utf8))
        try alice.expect(":linechat 417 alice :Input line was too long (max 600 bytes)")
        try alice.send("PING after")
        try alice.expect(":linechat PONG linechat :after")
    }
}
