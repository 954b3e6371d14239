import COpenSSL

/// Message digests from OpenSSL, for protocols that need one outside TLS.
public enum Digest {
    /// SHA-1 of `bytes` (20 bytes). Only for protocols that require it, such as the WebSocket
    /// handshake's Sec-WebSocket-Accept; never for anything that needs collision resistance.
    public static func sha1(_ bytes: [UInt8]) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: 20)
        var length: UInt32 = 0
        let ok = bytes.withUnsafeBytes { input in
            digest.withUnsafeMutableBytes { output in
                EVP_Digest(
                    input.baseAddress, input.count, output.baseAddress?.assumingMemoryBound(to: UInt8.self), &length,
                    EVP_sha1(), nil)
            }
        }
        // EVP_Digest with SHA-1 fails only when OpenSSL cannot allocate a context.
        precondition(ok == 1 && length == 20, "EVP_Digest(SHA-1) failed")
        return digest
    }
}
