/// The browser client served at `GET /`: one HTML page with its CSS and JavaScript inline, so
/// it needs no other request and no network beyond this server.
public enum WebClientPage {
    /// The page's bytes (UTF-8 HTML).
    public static let html: [UInt8] = Array(text.utf8)

    /// Placeholder until the client lands.
    static let text = #"""
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>LineChat</title></head>
        <body><p>LineChat</p></body></html>
        """#
}
