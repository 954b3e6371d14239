import Foundation
import LineChatClient
import TLSFront
import TestSupport
import Testing

/// `linechat --tls` against a TLS front (a generated self-signed certificate) that relays to a
/// real in-process server: certificate checks, `--tls-ca`, `--insecure`, scripted chat.
@Suite("linechat over TLS")
struct TLSModeTests {
    /// A server, a TLS front to it, the front's certificate in a file; torn down by `stop`.
    final class Setup {
        let server: TestServer
        let front: TLSFront
        let certificateFile: String

        init(frontHost: String = "127.0.0.1") throws {
            server = try TestServer.start()
            front = try TLSFront(backendPort: server.port, host: frontHost)
            certificateFile = try front.writeCertificate()
        }

        func stop() {
            front.stop()
            server.stop()
            try? FileManager.default.removeItem(atPath: certificateFile)
        }
    }

    @Test func anUntrustedSelfSignedCertificateIsRefusedWithAReadableMessage() throws {
        let setup = try Setup()
        defer { setup.stop() }
        let run = try ScriptedLinechat.run(
            ["--tls", "--host", "127.0.0.1", "--port", "\(setup.front.port)", "--nick", "bot"], input: "hello\n")
        #expect(run.status == 1)
        #expect(
            run.stderr.text
                == "linechat: could not connect to 127.0.0.1:\(setup.front.port): certificate verification failed: "
                + "self-signed certificate (use --tls-ca <file> to trust a certificate, or --insecure)\n")
        #expect(run.stdout.text == "")
    }

    @Test func aCertificateForAnotherNameIsRefused() throws {
        // The front's certificate names localhost and 127.0.0.1; it listens on 127.0.0.2.
        let setup = try Setup(frontHost: "127.0.0.2")
        defer { setup.stop() }
        let run = try ScriptedLinechat.run(
            ["--host", "127.0.0.2", "--port", "\(setup.front.port)", "--tls-ca", setup.certificateFile], input: "")
        #expect(run.status == 1)
        #expect(
            run.stderr.text
                == "linechat: could not connect to 127.0.0.2:\(setup.front.port): certificate verification failed: "
                + "IP address mismatch (use --tls-ca <file> to trust a certificate, or --insecure)\n")
    }

    @Test func aPlainServerOnTheTLSPortFailsTheHandshake() throws {
        let server = try TestServer.start()
        defer { server.stop() }
        let run = try ScriptedLinechat.run(["--tls", "--host", "127.0.0.1", "--port", "\(server.port)"], input: "")
        #expect(run.status == 1)
        #expect(run.stderr.text.hasPrefix("linechat: could not connect to 127.0.0.1:\(server.port): TLS handshake failed"))
    }

    @Test func aMissingCAFileIsReported() throws {
        let run = try ScriptedLinechat.run(["--tls-ca", "/nonexistent/ca.pem", "--port", "1"], input: "")
        #expect(run.status == 1)
        #expect(run.stderr.text.hasPrefix("linechat: cannot read the trusted certificates file /nonexistent/ca.pem"))
    }

    @Test func trustingTheCertificateFileAScriptSendsAndReceivesLines() throws {
        let setup = try Setup()
        defer { setup.stop() }
        let alice = try setup.server.connect()
        try alice.register("alice")

        let bot = try ScriptedLinechat(
            ["--host", "127.0.0.1", "--port", "\(setup.front.port)", "--tls-ca", setup.certificateFile, "--nick", "bot"])
        try bot.waitForLine("Members of #lobby (2): alice bot")
        try alice.expect(":bot JOIN #lobby")
        bot.type("hello over  TLS\n/msg alice psst\n")
        try alice.expect(":bot PRIVMSG #lobby :hello over  TLS")
        try alice.expect(":bot PRIVMSG alice :psst")
        try alice.send("PRIVMSG #lobby :hi bot")
        try bot.waitForLine("alice: hi bot")
        bot.closeInput()
        try bot.waitForExit()
        try alice.expect(":bot QUIT :Quit")
        #expect(bot.status == 0)
        #expect(bot.stderr.text == "")
        #expect(bot.stdout.lines.contains("bot: hello over  TLS"))
        #expect(bot.stdout.lines.contains("you -> alice: psst"))
        #expect(setup.front.handshakes == 1)
    }

    @Test func insecureConnectsAndWarns() throws {
        let setup = try Setup()
        defer { setup.stop() }
        let run = try ScriptedLinechat.run(
            ["--insecure", "--host", "127.0.0.1", "--port", "\(setup.front.port)", "--nick", "bot"],
            input: "anyone there?\n")
        #expect(run.status == 0)
        #expect(run.stderr.text == "linechat: \(ClientOptions.insecureWarning)\n")
        #expect(run.stdout.lines.contains("bot: anyone there?"))
        #expect(run.stdout.lines.contains("You have left the chat"))
    }

    @Test func theServerClosingEndsATLSClientWithFailure() throws {
        let setup = try Setup()
        defer { setup.stop() }
        let bot = try ScriptedLinechat(["--insecure", "--host", "127.0.0.1", "--port", "\(setup.front.port)", "--nick", "bot"])
        try bot.waitForLine("Welcome to the chat room, bot!")
        setup.server.stop()
        try bot.waitForExit()
        #expect(bot.status == 1)
        #expect(bot.stdout.lines.contains("Disconnected: Server shutting down"))
    }

    @Test func flags() throws {
        #expect(
            try ClientOptions.parse(["--tls"])
                == .run(ClientOptions(port: 6697, tls: .init(caFile: nil, verify: true))))
        #expect(
            try ClientOptions.parse(["--tls", "--port", "7000", "--tls-ca", "ca.pem"])
                == .run(ClientOptions(port: 7000, tls: .init(caFile: "ca.pem", verify: true))))
        #expect(try ClientOptions.parse(["--insecure"]) == .run(ClientOptions(port: 6697, tls: .init(verify: false))))
        #expect(try ClientOptions.parse([]) == .run(ClientOptions()))
        #expect(throws: ClientOptions.UsageError.self) { try ClientOptions.parse(["--tls-ca", "a", "--insecure"]) }
        #expect(throws: ClientOptions.UsageError.self) { try ClientOptions.parse(["--tls=yes"]) }
        #expect(throws: ClientOptions.UsageError.self) { try ClientOptions.parse(["--tls-ca"]) }
    }
}
