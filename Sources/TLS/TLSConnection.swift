import COpenSSL
import CTLSShim
import Platform

/// One TLS connection (an OpenSSL SSL) over a socket the caller owns, driven without blocking
/// from an event loop: each call does what the socket allows now and says what it waits for.
///
/// - The socket is the caller's: register it, close it after this object is gone. A server's
///   must be non-blocking; a client's may block (each call then waits instead of `want...`).
/// - Read until `.wantRead`: OpenSSL decrypts a whole record at a time and keeps what did not
///   fit the buffer. The kernel no longer signals those bytes, so a loop that stops reading
///   early waits for readiness that never comes.
/// - After `.wantWrite` (or `.wantRead`) from `write`, write the same bytes again, at least as
///   many, when the socket is ready: OpenSSL has encrypted them already. They may have moved.
/// - OpenSSL writes with write(2), not send(MSG_NOSIGNAL): the process must ignore SIGPIPE
///   (`Posix.ignoreSIGPIPE()`; the server, the client and the load generator do).
/// - After `.failed`, close the socket; `shutdown()` then does nothing. A peer that resets the
///   connection gives `.failed(.io(error))` with `error.isConnectionReset`.
///
/// Not Sendable: it belongs to the one thread (event loop) that owns its socket. OpenSSL's error
/// queue is per thread, and every call clears it first and drains it after a failure.
public final class TLSConnection {
    private let ssl: OpaquePointer
    private let isServer: Bool
    /// How the connection ended after a fatal error (SSL_ERROR_SSL or SSL_ERROR_SYSCALL): every
    /// later call answers the same, and OpenSSL forbids a close_notify.
    private var fatal: Outcome?

    init(context: OpaquePointer, socket: Int32, acceptState: Bool) throws(TLSError) {
        OpenSSLErrors.clear()
        guard let ssl = SSL_new(context) else {
            throw .setup(operation: "SSL_new", reason: OpenSSLErrors.drainReason(or: "out of memory"))
        }
        guard SSL_set_fd(ssl, socket) == 1 else {
            SSL_free(ssl)
            throw .setup(operation: "SSL_set_fd", reason: OpenSSLErrors.drainReason(or: "out of memory"))
        }
        if acceptState { SSL_set_accept_state(ssl) } else { SSL_set_connect_state(ssl) }
        self.ssl = ssl
        isServer = acceptState
    }

    deinit { SSL_free(ssl) }

    /// Advances the handshake as far as the socket allows.
    public func handshake() -> TLSProgress {
        if let fatal { return TLSProgress(fatal) }
        begin()
        if SSL_do_handshake(ssl) == 1 { return .done }
        return TLSProgress(outcome(of: .handshake))
    }

    /// Decrypts into `buffer` (not empty) what has arrived. Call again until `.wantRead`.
    /// Before the handshake is done, this does the handshake first.
    public func read(into buffer: UnsafeMutableRawBufferPointer) -> TLSReadResult {
        precondition(!buffer.isEmpty, "TLSConnection.read needs room for at least one byte")
        if let fatal { return TLSReadResult(fatal) }
        begin()
        var count = 0
        if SSL_read_ex(ssl, buffer.baseAddress, buffer.count, &count) == 1 { return .bytes(count) }
        return TLSReadResult(outcome(of: .read))
    }

    /// Encrypts and sends the start of `bytes`, as much as the socket takes now (whole records
    /// of up to 16 KiB). An empty buffer writes nothing.
    public func write(_ bytes: UnsafeRawBufferPointer) -> TLSWriteResult {
        if let fatal { return TLSWriteResult(fatal) }
        guard !bytes.isEmpty else { return .wrote(0) }
        begin()
        var count = 0
        if SSL_write_ex(ssl, bytes.baseAddress, bytes.count, &count) == 1 { return .wrote(count) }
        return TLSWriteResult(outcome(of: .write))
    }

    /// Sends a close_notify if the socket takes it now, without waiting for the peer's; the
    /// caller then closes the socket. Does nothing before the handshake is done or after a failure.
    public func shutdown() {
        guard fatal == nil, SSL_is_init_finished(ssl) == 1 else { return }
        begin()
        _ = SSL_shutdown(ssl)
        OpenSSLErrors.clear()
    }

    /// The handshake has completed.
    public var isHandshakeComplete: Bool { SSL_is_init_finished(ssl) == 1 }

    /// The handshake resumed an earlier session instead of a full exchange.
    public var isSessionReused: Bool { SSL_session_reused(ssl) == 1 }

    /// The protocol agreed on, "TLSv1.3" or "TLSv1.2"; nil before the handshake is done.
    public var protocolVersion: String? {
        guard isHandshakeComplete, let name = SSL_get_version(ssl) else { return nil }
        return String(cString: name)
    }

    /// The cipher suite agreed on, in OpenSSL's naming ("TLS_AES_256_GCM_SHA384",
    /// "ECDHE-ECDSA-AES256-GCM-SHA384"); nil before the handshake is done.
    public var cipher: String? {
        guard isHandshakeComplete, let suite = SSL_get_current_cipher(ssl), let name = SSL_CIPHER_get_name(suite)
        else { return nil }
        return String(cString: name)
    }

    /// On a server, the host name the client asked for (SNI), if it sent one.
    public var requestedServerName: String? {
        SSL_get_servername(ssl, Int32(TLSEXT_NAMETYPE_host_name)).map { String(cString: $0) }
    }

    /// On a client, the session to resume on the next connection to this server, once there is
    /// one: with TLS 1.3 the server sends it after the handshake, so it appears after a read.
    public var session: TLSSession? {
        guard !isServer, let session = SSL_get1_session(ssl) else { return nil }
        guard SSL_SESSION_is_resumable(session) == 1 else {
            SSL_SESSION_free(session)
            return nil
        }
        return TLSSession(taking: session)
    }

    /// Sets the name a client sends (SNI) and checks the certificate against.
    func expect(serverName: String) throws(TLSError) {
        OpenSSLErrors.clear()
        if TLSServerName.isIPAddress(serverName) {
            guard X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), serverName) == 1 else {
                OpenSSLErrors.clear()
                throw .invalidServerName(serverName)
            }
        } else {
            SSL_set_hostflags(ssl, UInt32(X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS))
            guard TLSServerName.isHostName(serverName), ctls_set_server_name_indication(ssl, serverName) == 1,
                SSL_set1_host(ssl, serverName) == 1
            else {
                OpenSSLErrors.clear()
                throw .invalidServerName(serverName)
            }
        }
    }

    /// Offers `session` in the handshake (SSL_set_session takes its own reference).
    func resume(_ session: TLSSession) {
        _ = SSL_set_session(ssl, session.session)
        OpenSSLErrors.clear()
    }

    // MARK: - Failures

    private enum Operation {
        case handshake, read, write

        var call: String {
            switch self {
            case .handshake: "SSL_do_handshake"
            case .read: "SSL_read"
            case .write: "SSL_write"
            }
        }
    }

    fileprivate enum Outcome {
        case wantRead, wantWrite, closed
        case failed(TLSError)
    }

    /// A clean slate for the next call's diagnosis: OpenSSL's error queue and errno.
    @inline(__always)
    private func begin() {
        OpenSSLErrors.clear()
        SystemError.clearLastError()
    }

    /// What a failed call means (SSL_get_error, which reads the error queue: nothing may come
    /// between the call and this). Leaves the queue empty.
    private func outcome(of operation: Operation) -> Outcome {
        let code = SSL_get_error(ssl, 0)
        switch code {
        case SSL_ERROR_WANT_READ:
            return .wantRead
        case SSL_ERROR_WANT_WRITE:
            return .wantWrite
        case SSL_ERROR_ZERO_RETURN:
            OpenSSLErrors.clear()
            return .closed
        case SSL_ERROR_SYSCALL:
            let queued = OpenSSLErrors.drainFirst()
            if queued != 0 { return ending(.failed(error(queued, during: operation))) }
            if let system = SystemError.lastError(operation.call) { return ending(.failed(.io(system))) }
            return ending(.closed)  // end of file without close_notify, as OpenSSL before 3.0 reported it
        case SSL_ERROR_SSL:
            let queued = OpenSSLErrors.drainFirst()
            if ctls_error_is_unexpected_eof(queued) == 1 { return ending(.closed) }
            return ending(.failed(error(queued, during: operation)))
        default:
            OpenSSLErrors.clear()
            return ending(.failed(.protocolViolation(reason: "unexpected SSL_get_error result \(code)")))
        }
    }

    /// Remembers a fatal outcome for every later call.
    private func ending(_ outcome: Outcome) -> Outcome {
        fatal = outcome
        return outcome
    }

    /// The error for the oldest queued OpenSSL error `queued`: a client's refusal of the
    /// server's certificate in X509_verify_cert_error_string's words, else OpenSSL's reason.
    private func error(_ queued: UInt, during operation: Operation) -> TLSError {
        if !isServer, ctls_error_is_certificate_verify_failed(queued) == 1 {
            let result = SSL_get_verify_result(ssl)
            if result != X509_V_OK, let text = X509_verify_cert_error_string(result) {
                return .certificateVerificationFailed(reason: String(cString: text))
            }
        }
        let reason = OpenSSLErrors.reason(of: queued, or: "unknown error")
        return operation == .handshake ? .handshakeFailed(reason: reason) : .protocolViolation(reason: reason)
    }
}

extension TLSProgress {
    fileprivate init(_ outcome: TLSConnection.Outcome) {
        switch outcome {
        case .wantRead: self = .wantRead
        case .wantWrite: self = .wantWrite
        case .closed: self = .closed
        case .failed(let error): self = .failed(error)
        }
    }
}

extension TLSReadResult {
    fileprivate init(_ outcome: TLSConnection.Outcome) {
        switch outcome {
        case .wantRead: self = .wantRead
        case .wantWrite: self = .wantWrite
        case .closed: self = .closed
        case .failed(let error): self = .failed(error)
        }
    }
}

extension TLSWriteResult {
    fileprivate init(_ outcome: TLSConnection.Outcome) {
        switch outcome {
        case .wantRead: self = .wantRead
        case .wantWrite: self = .wantWrite
        case .closed: self = .closed
        case .failed(let error): self = .failed(error)
        }
    }
}
