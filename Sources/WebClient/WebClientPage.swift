/// The browser client served at `GET /`: one HTML page with its CSS and JavaScript inline, so
/// it needs no other request and no network beyond this server.
public enum WebClientPage {
    /// The page's bytes (UTF-8 HTML).
    public static let html: [UInt8] = Array(text.utf8)

    /// The Content-Security-Policy header sent with the page: inline script and style only, and
    /// connections back to this server (the WebSocket) only.
    public static let contentSecurityPolicy =
        "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'"

    /// Placeholder until the client lands.
    static let text = #"""
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>LineChat</title></head>
        <body><p>LineChat</p></body></html>
        """#
}
