import RedisClient
import Cluster
import ChatCore
import ChatServer
import Foundation
import LineProtocol
import Platform

/// The command line of `linechat-server`, parsed by hand in the shape of swift-argument-parser:
/// `--name value` or `--name=value`, typed errors, usage on `--help`.
struct ServerOptions {
    var configuration = ServerOptions.defaultConfiguration
    var logLevel = Logger.Level.info
    var logFormat = Logger.Format.text
    /// `--config`: the file read before the command line (see `load`).
    var configFile: String?
    var console: Bool? = nil
    var showHelp = false
    var showVersion = false
    /// `--check-config`: read the configuration, report, and exit without starting.
    var checkOnly = false
    /// Where history lives, and whether it is kept.
    var history = HistoryOptions()
    /// TLS as the flags asked for it (checked together once all are read).
    var tls = TLSOptions()
    /// The cluster as the flags asked for it (checked together once all are read).
    var cluster = ClusterOptions()

    struct ClusterOptions {
        var url: String?
        var nodeName: String?
        var leaseSeconds: Int?
        var passwordFile: String?
    }

    struct TLSOptions {
        var certificateFile: String?
        var keyFile: String?
        var selfSigned = false
        var port: Int?
        var host: String?
    }

    struct HistoryOptions {
        var enabled = true
        var dataDirectory = "linechat-data"
        var retentionDays = 30
        var maxPerRoom = 100_000
        var writerNiceness: Int32 = 10
    }

    /// The library's configuration with the executable's defaults: HTTP on 8080, metrics on
    /// 127.0.0.1:8081 (the library serves neither unless asked).
    static var defaultConfiguration: ServerConfiguration {
        var configuration = ServerConfiguration()
        configuration.httpPort = ServerConfiguration.defaultHTTPPort
        configuration.metricsPort = ServerConfiguration.defaultMetricsPort
        return configuration
    }

    /// A command-line mistake, printed with the usage and exit status 64.
    struct UsageError: Error, CustomStringConvertible {
        let description: String
    }

    static let usage = """
        USAGE: linechat-server [options]

        Runs the LineChat server. Connect with `nc localhost 33000`, `telnet localhost 33000`
        or `linechat`. SIGINT or SIGTERM shuts it down gracefully.

        OPTIONS:
          --host <address>            Address to listen on (default: 0.0.0.0)
          --port <port|none>          TCP port (default: 33000; 0 picks a free one; none: TLS only)
          --tls-cert <file>           TLS: PEM certificate chain, server certificate first
                                      (with --tls-key; SIGHUP reads both files again)
          --tls-key <file>            TLS: the certificate's unencrypted PEM private key
          --tls-self-signed           TLS with a throwaway self-signed certificate made at start
                                      (its SHA-256 fingerprint is logged)
          --tls-port <port>           TLS port (default: 6697; 0 picks a free one)
          --tls-host <address>        Address for the TLS port (default: --host)
          --no-plain                  Serve TLS only (same as --port none)
          --http-port <port|none>     HTTP port: the browser client at /, WebSocket chat at /ws,
                                      /healthz (default: 8080; 0 picks a free one; none: off)
          --http-host <address>       Address for the HTTP port (default: --host)
          --web-origin <origin,...|*> Pages from other origins allowed to open /ws, e.g.
                                      https://chat.example.org (default: this server's own page
                                      only; *: any)
          --metrics-port <port|none>  Port serving /metrics and /healthz only (default: 8081;
                                      none: off; the HTTP port's number and host: one listener)
          --metrics-host <address>    Address for the metrics port (default: 127.0.0.1)
          --server-name <name>        The server's name on every line it sends (default: linechat)
          --max-clients <n>           Connections at once, server-wide (default: 10000)
          --max-per-ip <n>            Connections at once from one address (default: 50)
          --max-line-bytes <n>        Longest inbound line, terminator included (default: 512)
          --event-loops <n>           Event-loop threads (default: one per CPU available)
          --motd-file <path>          Message of the day, one line per line of the file
          --list-addresses            Show users' addresses in LIST (off: addresses are private)
          --default-room <#room|none> The room every user joins on arrival and BROADCAST talks
                                      in (default: #lobby; none: no auto-join, no BROADCAST)
          --registration-timeout <s>  Seconds to pick a nickname before being dropped (default: 60)
          --sendq-bytes <n>           Output queued for one client before it is dropped (default: 1048576)
          --max-output-bytes <n>      Output queued for all clients together before the largest
                                      queues are dropped (default: 268435456, 256 MiB)
          --flood-burst <n>           Lines a client may send at once (default: 10)
          --flood-rate <n>            Lines per second after the burst (default: 5)
          --flood-backlog-bytes <n>   Unread input a throttled client may pile up (default: 65536)
          --keepalive-idle <s>        Seconds of silence before TCP keepalive probes (default: 60)
          --data-dir <dir>            Where history is kept, in history.sqlite3 (default: linechat-data,
                                      created on first start)
          --no-history                Keep no history (no database, no replay, no CHATHISTORY)
          --history-days <n>          Days of history kept (default: 30)
          --history-max-per-room <n>  Messages kept per room (default: 100000)
          --history-nice <n>          Nice value of the history writer thread, 0-19 (default: 10;
                                      higher leaves more CPU to chat under load, and drops
                                      history records sooner)
          --join-replay <n>           Latest messages a joiner is shown (default: 25; 0: none)
          --cluster <url>             Run as a node of the cluster that shares this Redis
                                      (redis://[:password@]host[:port][/db]); see README, Cluster
          --node-name <name>          This node's name in the cluster (default: the host name)
          --cluster-lease <s>         Seconds a dead node's users stay before the others drop
                                      them (default: 10)
          --cluster-password-file <f> Read the Redis password from a file
          --log-level <level>         debug, info, warning, error or off (default: info)
          --log-format <format>       text or json: one JSON object a line, for log collectors
                                      (default: text)
          --config <file>             Read settings from a file of `key = value` lines first
                                      (key: a flag's name without --; true/false for flags
                                      without a value); flags given here win. SIGHUP or the
                                      console's `reload` reads it again
          --check-config              Read the configuration (flags, --config file, MOTD file),
                                      report a mistake (exit 64) or say it is valid, and exit
          --console / --no-console    Operator console on stdin (default: on)
          --version                   Print the version
          -h, --help                  Show this help
        """

    /// Parses `arguments` on top of `start`; `finishing: false` leaves out the checks and
    /// defaults that need every flag (the config file's arguments come before the command line).
    static func parse(
        _ arguments: [String], into start: ServerOptions = ServerOptions(), finishing: Bool = true
    ) throws(UsageError) -> ServerOptions {
        var options = start
        var remaining = arguments[...]
        while let argument = remaining.popFirst() {
            var name = argument
            var inlineValue: String?
            if argument.hasPrefix("--"), let equals = argument.firstIndex(of: "=") {
                name = String(argument[..<equals])
                inlineValue = String(argument[argument.index(after: equals)...])
            }
            func value() throws(UsageError) -> String {
                if let inlineValue { return inlineValue }
                guard let next = remaining.popFirst() else { throw UsageError(description: "missing value for \(name)") }
                return next
            }
            func integer(_ range: ClosedRange<Int>) throws(UsageError) -> Int {
                let text = try value()
                guard let number = Int(text), range.contains(number) else {
                    throw UsageError(
                        description: "\(name) needs a whole number from \(range.lowerBound) to \(range.upperBound), not '\(text)'")
                }
                return number
            }
            func nonEmpty() throws(UsageError) -> String {
                let text = try value()
                guard !text.isEmpty else { throw UsageError(description: "\(name) needs a value") }
                return text
            }
            /// A port number, or `none` (nil).
            func optionalPort() throws(UsageError) -> Int? {
                if let inlineValue, inlineValue.lowercased() == "none" { return nil }
                if inlineValue == nil, remaining.first?.lowercased() == "none" {
                    remaining.removeFirst()
                    return nil
                }
                return try integer(0...65535)
            }
            switch name {
            case "--host": options.configuration.host = try value()
            case "--port":
                if let inlineValue, inlineValue.lowercased() == "none" {
                    options.configuration.servesPlain = false
                } else if inlineValue == nil, remaining.first?.lowercased() == "none" {
                    remaining.removeFirst()
                    options.configuration.servesPlain = false
                } else {
                    options.configuration.port = try integer(0...65535)
                    options.configuration.servesPlain = true
                }
            case "--http-port": options.configuration.httpPort = try optionalPort()
            case "--http-host": options.configuration.httpHost = try nonEmpty()
            case "--metrics-port": options.configuration.metricsPort = try optionalPort()
            case "--metrics-host": options.configuration.metricsHost = try nonEmpty()
            case "--web-origin": options.configuration.webOrigins = try webOrigins(try nonEmpty())
            case "--tls-cert": options.tls.certificateFile = try nonEmpty()
            case "--tls-key": options.tls.keyFile = try nonEmpty()
            case "--tls-self-signed": options.tls.selfSigned = true
            case "--tls-port": options.tls.port = try integer(0...65535)
            case "--tls-host": options.tls.host = try nonEmpty()
            case "--no-plain": options.configuration.servesPlain = false
            case "--server-name":
                let serverName = try value()
                guard !serverName.isEmpty, !serverName.contains(" "), !serverName.hasPrefix(":"),
                    serverName.utf8.allSatisfy({ $0 > 32 && $0 < 127 })
                else { throw UsageError(description: "--server-name must be printable ASCII without spaces") }
                options.configuration.serverName = serverName
            case "--max-clients": options.configuration.maxClients = try integer(1...1_000_000)
            case "--max-per-ip": options.configuration.maxPerIP = try integer(1...1_000_000)
            case "--max-line-bytes":
                options.configuration.maxLineBytes = try integer(Limits.minimumMaxLineBytes...65536)
            case "--event-loops": options.configuration.eventLoops = try integer(1...256)
            case "--motd-file":
                let path = try value()
                guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                    throw UsageError(description: "cannot read the MOTD file \(path)")
                }
                options.configuration.motd = try motdLines(text, path: path)
            case "--list-addresses": options.configuration.listAddresses = true
            case "--default-room": options.configuration.defaultRoom = try defaultRoom(try value())
            case "--registration-timeout": options.configuration.registrationTimeoutSeconds = try integer(1...86400)
            case "--sendq-bytes": options.configuration.sendQueueBytes = try integer(4096...(1 << 30))
            case "--max-output-bytes": options.configuration.maxOutputBytes = try integer((1 << 20)...(1 << 40))
            case "--flood-burst": options.configuration.floodBurst = try integer(1...10_000_000)
            case "--flood-rate": options.configuration.floodLinesPerSecond = Double(try integer(1...100_000_000))
            case "--flood-backlog-bytes": options.configuration.floodBacklogBytes = try integer(1024...(1 << 30))
            case "--keepalive-idle": options.configuration.keepaliveIdleSeconds = Int32(try integer(1...86400))
            case "--data-dir":
                let directory = try value()
                guard !directory.isEmpty else { throw UsageError(description: "--data-dir needs a directory") }
                options.history.dataDirectory = directory
            case "--no-history": options.history.enabled = false
            case "--history-days": options.history.retentionDays = try integer(1...36500)
            case "--history-max-per-room": options.history.maxPerRoom = try integer(1...100_000_000)
            case "--history-nice": options.history.writerNiceness = Int32(try integer(0...19))
            case "--join-replay": options.configuration.joinReplay = try integer(0...ChatConfig.historyMaxLines)
            case "--cluster": options.cluster.url = try nonEmpty()
            case "--node-name": options.cluster.nodeName = try nonEmpty()
            case "--cluster-lease": options.cluster.leaseSeconds = try integer(1...3600)
            case "--cluster-password-file": options.cluster.passwordFile = try nonEmpty()
            case "--log-level":
                let text = try value()
                guard let level = Logger.Level(name: text) else {
                    throw UsageError(description: "--log-level takes debug, info, warning, error or off, not '\(text)'")
                }
                options.logLevel = level
            case "--log-format":
                let text = try value()
                switch text.lowercased() {
                case "text": options.logFormat = .text
                case "json": options.logFormat = .json
                default: throw UsageError(description: "--log-format takes text or json, not '\(text)'")
                }
            case "--config": options.configFile = try nonEmpty()
            case "--check-config": options.checkOnly = true
            case "--console": options.console = true
            case "--no-console": options.console = false
            case "--version": options.showVersion = true
            case "-h", "--help": options.showHelp = true
            default: throw UsageError(description: "unknown option '\(argument)'")
            }
        }
        guard finishing else { return options }
        options.configuration.tls = try tlsSettings(options.tls, serverName: options.configuration.serverName)
        options.configuration.cluster = try clusterSettings(options.cluster, eventLoops: options.configuration.eventLoops)
        if !options.configuration.servesPlain && options.configuration.tls == nil {
            throw UsageError(
                description: "--no-plain (--port none) serves TLS only: " + needsTLS)
        }
        if options.configuration.motd == nil {
            options.configuration.motd = defaultMOTD(for: options.configuration.defaultRoom)
        }
        return options
    }

    /// `--web-origin`'s value: `*`, or origins separated by commas (`https://host[:port]`).
    static func webOrigins(_ text: String) throws(UsageError) -> WebOrigins {
        if text == "*" { return .any }
        let origins = text.split(separator: ",").map { String($0.trimmingCharacters(in: .whitespaces)) }
        for origin in origins {
            let scheme = origin.hasPrefix("https://") ? 8 : origin.hasPrefix("http://") ? 7 : 0
            let authority = origin.dropFirst(scheme)
            let isOrigin =
                scheme > 0 && !authority.isEmpty && !authority.contains("/")
                && origin.allSatisfy { $0.isASCII && !$0.isWhitespace }
            guard isOrigin else {
                throw UsageError(
                    description:
                        "--web-origin takes origins like https://chat.example.org or http://host:8080 (no path), "
                        + "separated by commas, or *, not '\(origin)'")
            }
        }
        guard !origins.isEmpty else { throw UsageError(description: "--web-origin needs a value") }
        return .list(origins)
    }

    private static let needsTLS = "give --tls-cert and --tls-key, or --tls-self-signed"

    /// The TLS listener the TLS flags describe, or nil for none.
    static func tlsSettings(_ tls: TLSOptions, serverName: String) throws(UsageError) -> TLSSettings? {
        let certificate: TLSSettings.Certificate
        switch (tls.certificateFile, tls.keyFile, tls.selfSigned) {
        case (let certificateFile?, let keyFile?, false):
            certificate = .files(certificate: certificateFile, key: keyFile)
        case (nil, nil, true):
            // The server's name when it can be a host name; the certificate names localhost and
            // 127.0.0.1 as well.
            let isHostName = serverName.allSatisfy {
                $0 == "-" || $0 == "." || $0.isASCII && ($0.isLetter || $0.isNumber)
            }
            certificate = .selfSigned(commonName: isHostName ? serverName : "localhost")
        case (nil, nil, false):
            guard tls.port == nil && tls.host == nil else {
                throw UsageError(description: "\(tls.port != nil ? "--tls-port" : "--tls-host") needs TLS: " + needsTLS)
            }
            return nil
        case (_, _, true):
            throw UsageError(
                description: "--tls-self-signed and --tls-cert/--tls-key are alternatives: give one or the other")
        case (nil, _, false):
            throw UsageError(description: "--tls-key needs --tls-cert (the certificate it belongs to)")
        case (_, nil, false):
            throw UsageError(description: "--tls-cert needs --tls-key (the certificate's private key)")
        }
        return TLSSettings(certificate: certificate, host: tls.host, port: tls.port ?? TLSSettings.defaultPort)
    }

    /// The default MOTD teaches `BROADCAST` as talking in #lobby: name the configured room
    /// instead, or leave the line out when there is no default room (BROADCAST then fails).
    /// The cluster settings, or nil without --cluster.
    static func clusterSettings(_ cluster: ClusterOptions, eventLoops: Int) throws(UsageError) -> ClusterSettings? {
        guard let text = cluster.url else {
            if cluster.nodeName != nil || cluster.leaseSeconds != nil || cluster.passwordFile != nil {
                throw UsageError(description: "--node-name, --cluster-lease and --cluster-password-file need --cluster <url>")
            }
            return nil
        }
        var url: RedisURL
        do {
            url = try RedisURL(parsing: text)
            if let file = cluster.passwordFile { url.password = try RedisURL.readPassword(fromFile: file) }
        } catch {
            throw UsageError(description: "--cluster: \(error)")
        }
        guard eventLoops <= 15 else {
            throw UsageError(description: "a cluster node runs at most 15 event loops (--event-loops)")
        }
        // The host name's first label, in the characters a node name may have.
        let name =
            cluster.nodeName
            ?? String(
                Posix.hostName().prefix { $0 != "." }.filter { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
                    .prefix(32))
        return ClusterSettings(url: url, nodeName: name, leaseMilliseconds: (cluster.leaseSeconds ?? 10) * 1000)
    }

    static func defaultMOTD(for room: RoomName?) -> [String]? {
        guard room?.name != ChatConfig.lobby.name else { return nil }
        return ChatConfig.defaultMOTD.compactMap { line in
            guard line.contains("BROADCAST <text>") else { return line }
            return room.map { line.replacingOccurrences(of: ChatConfig.lobby.name, with: $0.name) }
        }
    }

    /// `--default-room`'s value: a valid room name, or `none` (any case) for no default room.
    static func defaultRoom(_ text: String) throws(UsageError) -> RoomName? {
        if text.lowercased() == "none" { return nil }
        do {
            return try RoomName(validating: text)
        } catch {
            let why =
                switch error {
                case .noPrefix: "it must start with #"
                case .empty: "it needs a name after the #"
                case .tooLong: "it is longer than \(Limits.roomNameMaxLength) bytes"
                case .invalidCharacter: "it may not contain spaces, commas or control characters"
                }
            throw UsageError(
                description: "--default-room takes a room name like #lobby, or none, not '\(text)': \(why)")
        }
    }

    /// MOTD lines must be text a terminal can show safely and fit in a reply line.
    private static func motdLines(_ text: String, path: String) throws(UsageError) -> [String] {
        // "\r\n" is one Character in Swift: split on it as well as on "\n".
        var lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }).map {
            $0.hasSuffix("\r") ? String($0.dropLast()) : String($0)
        }
        if lines.last == "" { lines.removeLast() }
        for (number, line) in lines.enumerated() {
            let bytes = Array(line.utf8)
            if let problem = bytes.withUnsafeBytes({ LineContent.problem(in: $0) }) {
                throw UsageError(description: "\(path):\(number + 1): \(problem.reason)")
            }
            if bytes.count > 400 { throw UsageError(description: "\(path):\(number + 1): longer than 400 bytes") }
        }
        return lines
    }
}

extension Logger.Level {
    init?(name: String) {
        switch name.lowercased() {
        case "debug": self = .debug
        case "info": self = .info
        case "warning": self = .warning
        case "error": self = .error
        case "off": self = .off
        default: return nil
        }
    }
}
