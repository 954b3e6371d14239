import COpenSSL

/// A TLS session a client may resume on its next connection to the same server (a TLS 1.3
/// ticket or a TLS 1.2 session id): the handshake then skips the certificate and its checks.
public final class TLSSession: @unchecked Sendable {
    // @unchecked Sendable: an SSL_SESSION is not changed once resumable, and its count is atomic.
    let session: OpaquePointer

    /// Takes over one reference to `session`.
    init(taking session: OpaquePointer) { self.session = session }

    deinit { SSL_SESSION_free(session) }
}
