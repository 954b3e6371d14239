import RedisClient

/// How a node joins its cluster (`--cluster`, `--node-name`, `--cluster-lease`).
public struct ClusterSettings: Sendable, Equatable {
    /// The Redis server every node shares.
    public var url: RedisURL
    /// This node's name: unique in the cluster, kept across restarts (a restarted node first
    /// drops the users its previous run left behind).
    public var nodeName: String
    /// How long a node's users outlive it when it stops renewing its lease (dies, or loses
    /// Redis), in milliseconds.
    public var leaseMilliseconds: Int
    /// The prefix of every Redis key the cluster uses.
    public var keyPrefix: String
    /// Room messages kept in the chat stream for nodes that were away a moment (XADD MAXLEN ~).
    public var chatStreamLength: Int

    /// Where the node notes how far it has read the chat stream (in its data directory), so that
    /// after a restart its history store gets what was said while it was down (what the stream
    /// still holds). nil: start from the stream's end.
    public var cursorFile: String?

    /// Directory changes between two snapshots of the directory (`<prefix>:snapshot`): a
    /// snapshot lets the log be trimmed, and a node that starts reads it instead of the whole
    /// log.
    public var snapshotEvery = 10_000

    /// The most nodes a cluster can have (node indexes live in 4 bits of every message id).
    public static let maximumNodes = 15

    public init(
        url: RedisURL, nodeName: String, leaseMilliseconds: Int = 10_000, keyPrefix: String = "linechat",
        chatStreamLength: Int = 100_000
    ) {
        self.url = url
        self.nodeName = nodeName
        self.leaseMilliseconds = leaseMilliseconds
        self.keyPrefix = keyPrefix
        self.chatStreamLength = chatStreamLength
    }
}

/// Why a node could not join its cluster.
public enum ClusterError: Error, Equatable, Sendable, CustomStringConvertible {
    case redis(RedisClientError)
    /// Redis answered a command with an error.
    case refused(command: String, message: String)
    /// Every node index is taken by a name.
    case tooManyNodes(Int)
    case badNodeName(String)
    /// Another running node holds this node's name (its lease stayed renewed).
    case nodeNameInUse(String)

    public var description: String {
        switch self {
        case .redis(let error): "\(error)"
        case .refused(let command, let message): "Redis refused \(command): \(message)"
        case .tooManyNodes(let limit):
            "the cluster already has \(limit) node names (the most it can have); reuse a name or clear the key <prefix>:nodes"
        case .badNodeName(let name): "bad node name '\(name)': use 1 to 32 letters, digits, '-' or '_'"
        case .nodeNameInUse(let name):
            "node name '\(name)' is in use by a running node (its lease is renewed): give this node another --node-name"
        }
    }
}
