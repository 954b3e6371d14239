import Foundation
import Platform
import Testing
import TestSupport

/// The real `nc` (netcat-openbsd; .ci/run installs it), typing as a person would, against the
/// real server binary.
@Suite("nc")
struct NetcatTests {
    static let netcat = ["/usr/bin/nc", "/bin/nc"].first { FileManager.default.isExecutableFile(atPath: $0) }

    @Test("an nc user registers, talks with another user and quits", .enabled(if: netcat != nil, "nc is not installed"))
    func chatFromNetcat() throws {
        let server = try ServerProcess(["--no-console"])
        let nc = Process()
        nc.executableURL = URL(fileURLWithPath: Self.netcat!)
        nc.arguments = ["127.0.0.1", String(server.port)]
        let keyboard = Pipe()
        let screen = Pipe()
        nc.standardInput = keyboard
        nc.standardOutput = screen
        try nc.run()
        let output = LineClient(adopting: dup(screen.fileHandleForReading.fileDescriptor))
        func type(_ line: String) { keyboard.fileHandleForWriting.write(Data((line + "\n").utf8)) }
        func see(_ expected: String) throws {
            while true {
                let line = try output.readLine(timeout: 5)
                if line == expected { return }
            }
        }

        try see(
            ":linechat NOTICE * :Welcome to LineChat! Pick a nickname to join the chat room: type NICK <name> and press Enter.")
        type("NICK ncuser")
        try see(":linechat 376 ncuser :End of /MOTD command.")
        let bob = try server.connect()
        try bob.register("bob")
        try see(":bob JOIN #lobby")
        type("BROADCAST hello from  nc")
        try bob.expect(":ncuser PRIVMSG #lobby :hello from  nc", skippingOthers: true)
        try bob.send("PRIVMSG ncuser :hi nc")
        try see(":bob PRIVMSG ncuser :hi nc")
        type("QUIT bye")
        try see("ERROR :Closing link: ncuser (Quit: bye)")
        try bob.expect(":ncuser QUIT :Quit: bye", skippingOthers: true)
        // netcat-openbsd keeps reading its keyboard after the server has gone, as it does in a
        // terminal until the user presses Enter or Ctrl-D.
        try keyboard.fileHandleForWriting.close()
        nc.waitUntilExit()
        #expect(server.terminate() == 0)
    }
}
