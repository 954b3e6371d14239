import COpenSSL

/// Message digests from OpenSSL, for protocols that need one outside TLS.
public enum Digest {
    /// SHA-1 of `bytes` (20 bytes). Only for protocols that require it, such as the WebSocket
    /// handshake's Sec-WebSocket-Accept; never for anything that needs collision resistance.
    public static func sha1(_ bytes: [UInt8]) -> [UInt8] { digest(bytes, EVP_sha1(), length: 20) }

    /// SHA-256 of `bytes` (32 bytes): the web client's Content-Security-Policy hashes.
    public static func sha256(_ bytes: [UInt8]) -> [UInt8] { digest(bytes, EVP_sha256(), length: 32) }

    private static func digest(_ bytes: [UInt8], _ type: OpaquePointer?, length expected: Int) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: expected)
        var length: UInt32 = 0
        let ok = bytes.withUnsafeBytes { input in
            digest.withUnsafeMutableBytes { output in
                EVP_Digest(
                    input.baseAddress, input.count, output.baseAddress?.assumingMemoryBound(to: UInt8.self), &length,
                    type, nil)
            }
        }
        // EVP_Digest fails only when OpenSSL cannot allocate a context.
        precondition(ok == 1 && Int(length) == expected, "EVP_Digest failed")
        return digest
    }
}
