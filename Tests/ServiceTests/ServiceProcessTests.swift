import Foundation
import Glibc
import Platform
import TestSupport
import Testing

/// The built `linechat-server` run as an operator would: a config file, SIGHUP, the console's
/// `reload`, JSON logs, systemd's notification socket.
@Suite("Service process")
struct ServiceProcessTests {
    /// A temporary directory with a config file and a MOTD file in it.
    final class Files {
        let directory: String
        var config: String { directory + "/linechat.conf" }
        var motd: String { directory + "/motd.txt" }

        init() throws { directory = try Posix.makeTemporaryDirectory(prefix: "linechat-service-") }
        deinit { try? FileManager.default.removeItem(atPath: directory) }

        func write(config text: String) throws { try text.write(toFile: config, atomically: true, encoding: .utf8) }
        func write(motd text: String) throws { try text.write(toFile: motd, atomically: true, encoding: .utf8) }
    }

    /// Runs the binary with `arguments` to its exit: its status and stderr.
    static func run(_ arguments: [String]) throws -> (status: Int32, stderr: String) {
        let process = Process()
        process.executableURL = ServerProcess.productsDirectory.appendingPathComponent("linechat-server")
        process.arguments = arguments
        let stderr = Pipe()
        process.standardError = stderr
        process.standardOutput = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let log = LineClient(adopting: dup(stderr.fileHandleForReading.fileDescriptor))
        var text = ""
        while let line = try? log.readLine(timeout: 10) { text += line + "\n" }
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        return (process.terminationStatus, text)
    }

    @Test(
        "SIGHUP with a new MOTD file and a lower max-per-ip: users stay, a newcomer sees the new MOTD, the limit applies"
    )
    func sighupReloadsMOTDAndLimit() throws {
        let files = try Files()
        try files.write(motd: "before the reload\n")
        try files.write(config: "# test\nmotd-file = \(files.motd)\nmax-per-ip = 10\n")
        let server = try ServerProcess(["--no-console", "--config", files.config])
        defer { server.terminate() }
        let alice = try server.connect()
        #expect(try ReloadTests.motd(of: alice, registering: "alice") == ["before the reload"])
        try alice.readJoinBurst("alice", room: "#lobby")
        let bob = try server.connect()
        try bob.register("bob")

        try files.write(motd: "after the reload\nline two\n")
        try files.write(config: "# test\nmotd-file = \(files.motd)\nmax-per-ip = 3\nport = 1\n")
        #expect(Posix.sendSignal(Signal.hangUp, to: server.pid))
        try server.expectLog(containing: "SIGHUP: reloaded the config file \(files.config)")
        try server.expectLog(containing: "SIGHUP: max-per-ip: 10 -> 3")
        // The command line's --port 0 wins over the file's: no restart is asked for.
        let motd = try server.expectLog(containing: "SIGHUP: motd: 1 -> 2 lines")
        #expect(motd.contains(" info "))

        try alice.send("BROADCAST nobody was dropped")
        try bob.expect(":alice PRIVMSG #lobby :nobody was dropped", skippingOthers: true)
        let carol = try server.connect()
        #expect(try ReloadTests.motd(of: carol, registering: "carol") == ["after the reload", "line two"])
        let dave = try server.connect()
        try dave.expect("ERROR :Too many connections from your address (at most 3)", skippingOthers: true)

        // A file with a mistake: logged, and the running configuration kept.
        try files.write(config: "motd-file = \(files.motd)\nmax-per-ip = many\n")
        #expect(Posix.sendSignal(Signal.hangUp, to: server.pid))
        let refused = try server.expectLog(containing: "SIGHUP: not reloaded")
        #expect(refused.contains(" error ") && refused.contains("\(files.config):2: max-per-ip: needs a whole number"))
        let erin = try server.connect()
        try erin.expect("ERROR :Too many connections from your address (at most 3)", skippingOthers: true)
        try bob.send("BROADCAST still connected")
        try alice.expect(":bob PRIVMSG #lobby :still connected", skippingOthers: true)
        #expect(server.process.isRunning)
    }

    @Test("a setting that needs a restart is logged as such on SIGHUP")
    func restartOnlySettings() throws {
        let files = try Files()
        try files.write(config: "server-name = first\nhistory-days = 5\n")
        let server = try ServerProcess(["--no-console", "--config", files.config])
        defer { server.terminate() }
        try files.write(config: "server-name = second\nhistory-days = 6\n")
        #expect(Posix.sendSignal(Signal.hangUp, to: server.pid))
        let renamed = try server.expectLog(containing: "SIGHUP: server-name: first -> second (needs a restart)")
        #expect(renamed.contains(" warning "))
        try server.expectLog(containing: "SIGHUP: history-days: 5 -> 6 (needs a restart)")
        let alice = try server.connect()
        try alice.register("alice", server: "first")
    }

    @Test("the console's reload reads the file again and shows what changed")
    func consoleReload() throws {
        let files = try Files()
        try files.write(config: "max-clients = 100\n")
        let server = try ServerProcess(["--config", files.config])
        defer { server.terminate() }
        try server.command("help reload")
        try server.readOutput(until: "reload's help") { $0.contains("reload") && $0.contains("SIGHUP") }
        try files.write(config: "max-clients = 50\nflood-burst = 20\n")
        try server.command("reload")
        let lines = try server.readOutput(until: "the flood change") { $0 == "reload: flood-burst: 10 -> 20" }
        #expect(lines.contains("reload: max-clients: 100 -> 50"), "\(lines)")
        try server.command("reload")
        try server.readOutput(until: "nothing changed") { $0.hasSuffix(": nothing changed") }
    }

    @Test("a mistake in the config file stops the start with exit status 64, naming the file, line and key")
    func badFileAtStart() throws {
        let files = try Files()
        try files.write(config: "port = 0\n\nmax-clients = -1\n")
        let bad = try Self.run(["--no-console", "--no-history", "--config", files.config])
        #expect(bad.status == 64)
        #expect(bad.stderr.contains("\(files.config):3: max-clients: needs a whole number from 1 to 1000000, not '-1'"))
        try files.write(config: "colour = blue\n")
        let unknown = try Self.run(["--no-console", "--no-history", "--config", files.config])
        #expect(unknown.status == 64)
        #expect(unknown.stderr.contains("\(files.config):1: colour: unknown key"), "\(unknown.stderr)")
        let checked = try Self.run(["--config", files.config, "--check-config"])
        #expect(checked.status == 64 && checked.stderr.contains("\(files.config):1: colour: unknown key"))
        try files.write(config: "max-clients = 5\nport = 1\n")
        #expect(try Self.run(["--config", files.config, "--check-config"]).status == 0)
        let missing = try Self.run(["--no-console", "--config", files.directory + "/none.conf"])
        #expect(missing.status == 64)
        #expect(missing.stderr.contains("cannot read the config file \(files.directory)/none.conf: no such file"))
    }

    @Test("--log-format json: every log line is a JSON object with time, level and message")
    func jsonLog() throws {
        let server = try ServerProcess(["--no-console", "--log-format", "json"])
        let alice = try server.connect()
        try alice.register("alice")
        try alice.send("QUIT :bye \"now\"\\")
        #expect(alice.waitForClose())
        try server.expectLog(containing: "alice")
        #expect(server.terminate() == 0)
        var lines: [String] = []
        while let line = try? server.log.readLine(timeout: 5) { lines.append(line) }
        #expect(lines.contains { $0.contains("\"message\":\"stopped\"") }, "\(lines)")
        for line in lines {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String]
            #expect(object?["time"] != nil && object?["level"] != nil && object?["message"] != nil, "\(line)")
        }
    }

    @Test(
        "with NOTIFY_SOCKET, systemd hears READY=1 once listening, RELOADING=1 and READY=1 around a reload, STOPPING=1")
    func systemdNotifications() throws {
        let socket = try NotifySocket()
        let server = try ServerProcess(["--no-console"], environment: ["NOTIFY_SOCKET": socket.name])
        #expect(try socket.receive() == "READY=1")
        #expect(Posix.sendSignal(Signal.hangUp, to: server.pid))
        let reloading = try socket.receive()
        #expect(reloading.hasPrefix("RELOADING=1\nMONOTONIC_USEC="), "\(reloading)")
        let microseconds = Int64(reloading.split(separator: "=").last ?? "") ?? 0
        let now = Posix.monotonicNanoseconds() / 1000
        #expect(microseconds > 0 && microseconds <= now && now - microseconds < 60_000_000)
        #expect(try socket.receive() == "READY=1")
        #expect(server.terminate() == 0)
        #expect(try socket.receive() == "STOPPING=1")
    }
}

/// The receiving end of systemd's notification socket: an abstract unix datagram socket.
final class NotifySocket {
    let fd: Int32
    /// `@` and the abstract name, as NOTIFY_SOCKET gives it.
    let name: String

    struct Failure: Error, CustomStringConvertible { let description: String }

    init() throws {
        name = "@linechat-test-notify-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket: errno \(errno)") }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var bytes = Array(name.utf8)
        bytes[0] = 0
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes) }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + bytes.count)
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        guard result == 0 else { throw Failure(description: "bind \(name): errno \(errno)") }
    }

    deinit { close(fd) }

    /// The next datagram, waiting at most `timeout` seconds.
    func receive(timeout: Double = 10) throws -> String {
        var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&poller, 1, Int32(timeout * 1000)) == 1 else {
            throw Failure(description: "no notification in \(timeout) s")
        }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = recv(fd, &buffer, buffer.count, 0)
        guard count >= 0 else { throw Failure(description: "recv: errno \(errno)") }
        return String(decoding: buffer[..<count], as: UTF8.self)
    }
}
