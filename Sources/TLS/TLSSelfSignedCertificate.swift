import COpenSSL

/// A new EC P-256 key and a self-signed certificate for it, valid for a year from an hour ago,
/// for a server that has no certificate of its own. It names DNS:localhost, IP:127.0.0.1 and
/// the common name (a host name or an IP address). Clients trust it with `--insecure`, by its
/// PEM given as their CA file, or by comparing the fingerprint.
public struct TLSSelfSignedCertificate: Sendable {
    /// The certificate, "-----BEGIN CERTIFICATE-----".
    public let certificatePEM: String
    /// The key, unencrypted PKCS #8, "-----BEGIN PRIVATE KEY-----": keep it private.
    public let privateKeyPEM: String
    /// SHA-256 of the certificate, "AB:12:...", as `openssl x509 -fingerprint -sha256` shows it.
    public let fingerprintSHA256: String

    public init(commonName: String, validDays: Int = 365) throws(TLSError) {
        let names = try Self.subjectAlternativeNames(commonName)
        let key = try Self.generateKey()
        defer { EVP_PKEY_free(key) }
        guard let certificate = X509_new() else { throw Self.failure("X509_new") }
        defer { X509_free(certificate) }

        var serial = [UInt8](repeating: 0, count: 8)
        guard RAND_bytes(&serial, Int32(serial.count)) == 1 else { throw Self.failure("RAND_bytes") }
        let serialNumber = serial.reduce(UInt64(0)) { $0 << 8 | UInt64($1) } >> 1  // positive, 63 bits
        let subject = X509_get_subject_name(certificate)
        let commonNameBytes = Array(commonName.utf8)
        guard X509_set_version(certificate, Int(X509_VERSION_3)) == 1,
            ASN1_INTEGER_set_uint64(X509_get_serialNumber(certificate), serialNumber) == 1,
            X509_gmtime_adj(X509_getm_notBefore(certificate), -3600) != nil,
            X509_gmtime_adj(X509_getm_notAfter(certificate), validDays * 86_400) != nil,
            X509_set_pubkey(certificate, key) == 1,
            X509_NAME_add_entry_by_txt(
                subject, "CN", MBSTRING_ASC, commonNameBytes, Int32(commonNameBytes.count), -1, 0) == 1,
            X509_set_issuer_name(certificate, subject) == 1
        else { throw Self.failure("building the certificate") }

        // No keyUsage: one without keyCertSign would stop OpenSSL from taking the certificate as
        // self-signed, and a client given it as its CA file would not trust it.
        var extensions = X509V3_CTX()
        X509V3_set_ctx(&extensions, certificate, certificate, nil, nil, 0)
        let wanted: [(Int32, String)] = [
            (NID_basic_constraints, "critical,CA:FALSE"),
            (NID_ext_key_usage, "serverAuth"),
            (NID_subject_key_identifier, "hash"),
            (NID_subject_alt_name, names),
        ]
        for (nid, value) in wanted {
            guard let ext = X509V3_EXT_conf_nid(nil, &extensions, nid, value) else {
                throw Self.failure("the certificate extension \(value)")
            }
            defer { X509_EXTENSION_free(ext) }
            guard X509_add_ext(certificate, ext, -1) == 1 else { throw Self.failure("X509_add_ext") }
        }
        guard X509_sign(certificate, key, EVP_sha256()) > 0 else { throw Self.failure("X509_sign") }

        guard let certificatePEM = Certificates.pem(certificate: certificate),
            let privateKeyPEM = Certificates.pem(privateKey: key)
        else { throw Self.failure("PEM encoding") }
        self.certificatePEM = certificatePEM
        self.privateKeyPEM = privateKeyPEM
        fingerprintSHA256 = Certificates.fingerprintSHA256(certificate)
    }

    /// A new P-256 key pair (EVP_PKEY_generate; EVP_EC_gen is a macro over a variadic call).
    private static func generateKey() throws(TLSError) -> OpaquePointer {
        OpenSSLErrors.clear()
        guard let generator = EVP_PKEY_CTX_new_from_name(nil, "EC", nil) else { throw failure("EVP_PKEY_CTX_new") }
        defer { EVP_PKEY_CTX_free(generator) }
        var key: OpaquePointer?
        guard EVP_PKEY_keygen_init(generator) == 1, EVP_PKEY_CTX_set_group_name(generator, "P-256") == 1,
            EVP_PKEY_generate(generator, &key) == 1, let key
        else { throw failure("generating a P-256 key") }
        return key
    }

    /// "DNS:localhost,IP:127.0.0.1" plus the common name, as OpenSSL's configuration syntax.
    private static func subjectAlternativeNames(_ commonName: String) throws(TLSError) -> String {
        var names = ["DNS:localhost", "IP:127.0.0.1"]
        if TLSServerName.isIPAddress(commonName) {
            if commonName != "127.0.0.1" { names.append("IP:\(commonName)") }
        } else if TLSServerName.isHostName(commonName) {
            if commonName.lowercased() != "localhost" { names.append("DNS:\(commonName)") }
        } else {
            throw .setup(
                operation: "self-signed certificate",
                reason: "the common name \"\(commonName)\" is neither a host name nor an IP address")
        }
        return names.joined(separator: ",")
    }

    private static func failure(_ operation: String) -> TLSError {
        .setup(operation: operation, reason: OpenSSLErrors.drainReason(or: "failed"))
    }
}
