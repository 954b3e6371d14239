import LineProtocol

/// The `linechat` command line: `--host`, `--port`, `--nick`, `--raw`, `--help`. Parsed by
/// hand in the shape of swift-argument-parser: a usage error says what is wrong, shows the
/// usage line and exits 64 (EX_USAGE).
public struct ClientOptions: Equatable, Sendable {
    public var host = "localhost"
    public var port = 33000
    public var nick: String?
    public var raw = false

    public init(host: String = "localhost", port: Int = 33000, nick: String? = nil, raw: Bool = false) {
        self.host = host
        self.port = port
        self.nick = nick
        self.raw = raw
    }

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

    public static let usage = "Usage: linechat [--host <host>] [--port <port>] [--nick <nick>] [--raw]"

    public static let helpText = """
        OVERVIEW: Chat on a LineChat server from a terminal, or from a script.

        At a terminal, type a message and press Enter to send it to the current room
        (shown in the prompt, e.g. alice@#lobby>); /help lists the commands (/join, /part,
        /switch, /rooms, /msg, /me, /topic, /history, /who, /whois, /quit ...). When stdin
        is not a terminal, each line is handled as if typed once the server has answered the
        last, what arrives is printed, and linechat quits at the end of the input: with exit
        status 1 if the server or the client refused one of the lines.

        USAGE: linechat [--host <host>] [--port <port>] [--nick <nick>] [--raw]

        OPTIONS:
          --host <host>     The server to connect to. (default: localhost)
          --port <port>     The server's port. (default: 33000)
          --nick <nick>     Your nickname. Without it, linechat asks for one.
          --raw             Print protocol lines exactly as received.
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
            default:
                if argument.hasPrefix("-") { throw UsageError(message: "Unknown option '\(name)'") }
                throw UsageError(message: "Unexpected argument '\(argument)'")
            }
        }
        return .run(options)
    }
}
