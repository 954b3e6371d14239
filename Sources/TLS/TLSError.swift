import Platform

/// Why TLS could not be set up, or why a connection's TLS failed. The reasons are OpenSSL's own
/// words ("wrong version number", "no such file or directory"), or X509_verify_cert_error_string's
/// for a certificate the client refused ("hostname mismatch", "self-signed certificate").
public enum TLSError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The certificate (chain) file is missing, unreadable or not PEM.
    case cannotReadCertificate(path: String, reason: String)
    /// The private key file is missing, unreadable, not PEM, or protected by a passphrase.
    case cannotReadKey(path: String, reason: String)
    /// The private key is not the one the certificate was issued for.
    case keyDoesNotMatchCertificate(keyPath: String, certificatePath: String)
    /// The file of trusted certificates a client was given is missing or not PEM.
    case cannotReadTrustedCertificates(path: String, reason: String)
    /// A step of setting up a context or a connection failed (out of memory, key generation).
    case setup(operation: String, reason: String)
    /// The server name a client was asked to connect to cannot be sent or checked.
    case invalidServerName(String)
    /// The TLS handshake failed: the peer does not speak TLS, or no protocol version or cipher
    /// suite is acceptable to both ends, or the peer refused our certificate (an alert).
    case handshakeFailed(reason: String)
    /// The client refused the server's certificate.
    case certificateVerificationFailed(reason: String)
    /// After the handshake, the peer sent something that is not valid TLS (a corrupted record).
    case protocolViolation(reason: String)
    /// The socket failed under OpenSSL (a reset connection is `SystemError.isConnectionReset`).
    case io(SystemError)

    public var description: String {
        switch self {
        case .cannotReadCertificate(let path, let reason):
            "cannot read the certificate file \(path): \(reason)"
        case .cannotReadKey(let path, let reason):
            "cannot read the key file \(path): \(reason)"
        case .keyDoesNotMatchCertificate(let keyPath, let certificatePath):
            "the key in \(keyPath) does not match the certificate in \(certificatePath)"
        case .cannotReadTrustedCertificates(let path, let reason):
            "cannot read the trusted certificates file \(path): \(reason)"
        case .setup(let operation, let reason):
            "cannot set up TLS: \(operation): \(reason)"
        case .invalidServerName(let name):
            "invalid TLS server name \"\(name)\""
        case .handshakeFailed(let reason):
            "TLS handshake failed: \(reason)"
        case .certificateVerificationFailed(let reason):
            "certificate verification failed: \(reason)"
        case .protocolViolation(let reason):
            "TLS error: \(reason)"
        case .io(let error):
            "TLS I/O error: \(error)"
        }
    }
}
