import TLS
import WebClient
import WebProtocol

/// The Content-Security-Policy sent with the web client's page: its inline script and style
/// allowed by their SHA-256 (OpenSSL's), computed once from the very text served.
enum WebClientPolicy {
    static let header = WebClientPage.contentSecurityPolicy(
        scriptHash: hashSource(WebClientPage.script), styleHash: hashSource(WebClientPage.style))

    /// A CSP hash source for an inline element's text: `sha256-<base64>`.
    static func hashSource(_ text: String) -> String {
        "sha256-" + Base64.encode(Digest.sha256(Array(text.utf8)))
    }
}
