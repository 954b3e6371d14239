import OperatorConsole
import TestSupport
import Testing

/// The console driving a real server: what the server itself refuses, and what users receive.
@Suite("console against a real server")
struct RealServerConsoleTests {
    private func shown(_ actions: [ConsoleAction]) -> [String] {
        actions.compactMap { if case .show(let line) = $0 { line } else { nil } }
    }

    @Test("announce refuses text a terminal would obey, saying why, and sends nothing")
    func unsafeAnnouncementIsRefused() throws {
        let server = try TestServer.start()
        defer { server.stop() }
        let alice = try server.lobbyClients("alice")[0]
        var session = ConsoleSession(server: server.server, banner: "")
        let refusals: [(String, String)] = [
            ("a\u{1B}[2Jb", "Not sent. Line refused: control character 0x1B (ESC) is not allowed."),
            ("bell\u{07}", "Not sent. Line refused: control character 0x07 (BEL) is not allowed."),
            ("csi\u{9B}2J", "Not sent. Line refused: control character U+009B is not allowed."),
        ]
        for (text, answer) in refusals {
            #expect(shown(session.submit("announce \(text)")) == [answer])
        }
        try alice.expectSilence(for: 0.3)
        #expect(shown(session.submit("announce all\tclear")) == ["Announced to 1 user as a server notice."])
        try alice.expect(":linechat NOTICE * :all\tclear")
    }
}
