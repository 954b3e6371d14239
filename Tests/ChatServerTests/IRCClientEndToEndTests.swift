import Foundation
import Platform
import Testing
import TestSupport

/// A real IRC client library, Python's `irc` (Tests/E2E/irc_client.py), in one room with an
/// nc-style user over real TCP: it registers (NICK then USER), joins, talks, sends a CTCP
/// ACTION, WHOISes and parts. Each step the script takes is a line on its stdout, checked here
/// in order next to what the nc user sees. Skipped, with the reason, where python3 or its `irc`
/// package is missing (.ci/run installs both).
@Suite("IRC client library end to end")
struct IRCClientEndToEndTests {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("E2E/irc_client.py").path

    /// python3 from the PATH, or nil.
    static let python: String? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/python3" }.first {
            FileManager.default.isExecutableFile(atPath: $0)
        }
    }()

    /// Whether that python3 can import `irc.client`.
    static let hasIRCPackage: Bool = {
        guard let python else { return false }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-c", "import irc.client"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }()

    @Test(
        "python's irc library joins #rust, talks with an nc user, sends an ACTION, WHOISes and parts",
        .enabled(if: python != nil, "python3 is not on the PATH"),
        .enabled(if: hasIRCPackage, "python3 has no irc package (python3 -m pip install irc)"),
        .timeLimit(.minutes(10)))
    func pythonIRCLibrary() throws {
        let server = try TestServer.start()
        defer { server.stop() }
        let nc = try server.registeredClients("ncuser")[0]
        try nc.send("JOIN #rust")
        try nc.readJoinBurst("ncuser", room: "#rust")

        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.python!)
        process.arguments = [Self.script, "127.0.0.1", String(server.port)]
        let stdout = Pipe()
        process.standardOutput = stdout
        try process.run()
        defer {
            if process.isRunning { process.terminate() }
            process.waitUntilExit()
        }
        let steps = LineClient(adopting: dup(stdout.fileHandleForReading.fileDescriptor))
        defer { steps.close() }
        /// The script's next step must be `expected`.
        func step(_ expected: String) throws {
            let got: String
            do {
                got = try steps.readLine(timeout: 15)
            } catch {
                throw TestClient.Mismatch(description: "the script: expected \"\(expected)\" but \(error)")
            }
            guard got == expected else {
                throw TestClient.Mismatch(description: "the script: expected \"\(expected)\" but got \"\(got)\"")
            }
        }

        // It lands in #lobby like everyone, then joins #rust: its own JOIN carries its full
        // source (user from USER with ~, the server's name as host), the nc user's the nickname.
        try nc.expect(":pyirc JOIN #lobby")
        try step("JOIN #rust pyirc!~pyuser@linechat")
        try nc.expect(":pyirc JOIN #rust")
        try step("NAMES #rust @ncuser pyirc")
        try nc.expect(":pyirc PRIVMSG #rust :hello from  python")
        try nc.send("PRIVMSG #rust :hi  python")
        try step("PUBMSG #rust ncuser!ncuser@linechat hi  python")
        try nc.expect(":pyirc PRIVMSG #rust :\u{1}ACTION waves\u{1}")
        try step("WHOISUSER ncuser ncuser linechat ncuser")
        try step("WHOISCHANNELS ncuser #lobby @#rust")
        try step("WHOISSERVER ncuser linechat")
        try step("ENDOFWHOIS ncuser")
        try nc.expect(":pyirc PART #rust :bye now")
        try step("PART #rust pyirc")
        try nc.expect(":pyirc QUIT :Quit: done")  // they still share #lobby
        try step("DONE")
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(steps.waitForClose(timeout: 5), "the script printed nothing more")
        try nc.expectQuiet()
    }
}
