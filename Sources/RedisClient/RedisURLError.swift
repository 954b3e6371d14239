/// Why a Redis URL or password file could not be used. No case carries the password.
public enum RedisURLError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No `scheme://` at the start.
    case missingScheme
    /// A scheme other than `redis` (`rediss`, TLS, is not supported).
    case unsupportedScheme(String)
    /// `user@host`: a user but no `:` before a password.
    case missingPassword
    /// A `%` not followed by two hex digits, or decoded bytes that are not UTF-8.
    case invalidPercentEncoding
    /// Nothing between `://` (or `@`) and the port or path.
    case missingHost
    /// A host with brackets, spaces or text after an IPv6 address's `]`.
    case invalidHost(String)
    /// A port that is not a number from 1 to 65535.
    case invalidPort(String)
    /// A path that is not `/` and a database number.
    case invalidDatabase(String)
    /// A `?query` or `#fragment`: no options are taken from the URL.
    case unsupportedQuery
    /// The password file could not be read (missing, unreadable, too big, not UTF-8).
    case unreadablePasswordFile(path: String, reason: String)
    /// The password file holds nothing but line ends.
    case emptyPasswordFile(path: String)

    public var description: String {
        switch self {
        case .missingScheme: "a Redis URL starts with redis://"
        case .unsupportedScheme(let scheme): "unsupported scheme \(scheme)://: only redis:// is supported"
        case .missingPassword:
            "no password after the user: write redis://user:password@host, or redis://:password@host for the default user"
        case .invalidPercentEncoding: "invalid percent-encoding in the user or password"
        case .missingHost: "no host in the Redis URL"
        case .invalidHost(let host): "invalid host \"\(host)\""
        case .invalidPort(let port): "invalid port \"\(port)\": a number from 1 to 65535"
        case .invalidDatabase(let database): "invalid database \"\(database)\": a number from 0"
        case .unsupportedQuery: "a Redis URL takes no ?query or #fragment"
        case .unreadablePasswordFile(let path, let reason): "cannot read the password file \(path): \(reason)"
        case .emptyPasswordFile(let path): "the password file \(path) is empty"
        }
    }
}
