import LineProtocol

/// The `linechat` command line: `--host`, `--port`, `--nick`, `--raw`, `--tls`, `--tls-ca`,
/// `--insecure`, `--help`. Parsed by
/// hand in the shape of swift-argument-parser: a usage error says what is wrong, shows the
/// usage line and exits 64 (EX_USAGE).
public struct ClientOptions: Equatable, Sendable {
    public var host = "localhost"
    public var port = 33000
    public var nick: String?
    public var raw = false
    /// TLS, and how the server's certificate is checked; nil for plain TCP.
    public var tls: TLSOptions?

    /// The default port for plain TCP, and with `--tls`.
    public static let plainPort = 33000
    public static let tlsPort = 6697

    public init(
        host: String = "localhost", port: Int = 33000, nick: String? = nil, raw: Bool = false, tls: TLSOptions? = nil
    ) {
        self.host = host
        self.port = port
        self.nick = nick
        self.raw = raw
        self.tls = tls
    }

    /// `--tls`: which certificates the client trusts.
    public struct TLSOptions: Equatable, Sendable {
        /// `--tls-ca <file>`: trust the certificates in this PEM file instead of the system's.
        public var caFile: String?
        /// False for `--insecure`: any certificate, with any name, is accepted.
        public var verify: Bool

        public init(caFile: String? = nil, verify: Bool = true) {
            self.caFile = caFile
            self.verify = verify
        }
    }

    /// What `--insecure` prints at start, on stderr.
    public static let insecureWarning =
        "warning: --insecure: the server's certificate is not checked; anyone on the path can read and change this chat"

    /// What the command line asks for.
    public enum Parsed: Equatable, Sendable {
        case run(ClientOptions)
        case help
    }

    /// A mistake on the command line.
    public struct UsageError: Error, Equatable, CustomStringConvertible {
        public let message: String

        public init(message: String) {
            self.message = message
        }

        public var description: String { message }
    }

    /// The exit status for a usage error (EX_USAGE from sysexits.h).
    public static let usageExitStatus: Int32 = 64

    public static let usage =
        "Usage: linechat [--host <host>] [--port <port>] [--nick <nick>] [--raw] [--tls [--tls-ca <file> | --insecure]]"

    public static let helpText = """
        OVERVIEW: Chat on a LineChat server from a terminal, or from a script.

        At a terminal, type a message and press Enter to send it to the current room
        (shown in the prompt, e.g. alice@#lobby>); /help lists the commands (/join, /part,
        /switch, /rooms, /msg, /me, /topic, /history, /who, /whois, /quit ...). When stdin
        is not a terminal, each line is handled as if typed once the server has answered the
        last, what arrives is printed, and linechat quits at the end of the input: with exit
        status 1 if the server or the client refused one of the lines.

        USAGE: linechat [--host <host>] [--port <port>] [--nick <nick>] [--raw]
                        [--tls [--tls-ca <file> | --insecure]]

        OPTIONS:
          --host <host>     The server to connect to. (default: localhost)
          --port <port>     The server's port. (default: 33000; 6697 with --tls)
          --nick <nick>     Your nickname. Without it, linechat asks for one.
          --raw             Print protocol lines exactly as received.
          --tls             Connect over TLS. The server's certificate must be signed by a
                            certificate authority the system trusts and name <host>.
          --tls-ca <file>   Trust the certificates in this PEM file (a CA, or the server's
                            own self-signed certificate) instead of the system's. Implies --tls.
          --insecure        Accept any certificate, with any name: the connection is
                            encrypted but anyone on the path can read and change the chat.
                            Implies --tls.
          -h, --help        Show help information.

        """

    /// The text to print for a usage error: the problem, the usage line, where to look.
    public static func usageMessage(_ error: UsageError) -> String {
        "Error: \(error.message)\n\(usage)\n  See 'linechat --help' for more information.\n"
    }

    /// Parses the arguments after the program name. Values may follow as the next argument
    /// or after `=`.
    public static func parse(_ arguments: [String]) throws(UsageError) -> Parsed {
        var options = ClientOptions()
        var portGiven = false
        var tls = false
        var caFile: String?
        var insecure = false
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            var name = argument
            var attached: String?
            if argument.hasPrefix("--"), let equals = argument.firstIndex(of: "=") {
                name = String(argument[..<equals])
                attached = String(argument[argument.index(after: equals)...])
            }
            func value() throws(UsageError) -> String {
                if let attached { return attached }
                guard index < arguments.count, !arguments[index].hasPrefix("--") else {
                    throw UsageError(message: "Missing value for '\(name) <\(name.dropFirst(2))>'")
                }
                index += 1
                return arguments[index - 1]
            }
            switch name {
            case "-h", "--help":
                return .help
            case "--host":
                let host = try value()
                guard !host.isEmpty else { throw UsageError(message: "The value for '--host' is empty") }
                options.host = host
            case "--port":
                let text = try value()
                guard let port = Int(text), (1...65535).contains(port) else {
                    throw UsageError(message: "The value '\(text)' is invalid for '--port <port>': use 1 to 65535")
                }
                options.port = port
                portGiven = true
            case "--nick":
                let nick = try value()
                do {
                    _ = try Nickname(validating: nick)
                } catch {
                    throw UsageError(message: "The value '\(nick)' is invalid for '--nick <nick>': \(error.reason)")
                }
                options.nick = nick
            case "--raw":
                guard attached == nil else { throw UsageError(message: "'--raw' takes no value") }
                options.raw = true
            case "--tls", "--insecure":
                guard attached == nil else { throw UsageError(message: "'\(name)' takes no value") }
                tls = true
                if name == "--insecure" { insecure = true }
            case "--tls-ca":
                let file = try value()
                guard !file.isEmpty else { throw UsageError(message: "The value for '--tls-ca' is empty") }
                caFile = file
                tls = true
            default:
                if argument.hasPrefix("-") { throw UsageError(message: "Unknown option '\(name)'") }
                throw UsageError(message: "Unexpected argument '\(argument)'")
            }
        }
        if caFile != nil && insecure {
            throw UsageError(message: "'--tls-ca' and '--insecure' cannot be used together")
        }
        if tls {
            options.tls = TLSOptions(caFile: caFile, verify: !insecure)
            if !portGiven { options.port = tlsPort }
        }
        return .run(options)
    }
}
