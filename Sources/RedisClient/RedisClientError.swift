import Platform
import RedisProtocol

/// Why talking to a Redis server failed. An error reply to a command is not one of these: it
/// is a value (`RESPValue.error`) in what `roundTrip` returns. Only the commands a connection
/// sends by itself (AUTH, SELECT) turn error replies into `.authFailed` and `.serverError`.
public enum RedisClientError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What was being done when time ran out.
    public enum Stage: Sendable, Equatable {
        case connecting
        case writing
        case reading
    }

    /// The host name did not resolve.
    case unresolvable(AddressError)
    /// The TCP connection could not be made (refused, unreachable...).
    case connectFailed(address: String, SystemError)
    /// The deadline passed.
    case timedOut(Stage)
    /// The server closed or reset the connection before the reply was whole.
    case closedByServer
    /// The connection was closed already: by `close()`, or after an earlier failure.
    case notConnected
    /// The server sent bytes that are not RESP, or that break the decoder's limits.
    case protocolError(RESPError)
    /// AUTH was refused (WRONGPASS, or no password is configured on the server).
    case authFailed(String)
    /// The server refused a command the connection sent by itself (SELECT).
    case serverError(String)
    /// A read or write failed in another way.
    case io(SystemError)

    public var description: String {
        switch self {
        case .unresolvable(let error): "\(error)"
        case .connectFailed(let address, let error): "cannot connect to Redis at \(address): \(error.reason)"
        case .timedOut(.connecting): "timed out connecting to Redis"
        case .timedOut(.writing): "timed out writing to Redis"
        case .timedOut(.reading): "timed out waiting for a reply from Redis"
        case .closedByServer: "the Redis server closed the connection"
        case .notConnected: "the Redis connection is closed"
        case .protocolError(let error): "Redis protocol error: \(error)"
        case .authFailed(let message): "Redis refused the password: \(message)"
        case .serverError(let message): "Redis error: \(message)"
        case .io(let error): "Redis connection: \(error)"
        }
    }
}
