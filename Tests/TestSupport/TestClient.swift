import Platform

/// A test's view of one user: sends lines, waits for the line it expects with a deadline.
public final class TestClient: LineExpecting {
    /// A line that did not come.
    public struct Mismatch: Error, CustomStringConvertible {
        public let description: String
        public init(description: String) { self.description = description }
    }

    public let connection: LineClient
    public private(set) var nick: String?
    private var pings = 0

    public init(port: Int, host: String = "127.0.0.1") throws {
        connection = try LineClient(host: host, port: port)
    }

    public func send(_ line: String) throws { try connection.sendLine(line) }

    public func sendRaw(_ bytes: [UInt8]) throws { try connection.send(bytes) }

    /// The next line, or a thrown error after `timeout` seconds.
    public func readLine(timeout: Double = 5) throws -> String {
        try connection.readLine(timeout: timeout)
    }

    /// Fails if any line arrives within `seconds`.
    public func expectSilence(for seconds: Double = 0.2) throws {
        do {
            let got = try readLine(timeout: seconds)
            throw Mismatch(description: "expected nothing but got \"\(got)\"")
        } catch LineClient.ReadError.timedOut {
            return
        }
    }

    /// The room every user joins on registering unless the server runs with `--default-room`.
    public static let defaultRoom = "#lobby"

    /// Reads the welcome notice, registers `nick` and reads through the end of the MOTD and,
    /// when the server has a default room (`room`; nil for a server with none), through the
    /// auto-join that follows it: `:<nick> JOIN <room>` right after 376, then only the topic
    /// (332, 333) and member list (353) up to `366 <nick> <room>`. The client is then quiet.
    public func register(_ nick: String, server: String = "linechat", room: String? = TestClient.defaultRoom) throws {
        try expect(where: { $0.hasPrefix(":\(server) NOTICE * :") })
        try send("NICK \(nick)")
        try expect(":\(server) 001 \(nick) :Welcome to the chat room, \(nick)!")
        try expect(where: { $0.hasPrefix(":\(server) 376 \(nick) ") })
        if let room { try readJoinBurst(nick, room: room, server: server) }
        self.nick = nick
    }

    /// Reads what a JOIN of `room` sends the joiner: its own `:<nick> JOIN <room>` (in either
    /// source form), then only 332, 333 and 353 for that room up to its 366. Returns the
    /// 353 member lists, in order.
    @discardableResult
    public func readJoinBurst(_ nick: String, room: String, server: String = "linechat") throws -> [String] {
        try expect(skippingOthers: false, "the JOIN of \(room)") { line in
            line == ":\(nick) JOIN \(room)" || (line.hasPrefix(":\(nick)!") && line.hasSuffix(" JOIN \(room)"))
        }
        var names: [String] = []
        while true {
            let line = try expect(skippingOthers: false, "the JOIN burst of \(room)") { _ in true }
            if line == ":\(server) 366 \(nick) \(room) :End of /NAMES list" { return names }
            if line.hasPrefix(":\(server) 353 \(nick) = \(room) :") {
                names.append(String(line.dropFirst(":\(server) 353 \(nick) = \(room) :".count)))
                continue
            }
            guard line.hasPrefix(":\(server) 332 \(nick) \(room) ") || line.hasPrefix(":\(server) 333 \(nick) \(room) ")
            else {
                throw Mismatch(
                    description: "expected the JOIN burst of \(room) (332, 333, 353, 366) but got \"\(line)\"")
            }
        }
    }

    /// A round trip: sends a PING with a fresh token and expects its PONG as the very next line.
    /// Every line the server queued for this client before it read the PING comes first, so a
    /// test that needs "nothing more came" uses this, then `expectSilence`, instead of a sleep.
    public func roundTrip(server: String = "linechat", timeout: Double = 5) throws {
        pings += 1
        let token = "sync-\(pings)"
        try send("PING \(token)")
        try expect(":\(server) PONG \(server) :\(token)", timeout: timeout)
    }

    /// Nothing is waiting for this client: a PING's PONG is the next line, and nothing follows
    /// it within `seconds`.
    public func expectQuiet(server: String = "linechat", for seconds: Double = 0.2) throws {
        try roundTrip(server: server)
        try expectSilence(for: seconds)
    }

    /// True when the server closes the connection within `timeout` seconds (lines before the
    /// close are skipped).
    public func waitForClose(timeout: Double = 5) -> Bool { connection.waitForClose(timeout: timeout) }

    public func close() { connection.close() }

    /// Closes with a TCP reset.
    public func reset() { connection.reset() }
}
