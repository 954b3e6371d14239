import Cluster
import ChatCore
import LineProtocol

/// Everything `linechat-server`'s flags can set. Defaults are the documented ones.
public struct ServerConfiguration: Sendable {
    public var host = "0.0.0.0"
    /// 0 picks a free port (tests); `Server.start` returns the one bound.
    public var port = 33000
    public var maxClients = 10_000
    /// Connections allowed from one IP address (loopback included).
    public var maxPerIP = 50
    public var maxLineBytes = Limits.defaultMaxLineBytes
    public var serverName = "linechat"
    /// Event-loop threads; 0 means one per CPU this process may run on.
    public var eventLoops = 0
    /// Replaces the default message of the day when set.
    public var motd: [String]? = nil
    public var listAddresses = false
    /// How long a new connection waits for the welcome notice. A client that speaks first with
    /// CAP or USER (an IRC client) does not get it; anything else (a person at nc, who cannot
    /// type that fast) does. 0 sends it at once to everyone.
    public var greetingDelayMilliseconds = 150
    /// The room every user joins on registering (BROADCAST talks there); nil: none.
    public var defaultRoom: RoomName? = ChatConfig.lobby
    public var registrationTimeoutSeconds = 60
    /// Bytes of output queued for one connection before it is disconnected (SendQ exceeded).
    public var sendQueueBytes = 1 << 20
    /// Flood control: lines a client may send in a burst, then lines per second.
    public var floodBurst = 10
    public var floodLinesPerSecond = 5.0
    /// Bytes a throttled client may have waiting, unread, before `Excess flood` disconnects it.
    public var floodBacklogBytes = 64 * 1024
    /// Seconds of silence before TCP keepalive probes a peer.
    public var keepaliveIdleSeconds: Int32 = 60
    /// Bytes of output queued for all connections together before the largest queues are
    /// dropped (SendQ exceeded); each event loop gets an equal share. Bounds the server's
    /// memory whatever --max-clients x --sendq-bytes is.
    public var maxOutputBytes = 256 << 20
    /// Seconds a closing connection may take to read its last line (the ERROR) before it is
    /// closed anyway.
    public var lastLineTimeoutSeconds = 30
    /// Where room messages and events are kept (the executable opens the store); nil: no history.
    public var history: (any ChatHistory)? = nil
    /// How many of a room's latest messages a joiner gets (0: none).
    public var joinReplay = 25
    /// Run as a node of a cluster sharing this Redis (`--cluster`); nil: a server on its own.
    public var cluster: ClusterSettings? = nil
    /// Whether the plain-text port (`port`) is served; false serves TLS only (`tls` must be set).
    public var servesPlain = true
    /// The TLS port, when TLS is served.
    public var tls: TLSSettings? = nil
    /// The HTTP port (the browser page, WebSocket chat at /ws, /healthz); nil: not served.
    /// `linechat-server` serves it on `defaultHTTPPort` unless told `--http-port none`; the
    /// library default is off, so that a server made in a test binds no fixed port.
    public var httpPort: Int? = nil
    /// The address for the HTTP port; nil: `host`.
    public var httpHost: String? = nil
    /// Which pages may open a WebSocket (the Origin check).
    public var webOrigins = WebOrigins.sameOrigin
    /// The metrics port (/metrics and /healthz only); nil: not served. Off by default in the
    /// library, `defaultMetricsPort` in `linechat-server`. When its host and port equal the HTTP
    /// ones, one listener serves every route.
    public var metricsPort: Int? = nil
    /// The address for the metrics port: loopback, so a public server does not publish its
    /// metrics by accident.
    public var metricsHost = "127.0.0.1"
    /// How long an HTTP connection may take to send its whole request head before it gets 408
    /// and is closed (slowloris). Not a flag: tests shorten it.
    public var httpRequestTimeoutMilliseconds = 10_000

    public static let defaultHTTPPort = 8080
    public static let defaultMetricsPort = 8081

    /// Seconds between keepalive probes, and probes before the peer is declared gone.
    public static let keepaliveIntervalSeconds: Int32 = 10
    public static let keepaliveProbes: Int32 = 6

    /// TCP_USER_TIMEOUT: how long sent data may stay unacknowledged before the kernel gives up
    /// on the peer. Set to the keepalive's own horizon (idle + interval x probes), so a peer
    /// that vanished is reaped in the same time whether or not output was queued for it.
    public var userTimeoutMilliseconds: UInt32 {
        UInt32(keepaliveIdleSeconds + Self.keepaliveIntervalSeconds * Self.keepaliveProbes) * 1000
    }

    public init() {}

    /// The chat-level view of this configuration.
    public func chatConfig(createdText: String) -> ChatConfig {
        var config = ChatConfig(
            serverName: serverName, maxLineBytes: maxLineBytes, motd: motd ?? ChatConfig.defaultMOTD,
            listAddresses: listAddresses, createdText: createdText, defaultRoom: defaultRoom)
        config.joinReplay = joinReplay
        return config
    }
}

/// The TLS listener: where it listens and the certificate it presents.
public struct TLSSettings: Sendable {
    /// Where the certificate and key come from.
    public enum Certificate: Sendable, Equatable {
        /// A PEM certificate chain and its unencrypted PEM key, read at start and again on
        /// `Server.reloadTLSCertificate()` (SIGHUP).
        case files(certificate: String, key: String)
        /// A throwaway self-signed certificate made in memory at start.
        case selfSigned(commonName: String)
    }

    public var certificate: Certificate
    /// The address to listen on; nil: the configuration's `host`.
    public var host: String?
    /// 0 picks a free port (tests); `Server.tlsPort` tells the one bound.
    public var port: Int

    public static let defaultPort = 6697

    public init(certificate: Certificate, host: String? = nil, port: Int = TLSSettings.defaultPort) {
        self.certificate = certificate
        self.host = host
        self.port = port
    }
}

/// The pages allowed to open a WebSocket to /ws, by the Origin header browsers send. A request
/// without Origin (not from a browser: irctest, a bot) is always allowed: the check protects
/// users' browsers from other sites, not the server from clients.
public enum WebOrigins: Sendable, Equatable {
    /// Only this server's own page: the Origin's host:port must equal the Host header.
    case sameOrigin
    /// This server's own page and these origins (`https://chat.example.org`), compared whole,
    /// ignoring case.
    case list([String])
    /// Any page (`--web-origin '*'`).
    case any
}
