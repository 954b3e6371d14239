import COpenSSL

/// The client side's TLS: which certificates it trusts, and whether it checks the server's at
/// all. Shared by every connection a program makes (the CLI client, the load generator).
public final class TLSClientContext: @unchecked Sendable {
    // @unchecked Sendable: the SSL_CTX is not changed after init.
    let context: OpaquePointer
    /// False for `--insecure`: any certificate is accepted, with any name.
    public let verifiesCertificates: Bool

    /// Trusts the certificates in the PEM file `caFile`, or the system's (OpenSSL's default
    /// paths) when it is nil. `verify: false` accepts any certificate (`--insecure`).
    public init(caFile: String? = nil, verify: Bool = true, releasesIdleBuffers: Bool = true) throws(TLSError) {
        let context = try ContextSettings.makeContext(server: false, releasesIdleBuffers: releasesIdleBuffers)
        OpenSSLErrors.clear()
        if let caFile {
            guard SSL_CTX_load_verify_file(context, caFile) == 1 else {
                SSL_CTX_free(context)
                throw .cannotReadTrustedCertificates(
                    path: caFile, reason: OpenSSLErrors.drainReason(or: "no certificate in it"))
            }
        } else if verify {
            guard SSL_CTX_set_default_verify_paths(context) == 1 else {
                SSL_CTX_free(context)
                throw .setup(operation: "the system's trusted certificates", reason: OpenSSLErrors.drainReason(or: "?"))
            }
        }
        SSL_CTX_set_verify(context, verify ? SSL_VERIFY_PEER : SSL_VERIFY_NONE, nil)
        self.context = context
        verifiesCertificates = verify
    }

    deinit { SSL_CTX_free(context) }

    /// The client end of a TLS connection over `socket`, a connected descriptor that stays the
    /// caller's (blocking or not). `serverName` is the host the user asked for: a host name is
    /// sent as SNI and must be in the certificate; an IP address must be in its IP entries.
    /// `session` (from an earlier connection's `session`) resumes that session if the server
    /// still accepts it. Drive `handshake()` until `.done`.
    public func makeConnection(socket: Int32, serverName: String, resuming session: TLSSession? = nil)
        throws(TLSError) -> TLSConnection
    {
        let connection = try TLSConnection(context: context, socket: socket, acceptState: false)
        try connection.expect(serverName: serverName)
        if let session { connection.resume(session) }
        return connection
    }
}
