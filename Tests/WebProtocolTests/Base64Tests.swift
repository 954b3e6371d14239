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

@Suite("Digest")
struct DigestTests {
    static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }

    @Test("SHA-256 (OpenSSL's) gives the FIPS 180-4 example digests")
    func sha256() {
        #expect(Self.hex(Digest.sha256([])) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(
            Self.hex(Digest.sha256(Array("abc".utf8)))
                == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(
            Self.hex(Digest.sha256(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }
}
