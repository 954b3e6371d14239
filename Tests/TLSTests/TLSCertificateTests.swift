import Foundation
import Platform
import Testing

@testable import TLS

@Suite("TLS certificates and keys")
struct TLSCertificateTests {
    let directory: TemporaryDirectory
    let generated: TLSSelfSignedCertificate
    init() throws {
        directory = try TemporaryDirectory()
        generated = try TLSSelfSignedCertificate(commonName: "chat.example.net")
    }

    /// Why a server context cannot be made of these files, or nil if it can.
    func loadFailure(_ certificateFile: String, _ keyFile: String) -> TLSError? {
        do throws(TLSError) {
            _ = try TLSServerContext(certificateFile: certificateFile, keyFile: keyFile)
            return nil
        } catch {
            return error
        }
    }

    @Test("a certificate and key loaded from PEM files serve, with the generated fingerprint")
    func loadFromFiles() throws {
        let certificate = try directory.write("cert.pem", generated.certificatePEM)
        let key = try directory.write("key.pem", generated.privateKeyPEM)
        let server = try TLSServerContext(certificateFile: certificate, keyFile: key)
        #expect(server.fingerprintSHA256 == generated.fingerprintSHA256)
        let pair = try LoopbackPair()
        _ = try connected(pair, server: server, client: TLSClientContext(caFile: certificate))
    }

    @Test("one PEM file holding both the certificate and the key serves as both, in either order")
    func combinedFile() throws {
        for text in [
            generated.certificatePEM + generated.privateKeyPEM, generated.privateKeyPEM + generated.certificatePEM,
        ] {
            let file = try directory.write("both.pem", text)
            #expect(loadFailure(file, file) == nil)
        }
    }

    @Test("a missing certificate file is named, with the system's reason")
    func missingCertificate() throws {
        let key = try directory.write("key.pem", generated.privateKeyPEM)
        let missing = directory.path + "/missing.pem"
        let failure = loadFailure(missing, key)
        #expect(failure == .cannotReadCertificate(path: missing, reason: "no such file or directory"))
        #expect(failure?.description == "cannot read the certificate file \(missing): no such file or directory")
    }

    @Test("a missing key file is named")
    func missingKey() throws {
        let certificate = try directory.write("cert.pem", generated.certificatePEM)
        let missing = directory.path + "/missing-key.pem"
        let failure = loadFailure(certificate, missing)
        #expect(failure == .cannotReadKey(path: missing, reason: "no such file or directory"))
    }

    @Test("files that are not PEM are refused, naming the file")
    func notPEM() throws {
        let junk = try directory.write("junk.pem", "this is not a certificate\n")
        let certificate = try directory.write("cert.pem", generated.certificatePEM)
        let key = try directory.write("key.pem", generated.privateKeyPEM)
        guard case .cannotReadCertificate(junk, let reason) = loadFailure(junk, key) else {
            Issue.record("certificate accepted")
            return
        }
        #expect(!reason.isEmpty)
        guard case .cannotReadKey(junk, let keyReason) = loadFailure(certificate, junk) else {
            Issue.record("key accepted")
            return
        }
        #expect(keyReason.hasPrefix("not an unencrypted PEM private key ("), "\(keyReason)")
        // A key where the certificate should be, and the other way round.
        #expect(loadFailure(key, key) != nil)
        #expect(loadFailure(certificate, certificate) != nil)
    }

    @Test("a key that belongs to another certificate is refused, naming both files")
    func mismatchedKey() throws {
        let other = try TLSSelfSignedCertificate(commonName: "localhost")
        let certificate = try directory.write("cert.pem", generated.certificatePEM)
        let key = try directory.write("other-key.pem", other.privateKeyPEM)
        let failure = loadFailure(certificate, key)
        #expect(failure == .keyDoesNotMatchCertificate(keyPath: key, certificatePath: certificate))
        #expect(failure?.description == "the key in \(key) does not match the certificate in \(certificate)")
    }

    @Test("a common name that is neither a host name nor an address is refused")
    func badCommonName() {
        #expect(throws: TLSError.self) { _ = try TLSSelfSignedCertificate(commonName: "a,DNS:evil.example") }
        #expect(throws: TLSError.self) { _ = try TLSSelfSignedCertificate(commonName: "") }
    }

    @Test("the fingerprint is 32 colon-separated upper-case hex pairs, as openssl x509 prints it")
    func fingerprintMatchesOpenSSL() throws {
        let fingerprint = generated.fingerprintSHA256
        let pairs = fingerprint.split(separator: ":")
        #expect(pairs.count == 32)
        #expect(pairs.allSatisfy { $0.count == 2 && $0.allSatisfy { "0123456789ABCDEF".contains($0) } })
        #expect(try TLSServerContext(generated).fingerprintSHA256 == fingerprint)

        let tool = "/usr/bin/openssl"
        guard FileManager.default.isExecutableFile(atPath: tool) else { return }
        let certificate = try directory.write("cert.pem", generated.certificatePEM)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = ["x509", "-noout", "-fingerprint", "-sha256", "-in", certificate]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        // "sha256 Fingerprint=AB:CD:..." (OpenSSL 3; 1.1 printed "SHA256 Fingerprint=").
        #expect(text.trimmingCharacters(in: .whitespacesAndNewlines).hasSuffix("Fingerprint=" + fingerprint), "\(text)")
    }
}
