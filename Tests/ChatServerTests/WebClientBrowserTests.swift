import Foundation
import Platform
import TestSupport
import Testing

/// The web client in a real browser: the built server with its HTTP listener on a free port (--http-port 0),
/// headless Chromium driven through WebDriver by Tests/E2E/web_client.py (Python's selenium),
/// and an nc-style TCP user in the same rooms. The script picks a taken nickname (433 shown),
/// then a free one, sees the history replayed on join, chats both ways, switches rooms, shows
/// `<img src=x onerror=alert(1)>` as text, reconnects by itself after the operator console kicks
/// it, folds its lists away in a phone-sized window, and saves a screenshot of the page (to a
/// temporary file; to the README's docs/web-client.png with
/// `LINECHAT_SCREENSHOT=docs/web-client.png swift test --filter WebClientBrowserTests`, so that
/// a test run does not rewrite a tracked file). Each step is a line on the script's stdout,
/// checked here in order.
/// Skipped, with the reason, where Chromium, its driver or selenium is missing (.ci/run
/// installs them: Debian's chromium and chromium-driver, and selenium in the venv
/// .build-web-venv).
@Suite("Web client in a browser")
struct WebClientBrowserTests {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let script = packageRoot.appendingPathComponent("Tests/E2E/web_client.py").path
    static let screenshot =
        ProcessInfo.processInfo.environment["LINECHAT_SCREENSHOT"].map {
            $0.hasPrefix("/") ? $0 : packageRoot.appendingPathComponent($0).path
        } ?? FileManager.default.temporaryDirectory.appendingPathComponent("linechat-web-client-\(getpid()).png").path

    static let hasBrowser =
        FileManager.default.isExecutableFile(atPath: "/usr/bin/chromium")
        && FileManager.default.isExecutableFile(atPath: "/usr/bin/chromedriver")

    /// A python that can import selenium: the venv .ci/run makes, else python3 from the PATH.
    static let python: String? = {
        let venv = packageRoot.appendingPathComponent(".build-web-venv/bin/python").path
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        let candidates = [venv] + path.split(separator: ":").map { "\($0)/python3" }
        return candidates.first { candidate in
            guard FileManager.default.isExecutableFile(atPath: candidate) else { return false }
            let process = Process()
            process.executableURL = URL(fileURLWithPath: candidate)
            process.arguments = ["-c", "import selenium"]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            guard (try? process.run()) != nil else { return false }
            process.waitUntilExit()
            return process.terminationStatus == 0
        }
    }()

    @Test(
        "headless Chromium picks a nickname, chats with an nc user, switches rooms, shows markup as text, reconnects",
        .enabled(
            if: hasBrowser, "no /usr/bin/chromium or /usr/bin/chromedriver (apt-get install chromium chromium-driver)"),
        .enabled(
            if: python != nil,
            "no python with selenium (python3 -m venv .build-web-venv && .build-web-venv/bin/pip install selenium)"),
        .timeLimit(.minutes(10)))
    func browserChat() throws {
        let server = try ServerProcess(["--http-port", "0"])
        defer { server.terminate() }
        let httpPort = try #require(server.httpPort, "the server logged no HTTP port")

        let errors = FileManager.default.temporaryDirectory.appendingPathComponent("web_client-\(httpPort).stderr")
        _ = FileManager.default.createFile(atPath: errors.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: errors) }
        try FileManager.default.createDirectory(
            atPath: (Self.screenshot as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        defer {
            if ProcessInfo.processInfo.environment["LINECHAT_SCREENSHOT"] == nil {
                try? FileManager.default.removeItem(atPath: Self.screenshot)
            }
        }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.python!)
        process.arguments = [
            Self.script, "--url", "http://127.0.0.1:\(httpPort)/", "--chat-port", String(server.port),
            "--screenshot", Self.screenshot, "--kick-via-stdout",
        ]
        let stdout = Pipe()
        process.standardOutput = stdout
        process.standardError = try FileHandle(forWritingTo: errors)
        try process.run()
        defer {
            // On a failed step: SIGTERM (the script closes the browser), SIGKILL if it is still
            // there 20 s later.
            if process.isRunning {
                process.terminate()
                _ = waitUntil(timeout: 20) { !process.isRunning }
                if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            }
            process.waitUntilExit()
        }
        let steps = LineClient(adopting: dup(stdout.fileHandleForReading.fileDescriptor))
        defer { steps.close() }

        /// The script's next step must be `expected`.
        func step(_ expected: String) throws {
            let got: String
            do {
                got = try steps.readLine(timeout: 60)
            } catch {
                throw TestClient.Mismatch(
                    description: "web_client.py: expected \"\(expected)\" but \(error); \(stderr())")
            }
            guard got == expected else {
                throw TestClient.Mismatch(
                    description: "web_client.py: expected \"\(expected)\" but got \"\(got)\"; \(stderr())")
            }
        }
        func stderr() -> String {
            "its stderr: " + ((try? String(contentsOf: errors, encoding: .utf8)) ?? "")
        }

        try step("NICK_TAKEN ncuser: Nickname is already in use")
        try step("REGISTERED #lobby connected")
        try step("HISTORY ncuser said before you came")
        try step("MEMBERS ncuser webby")
        try step("NC_GOT hello from the browser")
        try step("PAGE_GOT hi webby, welcome")
        try step("SWITCHED #rust @webby ncuser")
        try step("TOPIC #rust Rust talk")
        try step("XSS_AS_TEXT look <img src=x onerror=alert(1)> here")
        try step("ACTION * ncuser waves")
        try step("FORMATTING fb:bold c4:red")
        try step("UNREAD #lobby 1")
        try step("PRIVATE_TAB ncuser 1")
        try step("SCREENSHOT")
        try step("PRIVATE_ANSWER")
        try step("KICK webby")
        try server.command("kick webby testing the reconnect")
        try step("BANNER Connection lost (Kicked by operator: testing the reconnect)")
        try step("RECONNECTED #rust")
        try step("PHONE")
        try step("CONSOLE_CLEAN")
        try step("DONE")
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(stderr())")
        let png = try Data(contentsOf: URL(fileURLWithPath: Self.screenshot))
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]), "docs/web-client.png is not a PNG")
    }
}
