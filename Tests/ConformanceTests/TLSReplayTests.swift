import Conformance
import Foundation
import TLS
import TLSFront
import TestSupport
import Testing

/// The replayer over TLS, against a TLS front (a generated self-signed certificate) relaying
/// to a fresh in-process server.
@Suite struct TLSReplayTests {
    @Test("a transcript replays over TLS", arguments: ["10-privmsg-one.txt", "16-broadcast.txt", "21-abrupt-disconnect.txt"])
    func transcriptReplaysOverTLS(_ name: String) throws {
        let transcript = try TranscriptParser().parse(contentsOf: TranscriptFilesFixture.path(name))
        let server = try TestServer.startWithDefaults()
        defer { server.stop() }
        let front = try TLSFront(backendPort: server.port)
        defer { front.stop() }
        let certificate = try front.writeCertificate()
        defer { try? FileManager.default.removeItem(atPath: certificate) }
        let context = try TLSClientContext(caFile: certificate)
        do {
            try Replayer(host: "127.0.0.1", port: front.port, tls: context).replay(transcript)
        } catch {
            Issue.record("\(error)")
        }
        #expect(front.handshakes >= 1)
    }

    @Test func aSmallTranscriptOverTLSWithoutVerification() throws {
        let server = try TestServer.start()
        defer { server.stop() }
        let front = try TLSFront(backendPort: server.port)
        defer { front.stop() }
        let transcript = try TranscriptParser().parse(
            """
            alice: register alice
            bob: register bob
            alice< :bob JOIN #lobby
            bob> PRIVMSG alice :over TLS
            alice< :bob PRIVMSG alice :over TLS
            alice> PING done
            alice< :{server} PONG {server} :done
            bob> QUIT :bye
            bob< ERROR :Closing link: bob (Quit: bye)
            bob: closed
            alice< :bob QUIT :Quit: bye
            alice: nothing-more
            """, path: "tls.txt")
        let replayer = Replayer(host: "127.0.0.1", port: front.port, tls: try TLSClientContext(verify: false))
        #expect(throws: Never.self) { try replayer.replay(transcript) }
        #expect(front.handshakes == 2)
    }

    @Test func anUntrustedCertificateFailsTheConnectStep() throws {
        let server = try TestServer.start()
        defer { server.stop() }
        let front = try TLSFront(backendPort: server.port)
        defer { front.stop() }
        let transcript = try TranscriptParser().parse("alice: register alice", path: "t.txt")
        let replayer = Replayer(host: "127.0.0.1", port: front.port, tls: try TLSClientContext())
        var caught: ReplayFailure?
        do {
            try replayer.replay(transcript)
        } catch {
            caught = error
        }
        let failure = try #require(caught)
        #expect(failure.expected == "to connect to 127.0.0.1:\(front.port) over TLS")
        #expect(failure.got == "certificate verification failed: self-signed certificate")
    }
}
