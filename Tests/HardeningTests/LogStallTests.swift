import Foundation
import ChatServer
import Glibc
import Platform
import TestSupport
import Testing

/// A stderr that nobody reads must not stop the server: logging never blocks an event loop,
/// and shutdown does not wait for the log.
@Suite("Log stall")
struct LogStallTests {
    /// Connections opened and closed while nobody reads the log: each logs two lines (about
    /// 140 bytes), so the 64 KiB pipe is full after about 450 of them.
    static let connections = 2_000

    @Test(
        "with stderr a pipe nobody reads, 2000 connects later a client still gets its welcome and PONG, and SIGTERM stops the server",
        .timeLimit(.minutes(10)))
    func unreadStderrDoesNotFreezeTheServer() throws {
        // ServerProcess reads the log up to the line with the port; from then on nobody does.
        let server = try ServerProcess(["--no-console", "--event-loops", "2", "--max-per-ip", "100000"])
        defer {
            // On failure the process may not stop on SIGTERM: make sure it goes.
            if server.process.isRunning { Posix.sendSignal(SIGKILL, to: server.pid) }
        }
        for index in 0..<Self.connections {
            let client: LineClient
            do {
                client = try LineClient(host: "127.0.0.1", port: server.port)
            } catch {
                Issue.record("connect \(index) failed: \(error)")
                return
            }
            client.close()
        }

        do {
            let survivor = try server.connect()
            try survivor.register("survivor")
            try survivor.send("PING still-here")
            try survivor.expect(":linechat PONG linechat :still-here", skippingOthers: true)
        } catch {
            Issue.record("a new client got no welcome or no PONG: \(error)")
        }

        #expect(Posix.sendSignal(SIGTERM, to: server.pid))
        // The console's stdout closes when the process exits; the log (stderr) is still not read.
        #expect(server.output.waitForClose(timeout: 10), "the server did not exit within 10 s of SIGTERM")
        guard !server.process.isRunning || waitUntil(timeout: 5, { !server.process.isRunning }) else { return }
        #expect(server.process.terminationStatus == 0)
    }

    @Test(
        "lines beyond the log queue are dropped and counted: stats shows them, and the log notes them once it is read",
        .timeLimit(.minutes(10)))
    func droppedLinesAreCountedAndNoted() throws {
        let server = try ServerProcess(["--max-per-ip", "100000"])
        defer {
            if server.process.isRunning { Posix.sendSignal(SIGKILL, to: server.pid) }
        }
        // Two lines each: the pipe and then the writer's queue fill, and the rest are dropped.
        for _ in 0..<(LogWriter.maxQueuedLines / 2 + 2_000) {
            try LineClient(host: "127.0.0.1", port: server.port).close()
        }
        // The loops log the disconnects as they see them; stats counts the drops once they have.
        var dropped = 0
        let counted = waitUntil(timeout: 20) {
            dropped = (try? Self.logLinesDropped(server)) ?? 0
            return dropped >= 1_000
        }
        #expect(counted, "stats shows \(dropped) log lines dropped")

        // Once the log is read again the writer catches up, noting the drops where they were.
        let note = try server.expectLog(containing: " log lines dropped: the log output was not keeping up)", timeout: 10)
        #expect(note.contains(" warning ("))
        try server.command("quit")
        #expect(server.waitForExit() == 0)
    }

    /// The "Log lines dropped" figure of the console's `stats`.
    private static func logLinesDropped(_ server: ServerProcess) throws -> Int {
        try server.command("stats")
        let line = try server.readOutput(until: "the dropped log lines") { $0.hasPrefix("Log lines dropped") }.last
        return Int(line?.split(separator: " ").last ?? "") ?? -1
    }
}
