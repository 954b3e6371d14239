import TLS
import Testing
import WebProtocol

@Suite("Base64 and the WebSocket accept key")
struct Base64Tests {
    static let vectors: [(String, String)] = [
        ("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="), ("fooba", "Zm9vYmE="),
        ("foobar", "Zm9vYmFy"),
    ]

    @Test("RFC 4648 test vectors encode", arguments: vectors)
    func encodes(_ plain: String, _ encoded: String) {
        #expect(Base64.encode(Array(plain.utf8)) == encoded)
    }

    @Test("RFC 4648 test vectors decode", arguments: vectors)
    func decodes(_ plain: String, _ encoded: String) {
        #expect(Base64.decode(encoded) == Array(plain.utf8))
    }

    @Test("all byte values round-trip")
    func roundTrip() {
        let bytes = (0...255).map { UInt8($0) }
        #expect(Base64.decode(Base64.encode(bytes)) == bytes)
        #expect(Base64.encode([0xFB, 0xFF]) == "+/8=")
    }

    @Test(
        "malformed base64 is refused", arguments: ["Zg", "Zg=", "Z===", "Zm9v!A==", "Zh==", "Zm=v", "=Zm9", "Zm9v\n"])
    func refusesMalformed(_ text: String) {
        #expect(Base64.decode(text) == nil)
    }

    @Test("SHA-1 from OpenSSL: FIPS 180 'abc'")
    func sha1() {
        #expect(Base64.encode(Digest.sha1(Array("abc".utf8))) == "qZk+NkcGgWq6PiVxeFDCbJzQ2J0=")
    }

    @Test("the RFC 6455 example key gives the RFC's accept value")
    func rfcExampleKey() {
        #expect(
            WebSocketHandshake.acceptValue(key: "dGhlIHNhbXBsZSBub25jZQ==", sha1: Digest.sha1)
                == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
    }
}
