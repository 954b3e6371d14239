import LineProtocol

/// One room's state in the directory: its name, topic, modes and members. A room exists while
/// it has members; the first to join creates it and becomes its operator.
public struct Room: Sendable {
    public let name: RoomName
    /// Wall-clock seconds since 1970 when the room was created (329).
    public let createdAt: Int64
    public var topic: Topic?
    public var modes = RoomModes()
    /// Members by nickname key.
    public var members: [String: Member] = [:]
    /// Nickname keys invited since the room was made +i (INVITE).
    public var invited: Set<String> = []
    /// Increases with each join: member order for NAMES.
    var nextJoin: UInt64 = 0
    /// Members by the line form they get (indexed by `LineForm.rawValue`): a message is
    /// formatted only in the forms its room needs.
    var formCounts: (Int32, Int32, Int32, Int32) = (0, 0, 0, 0)

    /// A room's topic and who set it when (332, 333).
    public struct Topic: Sendable, Equatable {
        public var text: String
        public var setBy: String
        /// Wall-clock seconds since 1970.
        public var setAt: Int64

        public init(text: String, setBy: String, setAt: Int64) {
            self.text = text
            self.setBy = setBy
            self.setAt = setAt
        }
    }

    /// One member: who, on which connection, with which status.
    public struct Member: Sendable {
        /// The nickname as chosen; its key is this member's key in `members`, not stored twice
        /// (the default room holds one member per user: 16 bytes each, plus the empty buckets).
        public private(set) var name: String
        public var nickname: Nickname {
            get { Nickname(alreadyValidated: name) }
            set { name = newValue.name }
        }
        public let id: ConnectionID
        let joinOrder: UInt64
        // The flags last, together: no padding between them (every room's table holds one
        // member per entry, the default room one per user).
        public var isOperator: Bool
        public var isVoiced: Bool
        var form: LineForm = .plain
        /// Negotiated away-notify (AWAY changes are sent only to those).
        var wantsAwayNotify = false

        init(
            nickname: Nickname, id: ConnectionID, joinOrder: UInt64, isOperator: Bool, isVoiced: Bool,
            form: LineForm, wantsAwayNotify: Bool
        ) {
            self.name = nickname.name
            self.id = id
            self.joinOrder = joinOrder
            self.isOperator = isOperator
            self.isVoiced = isVoiced
            self.form = form
            self.wantsAwayNotify = wantsAwayNotify
        }

        /// The NAMES/WHO prefix: `@` for operators, `+` for voiced, or nothing. With
        /// `all` (multi-prefix), both.
        public func prefix(all: Bool = false) -> String {
            if all { return (isOperator ? "@" : "") + (isVoiced ? "+" : "") }
            return isOperator ? "@" : isVoiced ? "+" : ""
        }
    }

    init(name: RoomName, createdAt: Int64) {
        self.name = name
        self.createdAt = createdAt
    }

    /// Members in the order they joined.
    public var orderedMembers: [Member] { members.values.sorted { $0.joinOrder < $1.joinOrder } }

    /// Calls `body` with each member in the order they joined. Every join sends the joiner the
    /// NAMES of the room, and in a big room sorting copies of its members was most of the work
    /// of a join: join orders are unique and counted up, so while they are not much sparser
    /// than the members, each member's place in the table is put at its order (no comparisons);
    /// otherwise the places are sorted.
    public func forEachMemberInJoinOrder(_ body: (Member) -> Void) {
        guard !members.isEmpty else { return }
        var first = UInt64.max
        for member in members.values where member.joinOrder < first { first = member.joinOrder }
        let span = nextJoin - first + 1
        if span <= UInt64(4 * members.count + 64) {
            var places = [[String: Member].Index?](repeating: nil, count: Int(span))
            var index = members.startIndex
            while index != members.endIndex {
                places[Int(members.values[index].joinOrder - first)] = index
                members.formIndex(after: &index)
            }
            for case let place? in places { body(members.values[place]) }
            return
        }
        var order: [(joinOrder: UInt64, index: [String: Member].Index)] = []
        order.reserveCapacity(members.count)
        var index = members.startIndex
        while index != members.endIndex {
            order.append((members.values[index].joinOrder, index))
            members.formIndex(after: &index)
        }
        order.sort { $0.joinOrder < $1.joinOrder }
        for entry in order { body(members.values[entry.index]) }
    }

    /// The line forms this room's members need.
    var forms: LineForms {
        var forms: LineForms = []
        if formCounts.0 > 0 { forms.insert(.plain) }
        if formCounts.1 > 0 { forms.insert(.full) }
        if formCounts.2 > 0 { forms.insert(.timed) }
        if formCounts.3 > 0 { forms.insert(.tagged) }
        return forms
    }

    private mutating func count(_ form: LineForm, _ change: Int32) {
        switch form {
        case .plain: formCounts.0 += change
        case .full: formCounts.1 += change
        case .timed: formCounts.2 += change
        case .tagged: formCounts.3 += change
        }
    }

    /// Why `nickKey` (`hostmask` its `nick!user@host`) may not join with `key`, or nil: +i
    /// unless invited, +b unless invited, +k and +l.
    func refusal(nickKey: String, hostmask: String, key: String?) -> RoomRefusal? {
        let invited = invited.contains(nickKey)
        if modes.inviteOnly && !invited { return .inviteOnly }
        if !invited {
            let mask = Array(RoomName.fold(hostmask).utf8)
            if modes.bans.contains(where: { Glob.matches(Array(RoomName.fold($0.mask).utf8), mask) }) { return .banned }
        }
        if let roomKey = modes.key, roomKey != key { return .badKey }
        if let limit = modes.limit, members.count >= limit { return .full }
        return nil
    }

    /// Adds a joining member, last in join order; an invitation is used up.
    mutating func admit(
        nickname: Nickname, id: ConnectionID, isOperator: Bool, form: LineForm, wantsAwayNotify: Bool
    ) {
        nextJoin += 1
        addMember(
            Member(
                nickname: nickname, id: id, joinOrder: nextJoin, isOperator: isOperator, isVoiced: false,
                form: form, wantsAwayNotify: wantsAwayNotify))
        invited.remove(nickname.key)
    }

    mutating func addMember(_ member: Member) {
        members[member.nickname.key] = member
        count(member.form, 1)
    }

    @discardableResult
    mutating func removeMember(_ key: String) -> Member? {
        guard let member = members.removeValue(forKey: key) else { return nil }
        count(member.form, -1)
        return member
    }

    /// Whether `nickKey` may send here, with the room's name and the forms its members need.
    /// `mutating` although it changes nothing: called on a dictionary's element, a mutating
    /// method works on the room in place, where a non-mutating one gets a copy of it.
    mutating func speakCheck(_ nickKey: String) -> SpeakCheck {
        guard let member = members[nickKey] else {
            return modes.noExternalMessages ? .notMember(name) : .allowed(name, forms)
        }
        if modes.moderated && !member.isOperator && !member.isVoiced { return .moderated(name) }
        return .allowed(name, forms)
    }

    /// Whether `nickKey` may speak here (+m: operators and voiced only; +n: members only).
    func canSpeak(_ nickKey: String) -> Bool {
        guard let member = members[nickKey] else { return !modes.noExternalMessages }
        return !modes.moderated || member.isOperator || member.isVoiced
    }
}

/// A room's flag and parameter modes (`+ntmi`, `+k <key>`, `+l <limit>`).
public struct RoomModes: Sendable, Equatable {
    /// n: only members may send to the room.
    public var noExternalMessages = true
    /// t: only operators may set the topic.
    public var topicLocked = true
    /// m: only operators and voiced members may speak.
    public var moderated = false
    /// i: joining needs an INVITE.
    public var inviteOnly = false
    /// k: joining needs this key.
    public var key: String?
    /// l: at most this many members.
    public var limit: Int?
    /// s: hidden from LIST, WHOIS and NAMES for non-members.
    public var secret = false
    /// b: `nick!user@host` masks (`*` and `?` wildcards) that may not join unless invited.
    public var bans: [Ban] = []

    /// One ban: the mask, who set it and when (367).
    public struct Ban: Sendable, Equatable {
        public var mask: String
        public var setBy: String
        /// Wall-clock seconds since 1970.
        public var setAt: Int64

        public init(mask: String, setBy: String, setAt: Int64) {
            self.mask = mask
            self.setBy = setBy
            self.setAt = setAt
        }
    }

    public init() {}

    /// The flags that are set (`i`, `m`, `n`, `s`, `t`, in that order), without `k` and `l`.
    public var flagLetters: String {
        var letters = ""
        if inviteOnly { letters += "i" }
        if moderated { letters += "m" }
        if noExternalMessages { letters += "n" }
        if secret { letters += "s" }
        if topicLocked { letters += "t" }
        return letters
    }

    /// Sets each flag to whether `letters` (as `flagLetters` writes them) has it.
    public mutating func setFlags(_ letters: String) {
        inviteOnly = letters.contains("i")
        moderated = letters.contains("m")
        noExternalMessages = letters.contains("n")
        secret = letters.contains("s")
        topicLocked = letters.contains("t")
    }

    /// `+int`-style flags in a stable order, then `k` and `l`, with their arguments
    /// (`showKey` false hides the key from non-members, as IRC servers do).
    public func modeString(showKey: Bool) -> (String, [String]) {
        var flags = "+" + flagLetters
        var arguments: [String] = []
        if let key {
            flags += "k"
            arguments.append(showKey ? key : "*")
        }
        if let limit {
            flags += "l"
            arguments.append(String(limit))
        }
        return (flags, arguments)
    }
}
