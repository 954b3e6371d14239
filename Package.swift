// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "LineChat",
    products: [
        .executable(name: "linechat-server", targets: ["linechat-server"]),
        .library(name: "LineProtocol", targets: ["LineProtocol"]),
    ],
    targets: [
        // Pure: bytes in, typed commands and formatted replies out. No I/O, no Foundation.
        .target(name: "LineProtocol"),
        // Pure: HTTP/1.1 request heads, responses, base64 and the WebSocket handshake and frames.
        // No I/O, no Foundation; SHA-1 comes from the caller (OpenSSL, in the TLS target).
        .target(name: "WebProtocol"),
        // Pure: the Redis serialization protocol (RESP2 and RESP3): values, commands, an incremental
        // decoder with limits. No I/O, no Foundation.
        .target(name: "RedisProtocol"),
        // A Mutex wrapper ThreadSanitizer can see: the one lock type every target uses.
        .target(name: "Locking"),
        // Pure chat logic: sessions, the registry, command handlers. No sockets.
        .target(name: "ChatCore", dependencies: ["LineProtocol", "Locking"]),
        // Our few lines of C: epoll, eventfd, accept4 and the CPU count, which Glibc does not export.
        .target(name: "CLinux"),
        // Every system call LineChat makes: sockets, epoll, eventfd, signals, limits, the clock.
        .target(name: "Platform", dependencies: ["CLinux"]),
        // A blocking Redis connection with deadlines (RESP over TCP through Platform), its URL and
        // a reconnection backoff.
        .target(name: "RedisClient", dependencies: ["Platform", "RedisProtocol"]),
        // Several servers as one chat through Redis: the replicated directory, the chat stream,
        // node leases.
        .target(
            name: "Cluster",
            dependencies: ["ChatCore", "LineProtocol", "Locking", "Platform", "RedisClient", "RedisProtocol"]),
        // Event loops, connections and the server; system calls only through Platform.
        .target(
            name: "ChatServer",
            dependencies: [
                "ChatCore", "Cluster", "LineProtocol", "Locking", "Platform", "TLS", "WebClient", "WebProtocol",
            ],
            // Run-time exclusivity checks catch overlapping accesses to one variable, on one
            // thread too: for example a connection list edited while a fan-out iterates it. The
            // loop is built so that cannot happen (closes are only requested during a line's
            // effects and carried out at the loop's safe point; see EventLoop), and debug builds,
            // which every test runs, keep the checks on to catch a change that breaks that rule.
            // Release builds drop them: they cost a fifth of a broadcast's CPU.
            swiftSettings: [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]),
        // The browser client served at GET /: HTML, CSS and JavaScript in one page, in the binary.
        .target(name: "WebClient"),
        // The operator console: commands typed at the server's stdin, shown above a prompt.
        .target(
            name: "OperatorConsole",
            dependencies: ["ChatCore", "ChatServer", "Cluster", "LineProtocol", "Locking", "Platform", "TerminalUI"]),
        .executableTarget(
            name: "linechat-server",
            dependencies: [
                "ChatCore", "ChatServer", "Cluster", "History", "LineProtocol", "OperatorConsole", "Platform",
                "RedisClient",
            ]),

        // What the client and the console share at a terminal: key decoding, the line editor,
        // the prompt line kept below printed lines.
        .target(name: "TerminalUI", dependencies: ["Platform"]),

        // The CLI client: rendering, line editing, terminal handling.
        .target(name: "LineChatClient", dependencies: ["LineProtocol", "Platform", "TerminalUI", "TLS"]),
        .executableTarget(name: "linechat", dependencies: ["LineChatClient", "Platform"]),

        // SQLite, the system library (apt libsqlite3-dev): only the History target imports it.
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        // Room history that survives restarts: a SQLite file written by a thread of its own,
        // the last messages of each room in memory, CHATHISTORY reads.
        .target(name: "History", dependencies: ["ChatCore", "CSQLite", "Locking", "Platform"]),

        // OpenSSL 3, the system library (apt libssl-dev): only the TLS target imports it.
        .systemLibrary(name: "COpenSSL", pkgConfig: "openssl", providers: [.apt(["libssl-dev"])]),
        // Our few lines of C over OpenSSL's macros (modes, options, SNI, error codes).
        .target(name: "CTLSShim", dependencies: ["COpenSSL"]),
        // TLS over a socket the caller owns: contexts, certificates, a non-blocking connection.
        .target(name: "TLS", dependencies: ["COpenSSL", "CTLSShim", "Platform"]),
        // Measures what an idle TLS connection costs the server in resident memory.
        .executableTarget(name: "linechat-tls-memory", dependencies: ["Platform", "TLS"]),

        // Conformance transcripts: reading them and replaying them against any server.
        .target(name: "Conformance", dependencies: ["Platform", "TLS"]),
        .executableTarget(name: "linechat-conformance", dependencies: ["Conformance", "TLS"]),

        // The load generator: its own epoll client side.
        .target(name: "Bench", dependencies: ["ChatCore", "History", "Platform", "LineProtocol", "TLS", "WebProtocol"]),
        .executableTarget(name: "linechat-bench", dependencies: ["Bench"]),

        // Helpers shared by the test targets: a server on port 0, a test client, a redis-server.
        .target(
            name: "TestSupport", dependencies: ["ChatServer", "History", "Platform", "TLS", "WebProtocol"],
            path: "Tests/TestSupport"),

        .testTarget(name: "LineProtocolTests", dependencies: ["LineProtocol"]),
        .testTarget(name: "RedisProtocolTests", dependencies: ["RedisProtocol"]),
        // The Redis client: URLs, backoff, a misbehaving fake server, and real TCP against a
        // redis-server child process (those tests skipped when there is none).
        .testTarget(
            name: "RedisClientTests", dependencies: ["Locking", "Platform", "RedisClient", "RedisProtocol", "TestSupport"]),
        .testTarget(name: "WebProtocolTests", dependencies: ["WebProtocol", "TLS"]),
        .testTarget(name: "ChatCoreTests", dependencies: ["ChatCore", "LineProtocol"]),
        .testTarget(name: "WebClientTests", dependencies: ["WebClient"]),
        .testTarget(
            name: "ChatServerTests", dependencies: ["ChatServer", "LineProtocol", "Platform", "TestSupport", "TLS", "WebProtocol"]),
        .testTarget(name: "TerminalUITests", dependencies: ["TerminalUI"]),
        .testTarget(
            name: "OperatorConsoleTests",
            dependencies: ["ChatCore", "ChatServer", "Locking", "OperatorConsole", "Platform", "TestSupport"]),
        // For the clients' tests: a TLS front that relays to a plain in-process server.
        .target(name: "TLSFront", dependencies: ["Locking", "Platform", "TLS"], path: "Tests/TLSFront"),
        .testTarget(
            name: "LineChatClientTests",
            dependencies: ["ChatCore", "LineChatClient", "LineProtocol", "Locking", "Platform", "TestSupport", "TLSFront"]),
        .testTarget(name: "ConformanceTests", dependencies: ["Conformance", "Platform", "TestSupport", "TLS", "TLSFront"]),
        .testTarget(
            name: "ClusterTests",
            dependencies: [
                "ChatCore", "ChatServer", "Cluster", "LineProtocol", "Platform", "RedisClient", "RedisProtocol",
                "TestSupport",
            ]),
        .testTarget(name: "HistoryTests", dependencies: ["ChatCore", "History", "Locking", "Platform"]),
        .testTarget(name: "TLSTests", dependencies: ["Platform", "TLS"]),
        .testTarget(name: "BenchTests", dependencies: ["Bench", "TestSupport", "TLSFront"]),
        // Running as a service: the config file, reload (SIGHUP, Server.reload, the console),
        // JSON logs, systemd notifications; the executable's own types through @testable import.
        .testTarget(
            name: "ServiceTests", dependencies: ["linechat-server", "ChatServer", "Platform", "TestSupport"]),
        // Chaos, property and abuse tests across the protocol and the server process.
        .testTarget(name: "HardeningTests", dependencies: ["TestSupport", "ChatServer", "LineProtocol", "Platform"]),
    ],
    swiftLanguageModes: [.v6]
)
