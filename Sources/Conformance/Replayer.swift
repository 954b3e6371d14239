import Foundation
import Platform
import TLS

/// Runs a transcript against a server over real TCP (or TLS), one blocking line client per
/// named client, executing the steps in file order. Every wait has a deadline; the first step that
/// does not go as written ends the replay with a `ReplayFailure`. When the replay ends, each
/// connection still open is half-closed and given a moment to be closed by the server, so the
/// next transcript can reuse the same nicknames.
public struct Replayer: Sendable {
    /// The server's address, a name or a numeric IPv4 or IPv6 address.
    public var host: String
    /// The server's TCP port.
    public var port: Int
    /// What `{server}` stands for in the patterns `register` uses.
    public var serverName: String
    /// Seconds to wait for an expected line or a close.
    public var timeout: Double
    /// Seconds without a line that satisfy `nothing-more` when it gives no duration.
    public var quietPeriod: Double
    /// Seconds to wait, after the last step, for the server to close each half-closed connection.
    public var teardownTimeout: Double
    /// The room every user joins when it registers, whose JOIN, topic and member list `register`
    /// reads through; nil for a server without a default room.
    public var defaultRoom: String?
    /// Connect over TLS with this context (what it trusts, whether it checks at all); nil for
    /// plain TCP. `host` is the name the server's certificate must carry when it checks.
    public var tls: TLSClientContext?

    public init(
        host: String, port: Int, serverName: String = "linechat", timeout: Double = 5, quietPeriod: Double = 0.3,
        teardownTimeout: Double = 2, defaultRoom: String? = "#lobby", tls: TLSClientContext? = nil
    ) {
        self.tls = tls
        self.host = host
        self.port = port
        self.serverName = serverName
        self.defaultRoom = defaultRoom
        self.timeout = timeout
        self.quietPeriod = quietPeriod
        self.teardownTimeout = teardownTimeout
    }

    /// Replays every step of `transcript`; throws at the first one that fails.
    public func replay(_ transcript: Transcript) throws(ReplayFailure) {
        var clients: [String: any ReplayConnection] = [:]
        defer { tearDown(clients) }
        for step in transcript.steps {
            try perform(step, &clients, transcript.path)
        }
    }

    private func perform(_ step: Step, _ clients: inout [String: any ReplayConnection], _ file: String) throws(ReplayFailure) {
        func fail(_ expected: String, _ got: String) -> ReplayFailure {
            ReplayFailure(file: file, line: step.line, client: step.client, expected: expected, got: got)
        }
        if case .sleep(let milliseconds) = step.action {
            Thread.sleep(forTimeInterval: Double(milliseconds) / 1000)
            return
        }
        if case .connect = step.action {
            do {
                if let tls {
                    clients[step.client] = try TLSLineClient(host: host, port: port, context: tls, timeout: timeout)
                } else {
                    clients[step.client] = try LineClient(host: host, port: port)
                }
            } catch {
                throw fail("to connect to \(host):\(port)\(tls == nil ? "" : " over TLS")", "\(error)")
            }
            return
        }
        // The parser guarantees a connect step before any other step of a client.
        guard let client = clients[step.client] else {
            throw fail("\(step.client) to be connected", "no connection")
        }
        switch step.action {
        case .connect, .sleep:
            break
        case .send(let bytes):
            do {
                try client.send(bytes)
            } catch {
                throw fail("to send \(ReplayFailure.quoted(String(decoding: bytes, as: UTF8.self)))", "\(error)")
            }
        case .expect(let pattern):
            let expected = ReplayFailure.quoted(pattern.description)
            let line = try read(client, timeout, orFail: { fail(expected, $0) })
            guard pattern.matches(line) else { throw fail(expected, ReplayFailure.quoted(line)) }
        case .skipUntil(let pattern):
            try skip(until: pattern, client, expected: "a line matching \(ReplayFailure.quoted(pattern.description))") {
                fail($0, $1)
            }
        case .register(let nick):
            try register(nick, client, fail)
        case .sync:
            try sync(client, token: "sync-\(step.line)", fail)
        case .nothingMore(let milliseconds):
            let quiet = milliseconds.map { Double($0) / 1000 } ?? quietPeriod
            let expected = "nothing more for \(Self.seconds(quiet))"
            switch Self.next(client, timeout: quiet) {
            case .success(let line): throw fail(expected, ReplayFailure.quoted(line))
            case .failure(.timedOut): break
            case .failure(let error): throw fail(expected, Self.describe(error, timeout: quiet))
            }
        case .closed:
            let expected = "the server to close the connection"
            switch Self.next(client, timeout: timeout) {
            case .success(let line): throw fail(expected, ReplayFailure.quoted(line))
            case .failure(.closed):
                client.close()
                clients[step.client] = nil
            case .failure(let error): throw fail(expected, Self.describe(error, timeout: timeout))
            }
        case .close:
            client.close()
            clients[step.client] = nil
        case .reset:
            client.reset()
            clients[step.client] = nil
        }
    }

    /// NICK, then: any welcome notice, 001 next, everything through 376 and, with a default room,
    /// the JOIN of it next, everything through its 366 (topic and member list) and, by a PING
    /// and its PONG, any replay of the room's earlier messages.
    private func register(
        _ nick: String, _ client: any ReplayConnection, _ fail: (String, String) -> ReplayFailure
    ) throws(ReplayFailure) {
        do {
            try client.sendLine("NICK \(nick)")
        } catch {
            throw fail("to send \"NICK \(nick)\"", "\(error)")
        }
        let notice = Pattern(parts: [.literal(":\(serverName) NOTICE * :"), .wildcard])
        let welcome = Pattern(parts: [.literal(":\(serverName) 001 \(nick) :"), .wildcard])
        let expectedWelcome = "\(ReplayFailure.quoted(welcome.description)) (register \(nick))"
        var line = try read(client, timeout, orFail: { fail(expectedWelcome, $0) })
        while notice.matches(line) {
            line = try read(client, timeout, orFail: { fail(expectedWelcome, $0) })
        }
        guard welcome.matches(line) else { throw fail(expectedWelcome, ReplayFailure.quoted(line)) }
        let end = Pattern(parts: [.literal(":\(serverName) 376 \(nick) "), .wildcard])
        try skip(
            until: end, client, expected: "a line matching \(ReplayFailure.quoted(end.description)) (register \(nick))",
            fail)
        guard let defaultRoom else { return }
        // The nc form, or the IRC-client form for a connection that sent USER first.
        let join = Pattern(parts: [.literal(":\(nick) JOIN \(defaultRoom)")])
        let fullJoin = Pattern(parts: [
            .literal(":\(nick)!"), .wildcard, .literal("@\(serverName) JOIN \(defaultRoom)"),
        ])
        let expectedJoin = "\(ReplayFailure.quoted(join.description)) (register \(nick))"
        line = try read(client, timeout, orFail: { fail(expectedJoin, $0) })
        guard join.matches(line) || fullJoin.matches(line) else {
            throw fail(expectedJoin, ReplayFailure.quoted(line))
        }
        let names = Pattern(parts: [.literal(":\(serverName) 366 \(nick) \(defaultRoom) "), .wildcard])
        try skip(
            until: names, client,
            expected: "a line matching \(ReplayFailure.quoted(names.description)) (register \(nick))", fail)
        // A server that keeps history replays the room's earlier messages next: a PING marks
        // where they end (its PONG comes after them), so the transcript starts after them.
        try sync(client, token: "register-\(nick)", fail)
    }

    /// Sends a PING and skips every line up to its PONG.
    private func sync(
        _ client: any ReplayConnection, token: String, _ fail: (String, String) -> ReplayFailure
    ) throws(ReplayFailure) {
        do {
            try client.sendLine("PING :\(token)")
        } catch {
            throw fail("to send \"PING :\(token)\"", "\(error)")
        }
        let pong = Pattern(parts: [.literal(":\(serverName) PONG \(serverName) :\(token)")])
        try skip(until: pong, client, expected: "a line matching \(ReplayFailure.quoted(pong.description))", fail)
    }

    private func skip(
        until pattern: Pattern, _ client: any ReplayConnection, expected: String, _ fail: (String, String) -> ReplayFailure
    ) throws(ReplayFailure) {
        var skipped: String?
        while true {
            let line = try read(client, timeout) { got in
                fail(expected, got + (skipped.map { " (after skipping \(ReplayFailure.quoted($0)))" } ?? ""))
            }
            if pattern.matches(line) { return }
            skipped = line
        }
    }

    /// The next line, or the failure `orFail` builds from a description of what happened instead.
    private func read(
        _ client: any ReplayConnection, _ timeout: Double, orFail: (String) -> ReplayFailure
    ) throws(ReplayFailure) -> String {
        switch Self.next(client, timeout: timeout) {
        case .success(let line): return line
        case .failure(let error): throw orFail(Self.describe(error, timeout: timeout))
        }
    }

    private static func next(_ client: any ReplayConnection, timeout: Double) -> Result<String, LineClient.ReadError> {
        do {
            return .success(try client.readLine(timeout: timeout))
        } catch {
            return .failure(error)
        }
    }

    private static func describe(_ error: LineClient.ReadError, timeout: Double) -> String {
        switch error {
        case .timedOut: "nothing within \(seconds(timeout))"
        case .closed: "the server closed the connection"
        case .failed(let error): "a read error (\(error))"
        }
    }

    private static func seconds(_ value: Double) -> String {
        if value >= 1 && value == value.rounded() { return "\(Int(value)) s" }
        return "\(Int((value * 1000).rounded())) ms"
    }

    private func tearDown(_ clients: [String: any ReplayConnection]) {
        for client in clients.values { client.shutdownWrite() }
        for client in clients.values {
            _ = client.waitForClose(timeout: teardownTimeout)
            client.close()
        }
    }
}
