import LineProtocol

/// Who is in the chat and which rooms exist: everything the handlers need to know about other
/// users. `Registry` keeps it in memory; a shared store (several nodes as one chat) can take
/// its place. Every method is one atomic step: handlers never lock anything themselves.
public protocol ChatDirectory: AnyObject, Sendable {
    /// Claims a nickname for a new user.
    func register(_ registration: Registration) -> Result<Void, DirectoryProblem>
    /// Moves a user to a new nickname (changing only its case is allowed); returns the rooms
    /// the user is in.
    func rename(_ old: Nickname, to new: Nickname) -> Result<[RoomName], DirectoryProblem>
    /// Forgets a user if `id` still holds `nickname`; returns the rooms it was in (rooms left
    /// empty are gone).
    func remove(_ nickname: Nickname, id: ConnectionID) -> [RoomName]
    /// The user holding a nickname (any case).
    func user(named name: String) -> User?
    /// Every user, in registration order.
    func snapshot() -> [User]
    var count: Int { get }
    func setAway(_ nickname: Nickname, message: String?)
    /// Records the USER details a client sent just after registering with NICK alone.
    func setIdentity(_ nickname: Nickname, username: String, realname: String, isIRCClient: Bool)
    /// Records the line form a user gets and whether it wants AWAY notices (both change with
    /// CAP after registration).
    func setLineForm(_ nickname: Nickname, _ form: LineForm, awayNotify: Bool)
    /// User mode +i: WHOIS shows an invisible user's rooms only to those who share them.
    func setInvisible(_ nickname: Nickname, _ invisible: Bool)

    /// Joins a room, creating it if it does not exist, with the joiner as its operator unless
    /// `founderIsOperator` is false (the default room belongs to no one). `hostmask`
    /// (`nick!user@host`) is checked against the room's bans.
    func join(
        _ name: RoomName, nickname: Nickname, hostmask: String, id: ConnectionID, key: String?,
        founderIsOperator: Bool, wallClock: Int64
    ) -> Result<JoinOutcome, RoomRefusal>
    /// Leaves a room; returns it as it was before (a room left empty is gone).
    func part(_ roomName: String, nickname: Nickname) -> Result<Room, RoomRefusal>
    func room(named name: String) -> Room?
    /// Whether the user (by nickname key) may send to the room (by key): the hot path of every
    /// room message, one short look-up with no copy of the room.
    func speakCheck(room roomKey: String, nickname nickKey: String) -> SpeakCheck
    /// Every room, by name.
    func rooms() -> [Room]
    var roomCount: Int { get }
    /// Sets (or, with empty text, clears) a room's topic; `by` nil is the server (no checks),
    /// `setter` is the name 333 shows.
    func setTopic(_ roomName: String, by nickname: Nickname?, setter: String, text: String, wallClock: Int64)
        -> Result<Room, RoomRefusal>
    /// Removes `target` from a room; `by` nil is the server operator.
    func kick(_ roomName: String, by nickname: Nickname?, target: String) -> Result<KickOutcome, RoomRefusal>
    func invite(_ roomName: String, by nickname: Nickname, target: String) -> Result<InviteOutcome, RoomRefusal>
    /// Applies mode changes (room operators only; `by` nil is the server operator); returns
    /// those that changed something.
    func changeModes(_ roomName: String, by nickname: Nickname?, setter: String, changes: [ModeChange], wallClock: Int64)
        -> Result<ModeOutcome, RoomRefusal>
}

/// What a new user registers with.
public struct Registration: Sendable {
    public var nickname: Nickname
    public var id: ConnectionID
    public var address: String
    public var connectedAt: Int64
    public var activity: UserActivity
    public var username: String
    public var realname: String
    public var isIRCClient: Bool
    public var form: LineForm
    public var awayNotify: Bool
    /// Connected over TLS.
    public var isSecure: Bool

    public init(
        nickname: Nickname, id: ConnectionID, address: String, connectedAt: Int64, activity: UserActivity,
        username: String, realname: String, isIRCClient: Bool, form: LineForm? = nil, awayNotify: Bool = false,
        isSecure: Bool = false
    ) {
        self.isSecure = isSecure
        self.form = form ?? (isIRCClient ? .full : .plain)
        self.awayNotify = awayNotify
        self.nickname = nickname
        self.id = id
        self.address = address
        self.connectedAt = connectedAt
        self.activity = activity
        self.username = username
        self.realname = realname
        self.isIRCClient = isIRCClient
    }
}

/// One registered user, as a snapshot.
public struct User: Sendable {
    public var nickname: Nickname
    public let id: ConnectionID
    /// "address:port" of the peer.
    public let address: String
    /// Monotonic nanoseconds.
    public let connectedAt: Int64
    public let activity: UserActivity
    /// Registration order.
    public let sequence: UInt64
    /// The user name from USER (the nickname for nc users).
    public internal(set) var username: String
    public internal(set) var realname: String
    public internal(set) var isIRCClient: Bool
    /// The form of user-sourced lines this user gets.
    public internal(set) var form: LineForm
    public internal(set) var awayNotify: Bool
    /// User mode +i.
    public internal(set) var isInvisible = false
    /// Connected over TLS (WHOIS shows 671).
    public internal(set) var isSecure = false
    /// The AWAY message, if away.
    public var away: String?
    /// Keys of the rooms the user is in, in join order.
    public var rooms = RoomKeys()

    init(
        nickname: Nickname, id: ConnectionID, address: String, connectedAt: Int64, activity: UserActivity,
        sequence: UInt64, username: String, realname: String, isIRCClient: Bool, form: LineForm, awayNotify: Bool
    ) {
        self.form = form
        self.awayNotify = awayNotify
        self.nickname = nickname
        self.id = id
        self.address = address
        self.connectedAt = connectedAt
        self.activity = activity
        self.sequence = sequence
        self.username = username
        self.realname = realname
        self.isIRCClient = isIRCClient
    }
}

/// Why a directory change about nicknames was refused.
public enum DirectoryProblem: Error, Equatable, Sendable {
    case nicknameInUse
    /// The shared store of a cluster cannot be reached: nothing can be claimed until it is back.
    case unavailable
}

/// Why a room operation was refused; each maps to one numeric.
public enum RoomRefusal: Error, Equatable, Sendable {
    case notRegistered
    case noSuchRoom
    case noSuchNick
    case notMember
    case notOperator
    case alreadyMember
    case targetNotMember
    case targetAlreadyMember
    case tooManyRooms
    case inviteOnly
    case banned
    case badKey
    case full
    /// The shared store of a cluster cannot be reached.
    case unavailable
}

/// May a user send to a room?
public enum SpeakCheck: Sendable, Equatable {
    /// Yes; the room's name as its creator wrote it, and the forms its members need.
    case allowed(RoomName, LineForms)
    case noSuchRoom
    /// +n and not a member.
    case notMember(RoomName)
    /// +m and neither operator nor voiced.
    case moderated(RoomName)
}

/// A successful JOIN: the room after it, and whether the join created it.
public struct JoinOutcome: Sendable {
    public let room: Room
    public let created: Bool
}

/// A successful KICK: the room after it and the member removed.
public struct KickOutcome: Sendable {
    public let room: Room
    public let member: Room.Member
}

/// A successful INVITE.
public struct InviteOutcome: Sendable {
    public let room: Room
    public let target: User
}

/// One mode change, as a MODE command asks for it.
public enum ModeChange: Equatable, Sendable {
    /// A flag mode: n, t, m or i.
    case flag(RoomFlag, on: Bool)
    /// k: set a key, or nil to remove it.
    case key(String?)
    /// l: set a limit, or nil to remove it.
    case limit(Int?)
    /// o or v for one member (by nickname).
    case member(MemberStatus, target: String, on: Bool)
    /// b: add or remove a ban mask.
    case ban(String, on: Bool)

    public enum RoomFlag: Character, Sendable {
        case noExternalMessages = "n"
        case topicLocked = "t"
        case moderated = "m"
        case inviteOnly = "i"
        case secret = "s"
    }

    public enum MemberStatus: Character, Sendable {
        case `operator` = "o"
        case voice = "v"
    }
}

/// What a MODE changed, and the member targets it did not find.
public struct ModeOutcome: Sendable {
    public let room: Room
    public let applied: [ModeChange]
    public let missingTargets: [String]
}
