import Foundation
import Testing

@testable import WebClient

/// The page served at GET /: its Content-Security-Policy hashes match the very script and style
/// it carries, it loads nothing from elsewhere, and its script never turns text into markup.
@Suite("Web client page")
struct WebClientPageTests {
    static let page = String(decoding: WebClientPage.html, as: UTF8.self)

    static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }

    @Test("SHA-256 gives the FIPS 180-4 example digests")
    func sha256() {
        #expect(Self.hex(SHA256.digest([])) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(
            Self.hex(SHA256.digest(Array("abc".utf8)))
                == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(
            Self.hex(SHA256.digest(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(
            Self.hex(SHA256.digest([UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)))
                == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test("base64 gives RFC 4648's examples")
    func base64() {
        let cases = [
            "": "", "f": "Zg==", "fo": "Zm8=", "foo": "Zm9v", "foob": "Zm9vYg==", "fooba": "Zm9vYmE=",
            "foobar": "Zm9vYmFy",
        ]
        for (text, encoded) in cases { #expect(Base64.encode(Array(text.utf8)) == encoded) }
    }

    /// The text of the one element `name` in the page.
    static func element(_ name: String) -> String? {
        let parts = page.components(separatedBy: "<\(name)>")
        guard parts.count == 2, let end = parts[1].range(of: "</\(name)>") else { return nil }
        return String(parts[1][..<end.lowerBound])
    }

    @Test("the policy allows exactly the page's one script and one style, by hash")
    func policyHashes() throws {
        let script = try #require(Self.element("script"), "one <script> element")
        let style = try #require(Self.element("style"), "one <style> element")
        #expect(script == WebClientPage.script)
        #expect(style == WebClientPage.style)
        let policy = WebClientPage.contentSecurityPolicy
        #expect(policy.contains("script-src '\(WebClientPage.hashSource(script))'"))
        #expect(policy.contains("style-src '\(WebClientPage.hashSource(style))'"))
        #expect(!policy.contains("unsafe"))
        #expect(policy.contains("default-src 'none'") && policy.contains("connect-src 'self'"))
        #expect(!script.contains("</script") && !style.contains("</style"))
    }

    @Test("the page loads nothing from elsewhere and has no inline handlers or style attributes")
    func selfContained() {
        for forbidden in ["http://", "https://", "src=", "@import", "url("] {
            #expect(!Self.page.contains(forbidden), "the page contains \(forbidden)")
        }
        let markup = WebClientPage.head + WebClientPage.body
        #expect(markup.range(of: #" on[a-z]+="#, options: .regularExpression) == nil, "an inline event handler")
        #expect(!markup.contains(" style="), "a style attribute")
    }

    @Test("the script never parses text as HTML")
    func textOnly() {
        for forbidden in [
            "innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function",
            "setAttribute(\"on", "srcdoc", ".href =",
        ] {
            #expect(!WebClientPage.script.contains(forbidden), "the script uses \(forbidden)")
        }
        #expect(WebClientPage.script.contains("textContent"))
        #expect(WebClientPage.script.contains("[\"text.ircv3.net\"]"))
    }
}
