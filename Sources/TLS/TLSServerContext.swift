import COpenSSL

/// The server side's TLS: certificate, key and settings, one per listening port, shared by every
/// event loop. TLS 1.2 or later, no renegotiation, the server's order among OpenSSL's default
/// cipher suites, resumption (a session cache for TLS 1.2, tickets for TLS 1.3), and idle
/// connections that hold no buffers (SSL_MODE_RELEASE_BUFFERS).
public final class TLSServerContext: @unchecked Sendable {
    // @unchecked Sendable: the SSL_CTX is not changed after init; OpenSSL locks its session cache.
    let context: OpaquePointer
    /// SHA-256 of the server's certificate, "AB:12:...", as `openssl x509 -fingerprint -sha256`
    /// shows it: for the log, and for users who check it by hand.
    public let fingerprintSHA256: String

    private init(context: OpaquePointer, fingerprintSHA256: String) {
        self.context = context
        self.fingerprintSHA256 = fingerprintSHA256
    }

    /// Loads a PEM certificate chain (the server's certificate first, then intermediates) and
    /// its unencrypted PEM private key, and checks that they belong together.
    /// `releasesIdleBuffers: false` is only for measuring what releasing them saves.
    public convenience init(certificateFile: String, keyFile: String, releasesIdleBuffers: Bool = true)
        throws(TLSError)
    {
        let context = try ContextSettings.makeContext(server: true, releasesIdleBuffers: releasesIdleBuffers)
        do throws(TLSError) {
            OpenSSLErrors.clear()
            guard SSL_CTX_use_certificate_chain_file(context, certificateFile) == 1 else {
                throw .cannotReadCertificate(
                    path: certificateFile, reason: OpenSSLErrors.drainReason(or: "no certificate in it"))
            }
            let key = try Certificates.readPrivateKey(path: keyFile)
            defer { EVP_PKEY_free(key) }
            try Self.install(key: key, in: context, keyPath: keyFile, certificatePath: certificateFile)
        } catch {
            SSL_CTX_free(context)
            throw error
        }
        self.init(context: context, fingerprintSHA256: Self.fingerprint(of: context))
    }

    /// Serves a generated certificate and key (see `selfSigned(commonName:)`).
    public convenience init(_ generated: TLSSelfSignedCertificate, releasesIdleBuffers: Bool = true) throws(TLSError) {
        let context = try ContextSettings.makeContext(server: true, releasesIdleBuffers: releasesIdleBuffers)
        do throws(TLSError) {
            OpenSSLErrors.clear()
            guard let certificate = Certificates.readCertificate(pem: generated.certificatePEM) else {
                throw .setup(operation: "reading the generated certificate", reason: OpenSSLErrors.drainReason(or: "?"))
            }
            defer { X509_free(certificate) }
            guard let key = Certificates.readPrivateKey(pem: generated.privateKeyPEM) else {
                throw .setup(operation: "reading the generated key", reason: OpenSSLErrors.drainReason(or: "?"))
            }
            defer { EVP_PKEY_free(key) }
            guard SSL_CTX_use_certificate(context, certificate) == 1 else {
                throw .setup(operation: "SSL_CTX_use_certificate", reason: OpenSSLErrors.drainReason(or: "?"))
            }
            try Self.install(key: key, in: context, keyPath: "(generated)", certificatePath: "(generated)")
        } catch {
            SSL_CTX_free(context)
            throw error
        }
        self.init(context: context, fingerprintSHA256: generated.fingerprintSHA256)
    }

    /// A context with a new key and self-signed certificate held only in memory
    /// (`TLSSelfSignedCertificate`): for trying TLS out, and for tests.
    public static func selfSigned(commonName: String) throws(TLSError) -> TLSServerContext {
        try TLSServerContext(TLSSelfSignedCertificate(commonName: commonName))
    }

    deinit { SSL_CTX_free(context) }

    /// The server end of a TLS connection over `socket`, an accepted non-blocking descriptor
    /// that stays the caller's (close it after the connection is gone). Drive `handshake()`
    /// until `.done`.
    public func makeConnection(socket: Int32) throws(TLSError) -> TLSConnection {
        try TLSConnection(context: context, socket: socket, acceptState: true)
    }

    /// Checks `key` against the certificate already in `context` (X509_check_private_key, so a
    /// key of another type is caught too), then installs it.
    private static func install(key: OpaquePointer, in context: OpaquePointer, keyPath: String, certificatePath: String)
        throws(TLSError)
    {
        guard let certificate = SSL_CTX_get0_certificate(context), X509_check_private_key(certificate, key) == 1 else {
            OpenSSLErrors.clear()
            throw .keyDoesNotMatchCertificate(keyPath: keyPath, certificatePath: certificatePath)
        }
        guard SSL_CTX_use_PrivateKey(context, key) == 1 else {
            throw .cannotReadKey(path: keyPath, reason: OpenSSLErrors.drainReason(or: "OpenSSL refused it"))
        }
    }

    private static func fingerprint(of context: OpaquePointer) -> String {
        SSL_CTX_get0_certificate(context).map(Certificates.fingerprintSHA256) ?? ""
    }
}
