import Conformance
import Platform
import TestSupport
import Testing

/// The replayer must be able to fail, and say where and why.
@Suite struct ReplayerTests {
    func replay(_ text: String, port: Int, timeout: Double = 5) throws -> ReplayFailure? {
        let transcript = try TranscriptParser().parse(text, path: "wrong.txt")
        do {
            try Replayer(host: "127.0.0.1", port: port, timeout: timeout).replay(transcript)
            return nil
        } catch {
            return error
        }
    }

    @Test func aWrongExpectationFailsWithFileLineClientExpectedAndGot() throws {
        let server = try TestServer.start()
        defer { server.stop() }
        let failure = try replay(
            """
            alice: register alice
            alice> PING right
            alice< :{server} PONG {server} :wrong
            """, port: server.port)
        let unwrapped = try #require(failure)
        #expect(unwrapped.file == "wrong.txt")
        #expect(unwrapped.line == 3)
        #expect(unwrapped.client == "alice")
        #expect(unwrapped.expected == #"":linechat PONG linechat :wrong""#)
        #expect(unwrapped.got == #"":linechat PONG linechat :right""#)
        #expect(
            unwrapped.description
                == #"wrong.txt:3: alice: expected ":linechat PONG linechat :wrong", got ":linechat PONG linechat :right""#
        )
    }

    @Test func aLineThatNeverComesFailsAfterTheTimeout() throws {
        let server = try TestServer.start()
        defer { server.stop() }
        let failure = try #require(try replay("alice: register alice\nalice< :never", port: server.port, timeout: 0.3))
        #expect(failure.line == 2)
        #expect(failure.got == "nothing within 300 ms")
    }

    @Test func anUnexpectedLineFailsNothingMore() throws {
        let server = try TestServer.start()
        defer { server.stop() }
        let failure = try #require(
            try replay("alice: register alice\nalice> PING x\nalice: nothing-more", port: server.port))
        #expect(failure.line == 3)
        #expect(failure.expected == "nothing more for 300 ms")
        #expect(failure.got == #"":linechat PONG linechat :x""#)
    }

    @Test func registerFailsWhenTheNicknameIsTaken() throws {
        let server = try TestServer.start()
        defer { server.stop() }
        let failure = try #require(try replay("a: register alice\nb: register ALICE", port: server.port))
        #expect(failure.line == 2)
        #expect(failure.client == "b")
        #expect(failure.got == #"":linechat 433 * ALICE :Nickname is already in use""#)
    }

    @Test func registerReadsThroughTheDefaultRoomsJoinBurst() throws {
        let server = try TestServer.start()
        defer { server.stop() }
        // After register the next line is news: here, bob's JOIN, then the PONG.
        let failure = try replay(
            """
            alice: register alice
            irc> USER bob 0 * :Bob
            irc: register bob
            alice< :bob JOIN #lobby
            irc> PING x
            irc< :{server} PONG {server} :x
            alice: nothing-more
            """, port: server.port)
        #expect(failure == nil, "\(failure.map(String.init(describing:)) ?? "")")
    }

    @Test func registerFailsWhenTheDefaultRoomsJoinDoesNotCome() throws {
        let server = try TestServer.start { $0.defaultRoom = nil }
        defer { server.stop() }
        let failure = try #require(try replay("alice: register alice", port: server.port, timeout: 0.3))
        #expect(failure.line == 1)
        #expect(failure.expected == #"":alice JOIN #lobby" (register alice)"#)
        #expect(failure.got == "nothing within 300 ms")
    }

    @Test func registerWithoutADefaultRoomStopsAtTheEndOfTheMOTD() throws {
        let server = try TestServer.start { $0.defaultRoom = nil }
        defer { server.stop() }
        let transcript = try TranscriptParser().parse("alice: register alice\nalice: nothing-more", path: "t.txt")
        #expect(throws: Never.self) {
            try Replayer(host: "127.0.0.1", port: server.port, defaultRoom: nil).replay(transcript)
        }
    }

    @Test func closedFailsWhileTheServerKeepsTheConnection() throws {
        let server = try TestServer.start()
        defer { server.stop() }
        let failure = try #require(try replay("a: register alice\na: closed", port: server.port, timeout: 0.3))
        #expect(failure.expected == "the server to close the connection")
        #expect(failure.got == "nothing within 300 ms")
    }

    @Test func noServerMeansAConnectFailure() throws {
        // Bind a port, then free it: nothing listens there any more.
        let listener = try Socket.listen(on: SocketAddress.resolve(host: "127.0.0.1", port: 0))
        let port = try Socket.localAddress(listener).port
        Posix.close(listener)
        let failure = try #require(try replay("alice> NICK alice", port: port))
        #expect(failure.line == 1)
        #expect(failure.expected == "to connect to 127.0.0.1:\(port)")
        #expect(failure.got.contains("connection refused"))
    }

    @Test func quotingEscapesControlCharacters() {
        #expect(ReplayFailure.quoted("a\u{1B}[2J\"\\\r\u{85}") == #""a\x1b[2J\"\\\r\x85""#)
        #expect(ReplayFailure.quoted("a\u{A0}b\u{200B}c d\té") == #""a\u{a0}b\u{200b}c d\té""#)
    }
}
