/// The browser client served at `GET /`: one HTML page with its CSS and JavaScript inline, so
/// it needs no other request and no network beyond this server. The page's text is in
/// `WebClientPage+Markup.swift` (the HTML), `+Style.swift` (the CSS) and `+Script.swift` (the
/// JavaScript).
public enum WebClientPage {
    /// The page's bytes (UTF-8 HTML).
    public static let html: [UInt8] = Array(text.utf8)

    /// The Content-Security-Policy header sent with the page. The page's one inline script and
    /// one inline style element are allowed by their SHA-256 hashes, computed here from the
    /// very text served, so nothing else can run or style the page, even markup that somehow
    /// got into it (an `onerror=` attribute, a `<script>`, a `style=` attribute); connections
    /// go back to this server only (the WebSocket at /ws); images only from data: URLs (the
    /// empty favicon); no frames, forms or base URL elsewhere.
    public static let contentSecurityPolicy =
        "default-src 'none'; script-src '\(hashSource(script))'; style-src '\(hashSource(style))'; "
        + "connect-src 'self'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

    /// The whole page.
    static let text =
        head + "<style>" + style + "</style>\n</head>\n" + body + "<script>" + script + "</script>\n</body>\n</html>\n"

    /// A CSP hash source for an inline element's text: `sha256-<base64>`.
    static func hashSource(_ text: String) -> String {
        "sha256-" + Base64.encode(SHA256.digest(Array(text.utf8)))
    }
}
