import COpenSSL
import CTLSShim

/// The SSL_CTX settings both ends share: TLS 1.2 or later, no renegotiation, partial writes,
/// retried writes from a moved buffer, idle connections without buffers, no passphrase prompt.
enum ContextSettings {
    /// A configured SSL_CTX (free it with SSL_CTX_free). The server's also prefers its own
    /// cipher order (OpenSSL 3's defaults, all forward-secret AEAD first) and caches sessions.
    static func makeContext(server: Bool, releasesIdleBuffers: Bool) throws(TLSError) -> OpaquePointer {
        OpenSSLErrors.clear()
        guard let context = SSL_CTX_new(server ? TLS_server_method() : TLS_client_method()) else {
            throw .setup(operation: "SSL_CTX_new", reason: OpenSSLErrors.drainReason(or: "out of memory"))
        }
        guard ctls_context_require_tls12(context) == 1 else {
            SSL_CTX_free(context)
            throw .setup(operation: "TLS 1.2 minimum", reason: OpenSSLErrors.drainReason(or: "refused"))
        }
        ctls_context_set_modes(context, releasesIdleBuffers ? 1 : 0)
        ctls_context_set_options(context, server ? 1 : 0)
        SSL_CTX_set_default_passwd_cb(context, Certificates.noPassphrase)
        if server {
            ctls_context_enable_server_session_cache(context)
            let id = Array("linechat".utf8)
            _ = SSL_CTX_set_session_id_context(context, id, UInt32(id.count))
        }
        return context
    }
}
