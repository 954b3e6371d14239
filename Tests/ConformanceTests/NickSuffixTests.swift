import Conformance
import TestSupport
import Testing

/// `--nick-suffix`: the transcripts replayed on a server where their nicknames are taken.
@Suite struct NickSuffixTests {
    func transcript(_ text: String) throws -> Transcript { try TranscriptParser().parse(text, path: "t.txt") }

    @Test func everyNicknameIsSuffixedInWhatIsSentAndExpected() throws {
        let original = try transcript(
            """
            a: register alice
            b< :{server} NOTICE * :{*}
            b> NICK ALICE
            b< :{server} 433 * ALICE :Nickname is already in use
            b>> nick bob\\r\\n
            b: skip-until :{server} 376 bob :{*}
            b> PRIVMSG alice,nobody :hi alice, alicia and malice
            a< :bob PRIVMSG alice :hi alice, alicia and malice
            b> NICK {server}
            b> NICK 9lives
            a> NICK [x]
            """)
        let suffixed = try NickSuffix("-r1").apply(to: original)
        #expect(
            suffixed.steps.map(\.action) == [
                .connect, .register("alice-r1"),
                .connect, .expect(Pattern(parts: [.literal(":linechat NOTICE * :"), .wildcard])),
                .send(Array("NICK ALICE-r1\r\n".utf8)),
                .expect(Pattern(literal: ":linechat 433 * ALICE-r1 :Nickname is already in use")),
                .send(Array("nick bob-r1\r\n".utf8)),
                .skipUntil(Pattern(parts: [.literal(":linechat 376 bob-r1 :"), .wildcard])),
                .send(Array("PRIVMSG alice-r1,nobody :hi alice-r1, alicia and malice\r\n".utf8)),
                .expect(Pattern(literal: ":bob-r1 PRIVMSG alice-r1 :hi alice-r1, alicia and malice")),
                // The server's own name stays reserved; an invalid nickname is not one.
                .send(Array("NICK linechat\r\n".utf8)),
                .send(Array("NICK 9lives\r\n".utf8)),
                .send(Array("NICK [x]-r1\r\n".utf8)),
            ])
    }

    @Test func keepNicksLeavesATranscriptAsWritten() throws {
        let original = try transcript("keep-nicks the length limit\na: register alice")
        #expect(original.keepNicksReason == "the length limit")
        #expect(try NickSuffix("-r1").apply(to: original) == original)
        #expect(throws: TranscriptError.self) { try transcript("keep-nicks\na: register alice") }
    }

    @Test func aSuffixThatMakesANicknameTooLongIsRefused() throws {
        let original = try transcript("a: register abcdefghijklmnopqrstuvwxyz")
        #expect(throws: NickSuffix.Problem.self) { try NickSuffix("-abcd").apply(to: original) }
        #expect(
            try NickSuffix("-abc").apply(to: original).steps.last?.action == .register("abcdefghijklmnopqrstuvwxyz-abc")
        )
    }

    @Test(arguments: ["", "-too-long", "a b", "a.b", "é"])
    func badSuffixesAreRefused(_ suffix: String) {
        #expect(throws: NickSuffix.Problem.self) { try NickSuffix(suffix) }
    }

    @Test func uniqueSuffixesAreValidAndVary() throws {
        let suffixes = Set((0..<50).map { NickSuffix.unique(seed: UInt64($0) &* 2_654_435_761) })
        #expect(suffixes.count == 50)
        for suffix in suffixes { _ = try NickSuffix(suffix) }
    }

    /// Users called alice, bob and carol are already on the server, in no room (the transcripts
    /// need #lobby to themselves), except for transcripts that LIST or keep their nicknames,
    /// which need to be alone on it (conformance/README.md).
    @Test(
        "a suffixed transcript replays on a server where its nicknames are taken",
        arguments: TranscriptFilesFixture.names)
    func replaysBesideSquatters(_ name: String) throws {
        let parsed = try TranscriptParser().parse(contentsOf: TranscriptFilesFixture.path(name))
        let server = try TestServer.startWithDefaults()
        defer { server.stop() }
        let lists = parsed.steps.contains { step in
            guard case .send(let bytes) = step.action else { return false }
            return String(decoding: bytes.prefix(4), as: UTF8.self).uppercased() == "LIST"
        }
        let squatters =
            lists || parsed.keepNicksReason != nil ? [] : try squattersOutsideAnyRoom(server, "alice", "bob", "carol")
        let transcript = try NickSuffix("-t9").apply(to: parsed)
        do {
            try Replayer(host: "127.0.0.1", port: server.port).replay(transcript)
        } catch {
            Issue.record("\(error)")
        }
        for squatter in squatters { try squatter.send("PING still-here") }
        for squatter in squatters {
            try squatter.expect(":linechat PONG linechat :still-here", skippingOthers: true)
        }
    }

    /// Registered users who left the default room, each before the next registers: nobody
    /// hears of them and they hear nothing of the transcript's users.
    private func squattersOutsideAnyRoom(_ server: TestServer, _ nicks: String...) throws -> [TestClient] {
        try nicks.map { nick in
            let client = try server.connect()
            try client.register(nick)  // reads through #lobby's NAMES
            try client.send("PART #lobby")
            try client.expect(":\(nick) PART #lobby")
            return client
        }
    }

    @Test func withoutTheSuffixATakenNicknameFails() throws {
        let parsed = try TranscriptParser().parse(contentsOf: TranscriptFilesFixture.path("10-privmsg-one.txt"))
        let server = try TestServer.startWithDefaults()
        defer { server.stop() }
        let squatters = try server.registeredClients("alice")
        #expect(throws: ReplayFailure.self) { try Replayer(host: "127.0.0.1", port: server.port).replay(parsed) }
        _ = squatters
    }
}
