import Platform
import Testing

@testable import TLS

@Suite("TLS certificate verification")
struct TLSVerificationTests {
    /// Handshakes a client of `clientContext` asking for `name` against a self-signed server.
    func handshake(
        _ server: TLSServerContext, _ clientContext: TLSClientContext, name: String
    ) throws -> (server: HandshakeEnd, client: HandshakeEnd) {
        let pair = try LoopbackPair()
        let serverEnd = try server.makeConnection(socket: pair.server)
        let clientEnd = try clientContext.makeConnection(socket: pair.client, serverName: name)
        return try TLSTests.handshake(server: serverEnd, pair.server, client: clientEnd, pair.client)
    }

    @Test("a self-signed certificate is refused by a verifying client that does not trust it")
    func selfSignedRefused() throws {
        let server = try TLSServerContext.selfSigned(commonName: "localhost")
        let client = try TLSClientContext(verify: true)  // the system's trusted certificates
        let ends = try handshake(server, client, name: "localhost")
        guard case .certificateVerificationFailed(let reason) = ends.client.error else {
            Issue.record("client: \(ends.client)")
            return
        }
        #expect(reason.contains("self-signed") || reason.contains("self signed") || reason.contains("local issuer"))
        #expect(ends.client.error?.description.hasPrefix("certificate verification failed: ") == true)
        // The client's alert reaches the server as a failed handshake.
        guard case .handshakeFailed(let serverReason) = ends.server.error else {
            Issue.record("server: \(ends.server)")
            return
        }
        #expect(serverReason.contains("alert"), "\(serverReason)")
    }

    @Test(
        "with the certificate as its CA file, a client accepts the names it holds and nothing else",
        arguments: [
            ("localhost", nil), ("LOCALHOST", nil), ("127.0.0.1", nil), ("chat.example.net", nil),
            ("example.org", "hostname mismatch"), ("127.0.0.2", "IP address mismatch"),
        ] as [(String, String?)])
    func trustedByCAFile(name: String, refusal: String?) throws {
        let directory = try TemporaryDirectory()
        let generated = try TLSSelfSignedCertificate(commonName: "chat.example.net")
        let caFile = try directory.write("ca.pem", generated.certificatePEM)
        let server = try TLSServerContext(generated)
        let client = try TLSClientContext(caFile: caFile, verify: true)
        let ends = try handshake(server, client, name: name)
        if let refusal {
            #expect(ends.client == .failed(.certificateVerificationFailed(reason: refusal)))
            #expect(ends.server.error != nil)
        } else {
            #expect(ends.client == .done && ends.server == .done, "\(ends)")
        }
    }

    @Test("an insecure client accepts any certificate under any name")
    func insecureAcceptsAnything() throws {
        let server = try TLSServerContext.selfSigned(commonName: "localhost")
        let client = try TLSClientContext(verify: false)
        #expect(!client.verifiesCertificates)
        let ends = try handshake(server, client, name: "example.org")
        #expect(ends.client == .done && ends.server == .done)
    }

    @Test("a server name that is neither a host name nor an address is refused before connecting")
    func invalidServerName() throws {
        let client = try TLSClientContext(verify: false)
        let pair = try LoopbackPair()
        for name in ["", "bad name", "a,b", "-x-\u{e9}"] {
            #expect(throws: TLSError.invalidServerName(name)) {
                _ = try client.makeConnection(socket: pair.client, serverName: name)
            }
        }
    }

    @Test("a CA file that is missing names its path")
    func missingCAFile() {
        #expect(throws: TLSError.self) { _ = try TLSClientContext(caFile: "/nonexistent/ca.pem") }
        do {
            _ = try TLSClientContext(caFile: "/nonexistent/ca.pem")
        } catch {
            #expect(
                error.description
                    == "cannot read the trusted certificates file /nonexistent/ca.pem: no such file or directory")
        }
    }
}
