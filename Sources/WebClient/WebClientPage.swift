/// The browser client served at `GET /`: one HTML page with its CSS and JavaScript inline, so
/// it needs no other request and no network beyond this server. The page's text is in
/// `WebClientPage+Markup.swift` (the HTML), `+Style.swift` (the CSS) and `+Script.swift` (the
/// JavaScript).
public enum WebClientPage {
    /// The page's bytes (UTF-8 HTML).
    public static let html: [UInt8] = Array(text.utf8)

    /// The Content-Security-Policy header for the page, given the CSP hash sources
    /// (`sha256-<base64>`) of `script` and `style`: the page's one inline script and one inline
    /// style element are allowed by hash, so nothing else can run or style the page, even
    /// markup that somehow got into it (an `onerror=` attribute, a `<script>`, a `style=`
    /// attribute); connections go back to this server only (the WebSocket at /ws); images only
    /// from data: URLs (the empty favicon); no frames, forms or base URL elsewhere. The server
    /// hashes with OpenSSL (this target stays free of it).
    public static func contentSecurityPolicy(scriptHash: String, styleHash: String) -> String {
        "default-src 'none'; script-src '\(scriptHash)'; style-src '\(styleHash)'; "
            + "connect-src 'self'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    }

    /// The whole page.
    static let text =
        head + "<style>" + style + "</style>\n</head>\n" + body + "<script>" + script + "</script>\n</body>\n</html>\n"
}
