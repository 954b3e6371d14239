import ChatServer
import Platform
import TestSupport
import Testing

/// What old telnet clients send, over real TCP: CR NUL and bare CR line ends, and stray telnet
/// bytes that look like the start of a subnegotiation.
@Suite("Telnet input over TCP")
struct TelnetInputTests {
    @Test(
        "a client ending lines with CR NUL or a bare CR registers and gets its PONG",
        arguments: [[13, 0], [13]] as [[UInt8]])
    func telnetLineEnds(terminator: [UInt8]) throws {
        let server = try TestServer.start()
        defer { server.stop() }
        let bob = try server.connect()
        try bob.expect(where: { $0.hasPrefix(":linechat NOTICE * :") })
        try bob.sendRaw(Array("NICK bob".utf8) + terminator)
        try bob.expect(":linechat 001 bob :Welcome to the chat room, bob!")
        try bob.expect(where: { $0.hasPrefix(":linechat 376 bob ") })
        try bob.readJoinBurst("bob", room: TestClient.defaultRoom)
        // The terminator's second byte may come in a write of its own.
        try bob.sendRaw(Array("PING x".utf8) + [13])
        try bob.expect(":linechat PONG linechat :x")
        try bob.sendRaw(Array(terminator.dropFirst()) + Array("PING y".utf8) + terminator)
        try bob.expect(":linechat PONG linechat :y")
        try bob.expectSilence()
    }

    @Test("a stray IAC SB (FF FA) followed by 200 bytes does not swallow the PING after it")
    func straySubnegotiation() throws {
        let server = try TestServer.start()
        defer { server.stop() }
        let alice = try server.connect()
        try alice.register("alice")
        // Latin-1 "ÿú" then 198 more bytes of text ending the line, then a PING.
        let junk = [0xFF, 0xFA] + [UInt8](repeating: UInt8(ascii: "z"), count: 196) + [13, 10]
        try alice.sendRaw(junk + Array("PING x\r\n".utf8))
        // The subnegotiation is abandoned after 64 bytes; the rest of that line is an unknown verb.
        try alice.expect(where: { $0.hasPrefix(":linechat 421 alice ZZZ") })
        try alice.expect(":linechat PONG linechat :x")
        // The same bytes in several writes (split reads are the framer tests' business; here
        // they may arrive apart or together).
        let pieces: [[UInt8]] = [
            [0xFF], [0xFA] + Array(repeating: UInt8(ascii: "z"), count: 100),
            Array(repeating: UInt8(ascii: "z"), count: 96) + [13, 10] + Array("PING y\r\n".utf8),
        ]
        for piece in pieces { try alice.sendRaw(piece) }
        try alice.expect(where: { $0.hasPrefix(":linechat 421 alice ZZZ") })
        try alice.expect(":linechat PONG linechat :y")
        try alice.expectSilence()
    }

    @Test("every line the server sends over TCP is at most 512 bytes, even with --max-line-bytes 65536")
    func repliesFitWithLongInboundLines() throws {
        let server = try TestServer.start { $0.maxLineBytes = 65536 }
        defer { server.stop() }
        let alice = try server.connect()
        try alice.register("alice")
        let long = String(repeating: "é", count: 5000)
        for line in [long, "HELP \(long)", "NICK \(long)", "PING :\(long)", "CAP REQ :\(long)", "PRIVMSG \(long) hi"] {
            try alice.send(line)
            let reply = try alice.readLine()
            #expect(reply.utf8.count + 2 <= 512, "\(reply.prefix(30)): \(reply.utf8.count + 2) bytes")
        }
        try alice.send("BROADCAST \(long)")
        try alice.expect(":linechat 417 alice :Text too long (max 438 bytes): nothing was sent")
    }
}
