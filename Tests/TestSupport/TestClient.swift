import Platform

/// A test's view of one user: sends lines, waits for the line it expects with a deadline.
public final class TestClient {
    /// A line that did not come.
    public struct Mismatch: Error, CustomStringConvertible {
        public let description: String
        public init(description: String) { self.description = description }
    }

    public let connection: LineClient
    public private(set) var nick: String?

    public init(port: Int, host: String = "127.0.0.1") throws {
        connection = try LineClient(host: host, port: port)
    }

    public func send(_ line: String) throws { try connection.sendLine(line) }

    public func sendRaw(_ bytes: [UInt8]) throws { try connection.send(bytes) }

    /// The next line, or a thrown error after `timeout` seconds.
    public func readLine(timeout: Double = 5) throws -> String {
        try connection.readLine(timeout: timeout)
    }

    /// Reads lines until one equals `line`; fails if another line comes first unless
    /// `skippingOthers` is true.
    @discardableResult
    public func expect(_ line: String, skippingOthers: Bool = false, timeout: Double = 5) throws -> String {
        while true {
            let got: String
            do {
                got = try readLine(timeout: timeout)
            } catch {
                throw Mismatch(description: "expected \"\(line)\" but \(error)")
            }
            if got == line { return got }
            if !skippingOthers { throw Mismatch(description: "expected \"\(line)\" but got \"\(got)\"") }
        }
    }

    /// Reads lines until one satisfies `predicate`; returns it.
    @discardableResult
    public func expect(
        timeout: Double = 5, skippingOthers: Bool = true, _ what: String = "a matching line",
        where predicate: (String) -> Bool
    ) throws -> String {
        while true {
            let got: String
            do {
                got = try readLine(timeout: timeout)
            } catch {
                throw Mismatch(description: "expected \(what) but \(error)")
            }
            if predicate(got) { return got }
            if !skippingOthers { throw Mismatch(description: "expected \(what) but got \"\(got)\"") }
        }
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

    /// Reads the welcome notice, registers `nick` and reads through the end of the MOTD.
    public func register(_ nick: String, server: String = "linechat") throws {
        try expect(where: { $0.hasPrefix(":\(server) NOTICE * :") })
        try send("NICK \(nick)")
        try expect(":\(server) 001 \(nick) :Welcome to the chat room, \(nick)!")
        try expect(where: { $0.hasPrefix(":\(server) 376 \(nick) ") })
        self.nick = nick
    }

    /// True when the server closes the connection within `timeout` seconds (lines before the
    /// close are skipped).
    public func waitForClose(timeout: Double = 5) -> Bool { connection.waitForClose(timeout: timeout) }

    public func close() { connection.close() }

    /// Closes with a TCP reset.
    public func reset() { connection.reset() }
}
