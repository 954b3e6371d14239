import Foundation
import Testing

@testable import WebClient

/// The page served at GET /: its Content-Security-Policy hashes match the very script and style
/// it carries, it loads nothing from elsewhere, and its script never turns text into markup.
@Suite("Web client page")
struct WebClientPageTests {
    static let page = String(decoding: WebClientPage.html, as: UTF8.self)

    /// The text of the one element `name` in the page.
    static func element(_ name: String) -> String? {
        let parts = page.components(separatedBy: "<\(name)>")
        guard parts.count == 2, let end = parts[1].range(of: "</\(name)>") else { return nil }
        return String(parts[1][..<end.lowerBound])
    }

    @Test("the page has one script and one style element, the texts the policy hashes")
    func oneScriptOneStyle() throws {
        let script = try #require(Self.element("script"), "one <script> element")
        let style = try #require(Self.element("style"), "one <style> element")
        #expect(script == WebClientPage.script)
        #expect(style == WebClientPage.style)
        #expect(!script.contains("</script") && !style.contains("</style"))
        let policy = WebClientPage.contentSecurityPolicy(scriptHash: "sha256-S", styleHash: "sha256-T")
        #expect(policy.contains("script-src 'sha256-S'") && policy.contains("style-src 'sha256-T'"))
        #expect(!policy.contains("unsafe"))
        #expect(policy.contains("default-src 'none'") && policy.contains("connect-src 'self'"))
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
