import Locking
import LineProtocol

/// Who is registered: nickname -> connection, shared by every event loop. All state sits in
/// one `Locked` (a `Mutex`); each method is one short critical section and never does I/O.
public final class Registry: Sendable {
    /// One registered user, as a snapshot.
    public struct User: Sendable {
        public var nickname: Nickname
        public let id: ConnectionID
        public let address: String
        /// Monotonic nanoseconds.
        public let connectedAt: Int64
        public let activity: UserActivity
        /// Registration order.
        public let sequence: UInt64
    }

    /// Why a registry change was refused.
    public enum Problem: Error, Equatable, Sendable {
        case nicknameInUse
    }

    private struct State {
        var users: [String: User] = [:]
        var nextSequence: UInt64 = 0
    }

    private let state = Locked(State())

    public init() {}

    /// Claims `nickname` for a new user.
    public func register(
        _ nickname: Nickname, id: ConnectionID, address: String, connectedAt: Int64, activity: UserActivity
    ) -> Result<Void, Problem> {
        state.withLock { state in
            guard state.users[nickname.key] == nil else { return .failure(.nicknameInUse) }
            state.nextSequence += 1
            state.users[nickname.key] = User(
                nickname: nickname, id: id, address: address, connectedAt: connectedAt, activity: activity,
                sequence: state.nextSequence)
            return .success(())
        }
    }

    /// Moves a user from `old` to `new`. Changing only the case of one's own nickname is allowed.
    public func rename(_ old: Nickname, to new: Nickname) -> Result<Void, Problem> {
        state.withLock { state in
            if new.key != old.key, state.users[new.key] != nil { return .failure(.nicknameInUse) }
            guard var user = state.users.removeValue(forKey: old.key) else { return .failure(.nicknameInUse) }
            user.nickname = new
            state.users[new.key] = user
            return .success(())
        }
    }

    /// Forgets a user, if `id` still holds `nickname`.
    public func remove(_ nickname: Nickname, id: ConnectionID) {
        state.withLock { state in
            if state.users[nickname.key]?.id == id { state.users[nickname.key] = nil }
        }
    }

    /// The user holding a nickname (any case), if any.
    public func user(named name: String) -> User? {
        let key = Nickname.fold(name)
        return state.withLock { $0.users[key] }
    }

    /// Every registered user, in registration order.
    public func snapshot() -> [User] {
        state.withLock { Array($0.users.values) }.sorted { $0.sequence < $1.sequence }
    }

    public var count: Int { state.withLock { $0.users.count } }
}
