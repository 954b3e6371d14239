import Locking
import ChatCore
import Synchronization

/// The one place that counts connections against --max-clients and --max-per-ip. A connection
/// is counted by `admit` when it is accepted and released once, when its descriptor is closed
/// (`EventLoop.finalClose`); a lingering connection still holds its slot, because it still
/// holds a descriptor.
final class Admission: Sendable {
    private let counts: Locked<Counts>

    private struct Counts {
        /// The limits: a reload (`setLimits`) may change them while connections are counted.
        var maxClients: Int
        var maxPerAddress: Int
        var total = 0
        var peak = 0
        var perAddress: [String: Int] = [:]
    }

    /// Why a connection may not stay.
    enum Refusal: Error, Equatable, CustomStringConvertible {
        case serverFull
        case tooManyFromAddress(limit: Int)

        var description: String {
            switch self {
            case .serverFull: "Server is full"
            case .tooManyFromAddress(let limit): "Too many connections from your address (at most \(limit))"
            }
        }
    }

    init(maxClients: Int, maxPerAddress: Int) {
        counts = Locked(Counts(maxClients: maxClients, maxPerAddress: maxPerAddress))
    }

    /// New limits for connections admitted from now on (a reload). Connections already counted
    /// stay, even when there are more than the new limits allow.
    func setLimits(maxClients: Int, maxPerAddress: Int) {
        counts.withLock { counts in
            counts.maxClients = maxClients
            counts.maxPerAddress = maxPerAddress
        }
    }

    /// The limits in force.
    var limits: (maxClients: Int, maxPerAddress: Int) { counts.withLock { ($0.maxClients, $0.maxPerAddress) } }

    /// Counts a new connection from `host`, or says why it may not stay (and counts nothing).
    func admit(host: String) -> Refusal? {
        counts.withLock { counts in
            guard counts.total < counts.maxClients else { return .serverFull }
            let fromHost = counts.perAddress[host, default: 0]
            guard fromHost < counts.maxPerAddress else { return .tooManyFromAddress(limit: counts.maxPerAddress) }
            counts.perAddress[host] = fromHost + 1
            counts.total += 1
            counts.peak = max(counts.peak, counts.total)
            return nil
        }
    }

    /// Forgets a connection `admit` counted. Call exactly once per admitted connection.
    func release(host: String) {
        counts.withLock { counts in
            let fromHost = counts.perAddress[host, default: 0]
            assert(fromHost > 0 && counts.total > 0, "a connection slot released twice")
            guard fromHost > 0, counts.total > 0 else { return }
            counts.perAddress[host] = fromHost > 1 ? fromHost - 1 : nil
            counts.total -= 1
        }
    }

    /// Connections counted now.
    var count: Int { counts.withLock { $0.total } }

    /// The most connections counted at once.
    var peak: Int { counts.withLock { $0.peak } }

    /// Connections counted from `host` now.
    func count(from host: String) -> Int { counts.withLock { $0.perAddress[host, default: 0] } }
}
