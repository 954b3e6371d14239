import Foundation
import Platform
import TLS
import TestSupport
import Testing

/// The TLS flags of the built `linechat-server`: certificate files, SIGHUP reloads, start-up
/// errors.
@Suite("TLS server process")
struct TLSServerProcessTests {
    /// A directory of PEM files, removed with it.
    final class CertificateDirectory {
        let path: String

        init() throws { path = try Posix.makeTemporaryDirectory(prefix: "linechat-tls-server-") }

        deinit { try? FileManager.default.removeItem(atPath: path) }

        /// Writes a new self-signed certificate and its key as `cert.pem` and `key.pem`
        /// (replacing them), and a copy of the certificate as `<name>.pem` for clients to trust.
        @discardableResult
        func install(_ name: String) throws -> (trust: String, fingerprint: String) {
            let generated = try TLSSelfSignedCertificate(commonName: "localhost")
            try generated.certificatePEM.write(toFile: certificate, atomically: true, encoding: .utf8)
            try generated.privateKeyPEM.write(toFile: key, atomically: true, encoding: .utf8)
            let trust = path + "/\(name).pem"
            try generated.certificatePEM.write(toFile: trust, atomically: true, encoding: .utf8)
            return (trust, generated.fingerprintSHA256)
        }

        var certificate: String { path + "/cert.pem" }
        var key: String { path + "/key.pem" }
    }

    /// Runs the server binary with `arguments` to its exit: status and stderr.
    static func run(_ arguments: [String]) throws -> (status: Int32, stderr: String) {
        let process = Process()
        process.executableURL = ServerProcess.productsDirectory.appendingPathComponent("linechat-server")
        process.arguments = ["--host", "127.0.0.1", "--port", "0", "--http-port", "none", "--metrics-port", "none", "--no-console", "--no-history"] + arguments
        let stderr = Pipe()
        process.standardError = stderr
        process.standardOutput = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let log = LineClient(adopting: dup(stderr.fileHandleForReading.fileDescriptor))
        var text = ""
        while let line = try? log.readLine(timeout: 10) { text += line + "\n" }
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        return (process.terminationStatus, text)
    }

    @Test(
        "SIGHUP reloads the certificate files: new connections get the new one, existing ones chat on, a bad file is logged and the old pair kept"
    )
    func sighupReloadsTheCertificate() throws {
        let files = try CertificateDirectory()
        let first = try files.install("first")
        let server = try ServerProcess([
            "--no-console", "--tls-cert", files.certificate, "--tls-key", files.key, "--tls-port", "0",
        ])
        defer { server.terminate() }
        #expect(server.tlsFingerprint == first.fingerprint)
        let alice = try TLSTestClient(port: try #require(server.tlsPort), trusting: first.trust)
        try alice.register("alice")

        let second = try files.install("second")
        #expect(Posix.sendSignal(Signal.hangUp, to: server.pid))
        let reloaded = try server.expectLog(containing: "reloaded the TLS certificate")
        #expect(reloaded.contains(second.fingerprint), "\(reloaded)")
        let bob = try TLSTestClient(port: try #require(server.tlsPort), trusting: second.trust)
        try bob.register("bob")
        #expect(throws: (any Error).self) { try TLSTestClient(port: server.tlsPort!, trusting: first.trust) }
        // The connection made before the reload is untouched.
        try alice.send("BROADCAST still here")
        try bob.expect(":alice PRIVMSG #lobby :still here", skippingOthers: true)

        try "not a certificate\n".write(toFile: files.certificate, atomically: true, encoding: .utf8)
        #expect(Posix.sendSignal(Signal.hangUp, to: server.pid))
        let refused = try server.expectLog(containing: "cannot reload the TLS certificate")
        #expect(refused.contains(" error ") && refused.contains(files.certificate), "\(refused)")
        let carol = try TLSTestClient(port: try #require(server.tlsPort), trusting: second.trust)
        try carol.register("carol")
        try alice.roundTrip()
        #expect(server.process.isRunning)
    }

    @Test("a missing key file stops the start with exit status 1 and a message naming the file")
    func missingKeyFile() throws {
        let files = try CertificateDirectory()
        try files.install("only")
        let missing = files.path + "/no-such-key.pem"
        let result = try Self.run(["--tls-cert", files.certificate, "--tls-key", missing, "--tls-port", "0"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("cannot start") && result.stderr.contains(missing), "\(result.stderr)")
    }

    @Test("a key that is not the certificate's stops the start, naming both files")
    func mismatchedPair() throws {
        let files = try CertificateDirectory()
        try files.install("one")
        let otherKey = files.path + "/other-key.pem"
        try TLSSelfSignedCertificate(commonName: "localhost").privateKeyPEM
            .write(toFile: otherKey, atomically: true, encoding: .utf8)
        let result = try Self.run(["--tls-cert", files.certificate, "--tls-key", otherKey, "--tls-port", "0"])
        #expect(result.status == 1)
        #expect(result.stderr.contains(otherKey) && result.stderr.contains(files.certificate), "\(result.stderr)")
    }

    @Test("TLS flags that do not fit together are usage errors (exit status 64)")
    func usageErrors() throws {
        let cases: [([String], String)] = [
            (["--no-plain"], "--no-plain"),
            (["--port", "none"], "--no-plain"),
            (["--tls-cert", "cert.pem"], "--tls-cert needs --tls-key"),
            (["--tls-key", "key.pem"], "--tls-key needs --tls-cert"),
            (["--tls-port", "7000"], "--tls-port needs TLS"),
            (["--tls-self-signed", "--tls-cert", "c", "--tls-key", "k"], "alternatives"),
        ]
        for (arguments, message) in cases {
            let result = try Self.run(arguments)
            #expect(result.status == 64, "\(arguments)")
            #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
        }
    }

    @Test("--tls-self-signed with --port none serves TLS only and logs the certificate's fingerprint")
    func selfSignedTLSOnly() throws {
        let server = try ServerProcess(["--no-console", "--tls-self-signed", "--tls-port", "0", "--port", "none"])
        defer { server.terminate() }
        let fingerprint = try #require(server.tlsFingerprint)
        #expect(fingerprint.count == 32 * 3 - 1)
        #expect(server.port == server.tlsPort)
        let alice = try server.connectTLS()
        try alice.register("alice")
        try alice.roundTrip()
    }
}
