import Foundation
import Platform
import Testing
import TestSupport

/// History kept by the real `linechat-server` process: across a graceful restart, after
/// `kill -9`, with a database file that is not ours, and with a disk that fills up.
@Suite("History across restarts and faults", .serialized)
struct HistoryServerTests {
    /// A data directory of the test's own, removed at the end.
    final class DataDirectory {
        let path: String
        init() throws { path = try Posix.makeTemporaryDirectory(prefix: "linechat-history-test-") }
        deinit { try? FileManager.default.removeItem(atPath: path) }
        var database: String { path + "/history.sqlite3" }
    }

    /// An IRC client with the capabilities that show msgids and batches.
    static func ircClient(_ server: ServerProcess, _ nick: String) throws -> TestClient {
        let client = try server.connect()
        try client.send("CAP LS 302")
        try client.send("CAP REQ :batch server-time message-tags echo-message draft/chathistory")
        try client.send("NICK \(nick)")
        try client.send("USER \(nick) 0 * :\(nick)")
        try client.send("CAP END")
        try client.expect(where: { $0.hasSuffix(" JOIN #lobby") && $0.contains(":\(nick)!") })
        try client.expect(":linechat 366 \(nick) #lobby :End of /NAMES list", skippingOthers: true)
        return client
    }

    /// The msgid tag of a tagged line.
    static func msgid(_ line: String) -> String? {
        guard line.hasPrefix("@"), let tags = line.split(separator: " ").first else { return nil }
        return tags.dropFirst().split(separator: ";").first { $0.hasPrefix("msgid=") }.map { String($0.dropFirst(6)) }
    }

    @Test("after SIGTERM and a new start on the same data, joiners get the earlier messages in order, with their msgids")
    func gracefulRestart() throws {
        let data = try DataDirectory()
        var sent: [(text: String, msgid: String)] = []
        do {
            let server = try ServerProcess(["--data-dir", data.path])
            let alice = try Self.ircClient(server, "alice")
            try alice.send("JOIN #rust")
            try alice.expect(":linechat 366 alice #rust :End of /NAMES list", skippingOthers: true)
            for (room, text) in [("#lobby", "good  morning"), ("#rust", "borrowck"), ("#lobby", "tea?"), ("#rust", "lifetimes")] {
                try alice.send("PRIVMSG \(room) :\(text)")
                let echo = try alice.expect(where: { $0.hasSuffix(" PRIVMSG \(room) :\(text)") })
                sent.append((text, try #require(Self.msgid(echo))))
            }
            let nc = try server.connect()
            try nc.register("carl")  // the replay follows; it is read below, after the restart
            try nc.send("BROADCAST :from nc")
            try nc.expect(":carl PRIVMSG #lobby :from nc", skippingOthers: true)
            #expect(server.terminate() == 0)
        }
        let server = try ServerProcess(["--data-dir", data.path])
        // An nc user: the text form, in order, after the member list.
        let bob = try server.connect()
        try bob.register("bob")
        try bob.expect(":linechat NOTICE #lobby :--- 3 earlier messages (times UTC) ---")
        try bob.expect(where: { $0.hasPrefix(":alice PRIVMSG #lobby :[") && $0.hasSuffix("] good  morning") })
        try bob.expect(where: { $0.hasPrefix(":alice PRIVMSG #lobby :[") && $0.hasSuffix("] tea?") })
        try bob.expect(where: { $0.hasPrefix(":carl PRIVMSG #lobby :[") && $0.hasSuffix("] from nc") })
        try bob.expect(":linechat NOTICE #lobby :--- end of earlier messages ---")
        // An IRC client asks with CHATHISTORY: the original msgids, oldest first, in a batch.
        let carol = try Self.ircClient(server, "carol")
        try carol.send("JOIN #rust")
        try carol.expect(":linechat 366 carol #rust :End of /NAMES list", skippingOthers: true)
        try carol.send("CHATHISTORY LATEST #rust * 10")
        let open = try carol.expect(where: { $0.hasPrefix(":linechat BATCH +") && $0.hasSuffix(" chathistory #rust") })
        let id = String(open.split(separator: " ")[2].dropFirst())
        var replayed: [String] = []
        while true {
            let line = try carol.readLine()
            if line == ":linechat BATCH -\(id)" { break }
            #expect(line.hasPrefix("@batch=\(id);time="), "\(line)")
            replayed.append(try #require(Self.msgid(line)))
        }
        #expect(replayed == sent.filter { ["borrowck", "lifetimes"].contains($0.text) }.map(\.msgid))
        // CHATHISTORY BEFORE the last one gives the first.
        try carol.send("CHATHISTORY BEFORE #rust msgid=\(replayed[1]) 10")
        try carol.expect(where: { $0.hasPrefix(":linechat BATCH +") })
        let before = try carol.readLine()
        #expect(Self.msgid(before) == replayed[0] && before.hasSuffix(" PRIVMSG #rust :borrowck"), "\(before)")
        #expect(server.terminate() == 0)
    }

    @Test("kill -9 mid-traffic: what the store had written is all there after a restart, in order, with no gap")
    func crash() throws {
        let data = try DataDirectory()
        let total = 300
        do {
            let server = try ServerProcess(["--data-dir", data.path, "--flood-burst", "100000", "--flood-rate", "100000"])
            let alice = try server.connect()
            try alice.register("alice")
            for n in 0..<200 { try alice.send("BROADCAST m\(n)") }
            try alice.expect(":alice PRIVMSG #lobby :m199", skippingOthers: true)
            // The store's own count says when the first 200 (and alice's join) are written.
            try server.command("stats")
            var stored = 0
            let deadline = Posix.monotonicNanoseconds() + 10_000_000_000
            while stored < 201 && Posix.monotonicNanoseconds() < deadline {
                let lines = try server.readOutput(until: "the History line") { $0.hasPrefix("History ") }
                stored = Int(lines.last!.split(separator: " ").dropFirst().first { Int($0) != nil } ?? "") ?? 0
                if stored < 201 { try server.command("stats") }
            }
            #expect(stored >= 201, "the store never reported the first 200 messages written")
            // More traffic, and the process dies in the middle of it.
            for n in 200..<total { try alice.send("BROADCAST m\(n)") }
            kill(server.pid, SIGKILL)
            server.process.waitUntilExit()
        }
        let server = try ServerProcess(["--data-dir", data.path])
        let bob = try server.connect()
        try bob.register("bob")
        try bob.expect(where: { $0.hasPrefix(":linechat NOTICE #lobby :--- 25 earlier messages") })
        try bob.expect(":linechat NOTICE #lobby :--- end of earlier messages ---", skippingOthers: true)
        try bob.send("HISTORY #lobby 500")
        try bob.expect(where: { $0.hasPrefix(":linechat NOTICE #lobby :--- ") && $0.contains("earlier messages") })
        var numbers: [Int] = []
        while true {
            let line = try bob.readLine()
            if line == ":linechat NOTICE #lobby :--- end of earlier messages ---" { break }
            let text = try #require(line.split(separator: " ").last)
            numbers.append(try #require(Int(text.dropFirst())))
        }
        // Everything written before the kill is there, and what is there is m0, m1, ... with no gap.
        #expect(numbers.count >= 200, "only \(numbers.count) messages survived")
        #expect(numbers == Array(0..<numbers.count), "a gap or disorder: \(numbers.prefix(10))...")
        #expect(server.terminate() == 0)
    }

    /// Runs the server expecting it to refuse to start: its exit status and stderr.
    static func refusedStart(_ arguments: [String]) throws -> (status: Int32, stderr: String) {
        let process = Process()
        process.executableURL = ServerProcess.productsDirectory.appendingPathComponent("linechat-server")
        process.arguments = ["--host", "127.0.0.1", "--port", "0", "--http-port", "none", "--metrics-port", "none", "--no-console"] + arguments
        let stderr = Pipe()
        process.standardError = stderr
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let output = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }

    @Test("a database file that is not LineChat's stops the start with a message naming it, and is left untouched")
    func corruptDatabase() throws {
        let data = try DataDirectory()
        var garbage = [UInt8](repeating: 0, count: 8192)
        for i in garbage.indices { garbage[i] = UInt8(truncatingIfNeeded: i &* 2_654_435_761 >> 7) }
        try Data(garbage).write(to: URL(fileURLWithPath: data.database))
        let (status, stderr) = try Self.refusedStart(["--data-dir", data.path])
        #expect(status == 1)
        #expect(stderr.contains(data.database), "\(stderr)")
        #expect(stderr.contains("not a LineChat history database"), "\(stderr)")
        #expect(stderr.contains("--no-history"), "\(stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: data.database)) == Data(garbage))
    }

    /// Whether this machine lets the tests mount a tmpfs (root with CAP_SYS_ADMIN).
    static let canMountTmpfs: Bool = {
        guard let directory = try? Posix.makeTemporaryDirectory(prefix: "linechat-mount-probe-") else { return false }
        defer { try? FileManager.default.removeItem(atPath: directory) }
        guard run("/bin/mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", directory]) == 0 else { return false }
        return run("/bin/umount", [directory]) == 0
    }()

    @discardableResult
    static func run(_ tool: String, _ arguments: [String]) -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        process.standardError = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return -1 }
        process.waitUntilExit()
        return process.terminationStatus
    }

    @Test(
        "a full disk: chat goes on, stats says history is degraded, and writing resumes when there is room",
        .enabled(if: HistoryServerTests.canMountTmpfs, "needs to mount a small tmpfs (root)"))
    func diskFull() throws {
        let data = try DataDirectory()
        try #require(Self.run("/bin/mount", ["-t", "tmpfs", "-o", "size=160k", "tmpfs", data.path]) == 0)
        defer { Self.run("/bin/umount", ["-l", data.path]) }
        let server = try ServerProcess(["--data-dir", data.path, "--flood-burst", "100000", "--flood-rate", "100000"])
        let alice = try server.connect()
        try alice.register("alice")
        let bob = try server.connect()
        try bob.register("bob")
        try alice.expect(":bob JOIN #lobby")
        let text = String(repeating: "x", count: 400)
        var degraded = false
        var sent = 0
        while !degraded && sent < 3000 {
            for _ in 0..<100 {
                try alice.send("BROADCAST \(sent) \(text)")
                sent += 1
            }
            // Every message still reaches bob.
            try bob.expect(":alice PRIVMSG #lobby :\(sent - 1) \(text)", skippingOthers: true)
            try server.command("stats")
            let lines = try server.readOutput(until: "the History line") { $0.hasPrefix("History ") }
            degraded = lines.last!.contains("DEGRADED")
        }
        #expect(degraded, "the disk never filled after \(sent) messages")
        try server.expectLog(containing: "history")
        try alice.send("PRIVMSG bob :still chatting")
        try bob.expect(":alice PRIVMSG bob :still chatting", skippingOthers: true)
        // Room again: the queued records are written and the store says so.
        #expect(Self.run("/bin/mount", ["-o", "remount,size=64m", data.path]) == 0)
        try server.expectLog(containing: "history writing resumed", timeout: 15)
        try server.command("stats")
        let lines = try server.readOutput(until: "the History line") { $0.hasPrefix("History ") }
        #expect(!lines.last!.contains("DEGRADED"), "\(lines.last!)")
        #expect(server.terminate() == 0)
    }
}
