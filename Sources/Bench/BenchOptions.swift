/// What to measure.
public enum Scenario: String, Sendable, CaseIterable {
    /// C clients, S of them senders, M messages each, every message to every other client.
    case fanout
    /// Clients in pairs, each sending M private messages to its partner.
    case pairs
    /// N registered connections held for T seconds; server memory per connection.
    case idle
    /// Registration handshakes per second.
    case connect
    /// N users each joining one room of R and one room of everyone: how long the storm of JOIN
    /// notices and NAMES replies takes, and the server's memory after it.
    case joinstorm
}

/// The protocol spoken to the server under test.
public enum AdapterKind: String, Sendable, CaseIterable {
    /// LineChat (and the C relay): NICK, wait for 001, BROADCAST or PRIVMSG.
    case linechat
    /// An IRC server (ngIRCd, InspIRCd): NICK + USER, wait for 001, JOIN #bench, PRIVMSG #bench.
    case irc
    /// SwiftNIO's NIOChatServer example: no registration, every line goes to every other client.
    case nioChat = "nio-chat"
}

/// Everything a run is told by its flags. Defaults are the documented ones.
public struct BenchOptions: Sendable, Equatable {
    public var scenario: Scenario
    public var host = "127.0.0.1"
    public var port = 33000
    /// Every port clients connect to, in turn (`--ports`: the nodes of a cluster); `[port]`
    /// otherwise.
    public var ports: [Int] = []
    public var adapter = AdapterKind.linechat
    public var serverPID: Int32? = nil
    public var json = false
    /// Seconds before the run gives up, counting whatever has not arrived as lost.
    public var timeoutSeconds = 120.0
    /// fanout/pairs: connected clients. idle/connect: connections.
    public var clients = 100
    public var senders = 10
    public var messages = 1000
    public var payloadBytes = 64
    /// Messages per second over all senders; 0 sends as fast as the window allows.
    public var rate = 0.0
    /// Messages one sender may have in flight (sent, not yet delivered everywhere); 0: no limit.
    public var window = 64
    /// Seconds the idle and joinstorm scenarios hold their connections.
    public var holdSeconds = 10.0
    /// joinstorm: users per small room.
    public var roomSize = 10
    /// Connection attempts (and handshakes) in flight at once.
    public var concurrency = 128
    /// Show the progress line on a terminal (off with --no-progress).
    public var progress = true
    /// Speak TLS to the server, without checking its certificate (benchmarks run against
    /// self-signed ones): each connection's handshake comes before its registration.
    public var tls = false
    /// Speak WebSocket (`GET /ws`, binary.ircv3.net: one line per message) to the server's
    /// HTTP port: each connection's upgrade comes before its registration.
    public var websocket = false

    public init(scenario: Scenario) {
        self.scenario = scenario
        switch scenario {
        case .fanout, .pairs: break
        case .idle: clients = 1000
        case .joinstorm:
            clients = 10_000
            holdSeconds = 5
        case .connect: clients = 5000; concurrency = 64
        }
    }

    /// Deliveries the traffic should produce: each message reaching each client but its sender.
    public var expectedDeliveries: Int {
        switch scenario {
        case .fanout: senders * messages * (clients - 1)
        case .pairs: clients * messages
        case .idle, .connect, .joinstorm: 0
        }
    }
}

/// A mistake on the command line: printed with the usage, exit status 64.
public struct UsageError: Error, Equatable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// What the command line asks for.
public enum BenchRequest: Equatable, Sendable {
    case help
    case run(BenchOptions)
}

extension BenchOptions {
    /// Parses `linechat-bench <scenario> [options]` (arguments without the program name).
    public static func parse(_ arguments: [String]) throws(UsageError) -> BenchRequest {
        if arguments.contains("--help") || arguments.contains("-h") || arguments.first == "help" { return .help }
        guard let first = arguments.first else { throw UsageError("missing scenario") }
        guard let scenario = Scenario(rawValue: first) else {
            throw UsageError("unknown scenario '\(first)' (expected one of: fanout, pairs, idle, connect, joinstorm)")
        }
        var options = BenchOptions(scenario: scenario)
        var rest = arguments.dropFirst()
        var seen: Set<String> = []

        func value(_ flag: String) throws(UsageError) -> String {
            guard let next = rest.popFirst() else { throw UsageError("\(flag) needs a value") }
            return next
        }
        func integer(_ flag: String, _ range: ClosedRange<Int>) throws(UsageError) -> Int {
            let text = try value(flag)
            guard let number = Int(String(text.filter { $0 != "_" })), range.contains(number) else {
                throw UsageError("\(flag) must be an integer in \(range.lowerBound)...\(range.upperBound), not '\(text)'")
            }
            return number
        }
        func decimal(_ flag: String, _ range: ClosedRange<Double>) throws(UsageError) -> Double {
            let text = try value(flag)
            guard let number = Double(text), range.contains(number) else {
                throw UsageError("\(flag) must be a number in \(range.lowerBound)...\(range.upperBound), not '\(text)'")
            }
            return number
        }

        let trafficOnly: Set = ["--senders", "--messages", "--payload", "--rate", "--window"]
        while let flag = rest.popFirst() {
            guard seen.insert(flag).inserted else { throw UsageError("\(flag) given twice") }
            if trafficOnly.contains(flag) && !(scenario == .fanout || scenario == .pairs) {
                throw UsageError("\(flag) applies to fanout and pairs, not \(scenario.rawValue)")
            }
            switch flag {
            case "--host": options.host = try value(flag)
            case "--port": options.port = try integer(flag, 1...65535)
            case "--ports":
                let text = try value(flag)
                let ports = text.split(separator: ",").compactMap { Int($0) }
                guard !ports.isEmpty, ports.count == text.split(separator: ",").count,
                    ports.allSatisfy({ (1...65535).contains($0) })
                else { throw UsageError("--ports takes ports separated by commas, for example 33001,33002,33003") }
                options.ports = ports
                options.port = ports[0]
            case "--adapter":
                let name = try value(flag)
                guard let adapter = AdapterKind(rawValue: name) else {
                    throw UsageError("unknown adapter '\(name)' (expected one of: linechat, irc, nio-chat)")
                }
                options.adapter = adapter
            case "--server-pid": options.serverPID = Int32(try integer(flag, 1...Int(Int32.max)))
            case "--json": options.json = true
            case "--no-progress": options.progress = false
            case "--tls": options.tls = true
            case "--websocket": options.websocket = true
            case "--timeout": options.timeoutSeconds = try decimal(flag, 0.1...86_400)
            case "--clients", "--connections": options.clients = try integer(flag, 1...1_000_000)
            case "--senders": options.senders = try integer(flag, 1...1_000_000)
            case "--messages": options.messages = try integer(flag, 1...100_000_000)
            case "--payload": options.payloadBytes = try integer(flag, Payload.minimumBytes...4000)
            case "--rate": options.rate = try decimal(flag, 0...1e9)
            case "--window": options.window = try integer(flag, 0...1_000_000)
            case "--hold": options.holdSeconds = try decimal(flag, 0...86_400)
            case "--concurrency": options.concurrency = try integer(flag, 1...100_000)
            case "--room-size": options.roomSize = try integer(flag, 1...1_000_000)
            default: throw UsageError("unknown option '\(flag)'")
            }
        }
        if options.tls && !seen.contains("--port") { options.port = 6697 }
        if options.websocket && !seen.contains("--port") { options.port = 8080 }
        try options.validate(seen: seen)
        return .run(options)
    }

    func validate(seen: Set<String>) throws(UsageError) {
        if seen.contains("--clients") && (scenario == .idle || scenario == .connect || scenario == .joinstorm) {
            throw UsageError("\(scenario.rawValue) counts --connections, not --clients")
        }
        if seen.contains("--connections") && (scenario == .fanout || scenario == .pairs) {
            throw UsageError("\(scenario.rawValue) counts --clients, not --connections")
        }
        if seen.contains("--hold") && scenario != .idle && scenario != .joinstorm {
            throw UsageError("--hold applies to idle and joinstorm only")
        }
        if seen.contains("--room-size") && scenario != .joinstorm {
            throw UsageError("--room-size applies to joinstorm only")
        }
        if tls && adapter == .nioChat { throw UsageError("nio-chat speaks no TLS: use linechat or irc") }
        if websocket && adapter == .nioChat { throw UsageError("nio-chat speaks no WebSocket: use linechat or irc") }
        if websocket && tls { throw UsageError("--websocket and --tls together are not supported (no wss://)") }
        switch scenario {
        case .fanout:
            guard clients >= 2 else { throw UsageError("fanout needs at least 2 clients") }
            guard senders <= clients else { throw UsageError("--senders (\(senders)) exceeds --clients (\(clients))") }
            guard clients * senders <= 50_000_000 else { throw UsageError("--clients x --senders is too large") }
        case .pairs:
            guard clients >= 2 && clients % 2 == 0 else { throw UsageError("pairs needs an even number of clients") }
            guard adapter != .nioChat else { throw UsageError("nio-chat has no private messages: use fanout") }
        case .idle, .connect: break
        case .joinstorm:
            guard adapter != .nioChat else { throw UsageError("nio-chat has no rooms: use linechat or irc") }
        }
        guard clients < 16_000_000 else { throw UsageError("too many clients") }
    }

    /// The text `--help` prints.
    public static let helpText = """
        USAGE: linechat-bench <scenario> [options]

        Drives a chat server over loopback TCP from one epoll thread and reports deliveries,
        loss, duplicates, one-way latency and, with --server-pid, the server's CPU and memory.

        SCENARIOS:
          fanout    --clients C (100) --senders S (10) --messages M (1000) --payload P (64)
                    [--rate R] [--window W (64)]
                    every message of S senders reaches the other C-1 clients
          pairs     --clients C (100, even) --messages M --payload P [--rate R] [--window W]
                    clients in pairs, each sending M private messages to its partner
          idle      --connections N (1000) --hold T (10): open and register N connections,
                    hold them T seconds; with --server-pid, server RSS growth per connection
          connect   --connections N (5000) [--concurrency K (64)]: registration handshakes/s
                    (with --tls: TLS handshakes and registrations per second)
          history   --records N (200000) --rooms R (10) --payload P (64): no server; N room
                    messages through the history store into a temporary database, stored/s
          joinstorm --connections N (10000) --room-size R (10) --hold T (5): every user joins
                    one room of R users and one room of everyone (linechat: the server's
                    default room; irc: #bench); time until the storm of JOIN notices and NAMES
                    replies is over and, with --server-pid, server RSS per connection after it

        OPTIONS:
          --host H            server address (127.0.0.1)
          --port P            server port (33000; 6697 with --tls; 8080 with --websocket)
          --ports P1,P2,...   connect clients to these ports in turn (the nodes of a cluster):
                              client i goes to port i mod count
          --tls               connect over TLS (every scenario); the server's certificate is
                              NOT checked: benchmarks run against self-signed certificates
          --websocket         connect over WebSocket to the server's HTTP port (GET /ws,
                              subprotocol binary.ircv3.net: one IRC line per message);
                              port 8080 unless --port says otherwise
          --adapter A         linechat | irc | nio-chat (linechat)
          --server-pid PID    read the server's CPU time (/proc/PID/stat) and RSS (/proc/PID/status)
          --rate R            messages per second over all senders (default: unthrottled)
          --window W          messages a sender may have in flight, 0 for no limit (64)
          --concurrency K     connection attempts in flight (128; connect: 64)
          --room-size R       joinstorm: users per small room (10)
          --timeout T         give up after T seconds, counting the rest as lost (120)
          --json              print one machine-readable line instead of the table
          --no-progress       no progress line on standard error
          -h, --help          show this help

        A delivery is one message reaching one client other than its sender. Exit status: 0 when
        every expected delivery arrived once and in order with no errors, 1 otherwise, 64 for a
        usage error.
        """
}
