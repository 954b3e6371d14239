import COpenSSL

/// Reading and writing certificates and keys: PEM files, PEM text in memory, fingerprints.
/// Pointers returned here are owned by the caller (X509_free, EVP_PKEY_free).
enum Certificates {
    /// OpenSSL asks this for a key's passphrase: there is none to give (its default would prompt
    /// at the terminal and block the server's start), so an encrypted key fails to load.
    static let noPassphrase:
        @convention(c) (UnsafeMutablePointer<CChar>?, Int32, Int32, UnsafeMutableRawPointer?)
            -> Int32 = { _, _, _, _ in 0 }

    /// The private key in the PEM file at `path`.
    static func readPrivateKey(path: String) throws(TLSError) -> OpaquePointer {
        OpenSSLErrors.clear()
        guard let file = BIO_new_file(path, "r") else {
            throw .cannotReadKey(path: path, reason: OpenSSLErrors.drainReason(or: "cannot open it"))
        }
        defer { BIO_free(file) }
        guard let key = PEM_read_bio_PrivateKey(file, nil, noPassphrase, nil) else {
            let reason = OpenSSLErrors.drainReason(or: "no key found")
            throw .cannotReadKey(path: path, reason: "not an unencrypted PEM private key (\(reason))")
        }
        return key
    }

    /// The certificate in PEM `text`, or nil.
    static func readCertificate(pem text: String) -> OpaquePointer? {
        withMemoryBIO(text) { PEM_read_bio_X509($0, nil, noPassphrase, nil) }
    }

    /// The private key in PEM `text`, or nil.
    static func readPrivateKey(pem text: String) -> OpaquePointer? {
        withMemoryBIO(text) { PEM_read_bio_PrivateKey($0, nil, noPassphrase, nil) }
    }

    /// PEM text of a certificate ("-----BEGIN CERTIFICATE-----"), or nil.
    static func pem(certificate: OpaquePointer) -> String? {
        writingToMemory { PEM_write_bio_X509($0, certificate) }
    }

    /// PEM text of a private key, unencrypted PKCS #8 ("-----BEGIN PRIVATE KEY-----"), or nil.
    static func pem(privateKey: OpaquePointer) -> String? {
        writingToMemory { PEM_write_bio_PrivateKey($0, privateKey, nil, nil, 0, nil, nil) }
    }

    /// The SHA-256 digest of a certificate's DER encoding as upper-case hex pairs separated by
    /// colons, as `openssl x509 -noout -fingerprint -sha256` prints it.
    static func fingerprintSHA256(_ certificate: OpaquePointer) -> String {
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        guard X509_digest(certificate, EVP_sha256(), &digest, &length) == 1 else { return "" }
        let hex = Array("0123456789ABCDEF".utf8)
        return digest.prefix(Int(length))
            .map { String(decoding: [hex[Int($0 >> 4)], hex[Int($0 & 15)]], as: UTF8.self) }
            .joined(separator: ":")
    }

    /// Runs `body` with a read-only memory BIO over `text`.
    private static func withMemoryBIO<T>(_ text: String, _ body: (OpaquePointer) -> T?) -> T? {
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBytes { raw -> T? in
            guard let bio = BIO_new_mem_buf(raw.baseAddress, Int32(raw.count)) else { return nil }
            defer { BIO_free(bio) }
            return body(bio)
        }
    }

    /// What `body` writes to a memory BIO, as text; nil when `body` returns 0 or less.
    private static func writingToMemory(_ body: (OpaquePointer) -> Int32) -> String? {
        guard let bio = BIO_new(BIO_s_mem()) else { return nil }
        defer { BIO_free(bio) }
        guard body(bio) > 0 else { return nil }
        var bytes = [UInt8](repeating: 0, count: Int(BIO_ctrl_pending(bio)))
        let count = bytes.withUnsafeMutableBytes { BIO_read(bio, $0.baseAddress, Int32($0.count)) }
        return String(decoding: bytes.prefix(max(0, Int(count))), as: UTF8.self)
    }
}
