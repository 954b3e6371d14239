import LineProtocol

/// One connection's chat state: who it is and whether it has registered. Owned by the event
/// loop thread that owns the connection. Handlers do no I/O: they read and update the shared
/// registry (claiming, renaming and releasing nicknames) and write what must be sent, logged
/// or closed into `Effects`, which the I/O layer carries out.
public struct Session {
    public let id: ConnectionID
    /// "address:port" of the peer.
    public let address: String
    /// Monotonic nanoseconds.
    public let connectedAt: Int64
    public internal(set) var nickname: Nickname? {
        didSet {
            isRegistered = nickname != nil
            if extras?.fullSourceCache != nil { withExtras { $0.fullSourceCache = nil } }
        }
    }
    var activity: UserActivity?
    /// Lines handled since registration (a USER right after an nc-style NICK still counts).
    var linesSinceRegistration = 0
    /// What only some sessions hold, out of line: an idle nc user (no USER, no tags, not yet
    /// speaking) then carries one pointer instead of 96 bytes of empty optionals (see
    /// Benchmarks/README, idle memory). Copied on write, so `Session` stays a value.
    private var extras: Extras?
    /// History batches sent so far (their ids).
    var batchCount: UInt32 = 0
    // The flags below follow in declaration order, packed (no eight-byte field between them).
    /// Holds a nickname. Stored (kept by `nickname`), not computed: the event loop reads it
    /// before and after every line from the session in its connection, and a computed property
    /// copied the whole session, or the nickname, for it.
    public private(set) var isRegistered = false
    /// From USER; nil for a client that never sends it, whose user name is then its nickname
    /// until its first rename (which sets it to the nickname it registered with).
    public internal(set) var username: String? {
        get { extras?.username }
        set {
            guard newValue != nil || extras?.username != nil else { return }
            withExtras {
                $0.username = newValue
                $0.fullSourceCache = nil
            }
        }
    }
    var realname: String? {
        get { extras?.realname }
        set { if newValue != nil || extras?.realname != nil { withExtras { $0.realname = newValue } } }
    }
    /// Sent CAP or USER: an IRC client, which gets `nick!user@host` sources, rooms from LIST,
    /// and no pre-registration hints.
    public internal(set) var isIRCClient = false
    /// CAP LS or REQ was sent and CAP END not yet: registration waits for it.
    var capNegotiating = false
    /// A NICK that arrived during CAP negotiation, registered at CAP END.
    var pendingNickname: String? {
        get { extras?.pendingNickname }
        set { if newValue != nil || extras?.pendingNickname != nil { withExtras { $0.pendingNickname = newValue } } }
    }
    /// User mode +i (accepted and shown; it hides nothing yet).
    var isInvisible = false
    /// The connection is TLS (set by the server when it accepts it): WHOIS shows 671.
    public var isSecure = false
    /// IRCv3 capabilities negotiated with CAP REQ.
    public internal(set) var capabilities: Capabilities = []
    /// The client-only tags (`+key=value`, escaped) of the line being handled, for relay.
    var clientTags: String? {
        get { extras?.clientTags }
        set { if newValue != nil || extras?.clientTags != nil { withExtras { $0.clientTags = newValue } } }
    }
    /// `fullSource` as last built and the server name it was built with: every line the user
    /// sends to IRC clients carries it. Set before each line is handled; forgotten when the
    /// nickname or user name changes.
    private var fullSourceCache: (serverName: String, source: String)? {
        get { extras?.fullSourceCache }
        set { if newValue != nil || extras?.fullSourceCache != nil { withExtras { $0.fullSourceCache = newValue } } }
    }

    private final class Extras {
        var username: String?
        var realname: String?
        var pendingNickname: String?
        var clientTags: String?
        var fullSourceCache: (serverName: String, source: String)?

        init() {}

        var isEmpty: Bool {
            username == nil && realname == nil && pendingNickname == nil && clientTags == nil
                && fullSourceCache == nil
        }

        init(copying other: Extras) {
            username = other.username
            realname = other.realname
            pendingNickname = other.pendingNickname
            clientTags = other.clientTags
            fullSourceCache = other.fullSourceCache
        }
    }

    private mutating func withExtras(_ change: (Extras) -> Void) {
        if extras == nil {
            extras = Extras()
        } else if !isKnownUniquelyReferenced(&extras) {
            extras = Extras(copying: extras!)
        }
        change(extras!)
        if extras!.isEmpty { extras = nil }  // an nc user's pending nickname, once registered
    }

    public init(id: ConnectionID, address: String, connectedAt: Int64) {
        self.id = id
        self.address = address
        self.connectedAt = connectedAt
    }

    /// The form of user-sourced lines this connection gets.
    public var lineForm: LineForm { capabilities.lineForm(isIRCClient: isIRCClient) }

    /// Whom numerics are addressed to: the nickname, or `*` before registration.
    public var target: String { nickname?.name ?? "*" }

    /// The first line a new connection gets.
    public func greeting(_ context: ChatContext) -> [UInt8] {
        ServerLine.format(
            source: context.config.serverName, command: "NOTICE", parameters: ["*"],
            trailing: "Welcome to LineChat! Pick a nickname to join the chat room: type NICK <name> and press Enter."
        )
    }

    /// Handles one complete inbound line.
    public mutating func handle(line: UnsafeRawBufferPointer, _ context: ChatContext, _ effects: inout Effects) {
        // Built here, ahead of the handlers: those that relay messages read the full source but
        // cannot keep it (they do not mutate the session).
        if fullSourceCache == nil, let nickname {
            fullSourceCache = (context.config.serverName, Self.fullSource(nickname, username, context))
        }
        let split = MessageTags.split(line)
        clientTags = nil
        let label =
            capabilities.contains(.labeledResponse) && !split.tags.isEmpty
            ? MessageTags.value(of: "label", in: split.tags) : nil
        guard let label, !label.isEmpty else {
            handle(tagged: split, context, &effects)
            return
        }
        let replyStart = effects.reply.count
        let readsBefore = effects.historyReads.count
        handle(tagged: split, context, &effects)
        if effects.historyReads.count > readsBefore && effects.reply.count == replyStart {
            // The answer comes later, from the history store: it carries the label then.
            effects.historyReads[effects.historyReads.count - 1].label = label
            return
        }
        batchCount &+= 1
        let labeled = LabeledResponse.wrap(
            effects.reply[replyStart...], label: label, server: context.config.serverName,
            batchID: "l" + String(batchCount, radix: 36))
        effects.reply.replaceSubrange(replyStart..., with: labeled)
    }

    /// Handles a line split from its tags.
    private mutating func handle(tagged split: MessageTags.Split, _ context: ChatContext, _ effects: inout Effects) {
        let line = split.rest
        if !split.tags.isEmpty {
            // Tags have their own allowance; the rest of the line has the usual limit.
            if split.rest.count + 2 > context.config.maxLineBytes {
                handleOverlong(context, &effects)
                return
            }
            if split.tags.count > MessageTags.maxClientTagBytes {
                reply(&effects, context, .inputTooLong, trailing: "Input line was too long (tags over 4094 bytes)")
                return
            }
            if capabilities.contains(.messageTags) { clientTags = MessageTags.clientOnly(split.tags) }
        }
        switch LineParser.parse(split.rest) {
        case .success(let command):
            if !isRegistered && !command.verb.allowedBeforeRegistration {
                reply(&effects, context, .notRegistered, trailing: Replies.notRegistered)
                return
            }
            activity?.touch(now: context.now)
            let wasRegistered = isRegistered
            dispatch(command, context, &effects)
            if wasRegistered { linesSinceRegistration += 1 }
        case .failure(.emptyLine):
            return
        case .failure(let error):
            // Before registration anything but the allowed verbs is 451, unknown verbs included:
            // the nc user who types "hello" first learns how to register.
            if !isRegistered, error.verb.map({ !$0.allowedBeforeRegistration }) ?? error.isUnknownCommand {
                reply(&effects, context, .notRegistered, trailing: Replies.notRegistered)
                return
            }
            if isRegistered { linesSinceRegistration += 1 }
            // A NOTICE never gets an error back (so that two automatons cannot loop).
            if error.verb == .notice { return }
            replyTo(error, line: line, context, &effects)
        }
    }

    /// Answers a line that was longer than the maximum.
    public func handleOverlong(_ context: ChatContext, _ effects: inout Effects) {
        reply(
            &effects, context, .inputTooLong,
            trailing: "Input line was too long (max \(context.config.maxLineBytes) bytes)")
    }

    /// Forgets the user and tells everyone else, whatever the cause. Call once, when the
    /// connection goes away.
    public mutating func disconnect(reason: String, _ context: ChatContext, _ effects: inout Effects) {
        guard let nickname else { return }
        let source = fullSource(context)
        let rooms = context.directory.remove(nickname, id: id)
        if !rooms.isEmpty {
            let stamp = context.stamp()
            effects.outbound.append(
                .toRooms(
                    rooms.map(\.key), line: userLine(context, command: "QUIT", trailing: reason, stamp: stamp),
                    except: id))
            for (index, room) in rooms.enumerated() {
                record(.quit, room, index == 0 ? stamp : context.stamp(), context, text: reason, source: source)
            }
        }
        self.nickname = nil
        activity = nil
    }

    /// This user's source in the form IRC clients get: `nick!user@host`, the host being the
    /// server's name (addresses stay private).
    func fullSource(_ context: ChatContext) -> String {
        guard let nickname else { return "*" }
        if let cache = fullSourceCache, cache.serverName == context.config.serverName { return cache.source }
        return Self.fullSource(nickname, username, context)
    }

    private static func fullSource(_ nickname: Nickname, _ username: String?, _ context: ChatContext) -> String {
        "\(nickname.name)!\(username ?? nickname.name)@\(context.config.serverName)"
    }

    /// The length of `fullSource` in bytes, without building it (the fit check of every
    /// message to a room with IRC clients in it).
    func fullSourceBytes(_ context: ChatContext) -> Int {
        guard let nickname else { return 1 }
        if let cache = fullSourceCache, cache.serverName == context.config.serverName { return cache.source.utf8.count }
        return nickname.name.utf8.count + 1 + (username ?? nickname.name).utf8.count + 1
            + context.config.serverName.utf8.count
    }

    /// A line from this user in the forms `forms` (by default all of them). With one form
    /// only, the line is one-form: everyone gets those bytes (harmless should a recipient of
    /// another kind join meanwhile). The tagged forms carry `stamp` (a new one if nil) and
    /// the client-only tags of the line being handled.
    func userLine(
        _ context: ChatContext, command: String, parameters: [String] = [], trailing: String? = nil,
        forms: LineForms = [.plain, .full, .timed, .tagged], stamp: MessageStamp? = nil
    ) -> OutboundLine {
        let plain =
            forms.contains(.plain)
            ? ServerLine.format(source: nickname?.name ?? "*", command: command, parameters: parameters, trailing: trailing)
            : []
        guard forms.needsFullSource else { return OutboundLine(plain) }
        let full = ServerLine.format(
            source: fullSource(context), command: command, parameters: parameters, trailing: trailing)
        if forms == .full { return OutboundLine(full) }
        let stamp = stamp ?? context.stamp()
        let time = ServerTime.format(milliseconds: stamp.time)
        let timed = forms.contains(.timed) ? Self.tagged("time=" + time, full) : []
        let tagged =
            forms.contains(.tagged)
            ? Self.tagged("time=\(time);msgid=\(stamp.msgid)" + (clientTags.map { ";" + $0 } ?? ""), full) : []
        if forms == .timed { return OutboundLine(timed) }
        if forms == .tagged { return OutboundLine(tagged) }
        return OutboundLine(plain: plain, full: full, timed: timed, tagged: tagged)
    }

    /// `@<tags> ` then a formatted line.
    static func tagged(_ tags: String, _ line: [UInt8]) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(tags.utf8.count + 2 + line.count)
        bytes.append(UInt8(ascii: "@"))
        bytes.append(contentsOf: tags.utf8)
        bytes.append(UInt8(ascii: " "))
        bytes.append(contentsOf: line)
        return bytes
    }

    /// Appends a line from this user to its own reply, in the form it gets.
    func echo(_ effects: inout Effects, _ line: OutboundLine) {
        effects.reply.append(contentsOf: line.bytes(lineForm))
    }

    /// Appends a numeric reply. An error numeric (4xx, 5xx) for a client that has not registered
    /// is also reported as `.registrationFailed`, for the server's counters.
    func reply(
        _ effects: inout Effects, _ context: ChatContext, _ numeric: Numeric, _ parameters: [String] = [],
        trailing: String? = nil
    ) {
        ServerLine.appendNumeric(
            to: &effects.reply, server: context.config.serverName, numeric, target: target,
            parameters: parameters, trailing: trailing)
        if !isRegistered && numeric.rawValue >= 400 { effects.events.append(.registrationFailed(numeric)) }
    }

    private func replyTo(
        _ error: ParseError, line: UnsafeRawBufferPointer, _ context: ChatContext, _ effects: inout Effects
    ) {
        switch error {
        case .emptyLine:
            break
        case .invalidUTF8:
            if isIRCClient {
                // UTF8ONLY: IRC clients get the standard reply.
                let verb = String(decoding: line.prefix { $0 != 32 }, as: UTF8.self)
                let command = Verb(rawValue: verb.uppercased())?.rawValue ?? "*"
                ServerLine.append(
                    to: &effects.reply, source: context.config.serverName, command: "FAIL",
                    parameters: [command, "INVALID_UTF8"], trailing: LineContent.Problem.invalidUTF8.reason)
            } else {
                reply(&effects, context, .unknownError, trailing: LineContent.Problem.invalidUTF8.reason)
            }
        case .controlCharacter(let value):
            reply(&effects, context, .unknownError, trailing: LineContent.Problem.controlCharacter(value).reason)
        case .unknownCommand(let verb):
            if isIRCClient {
                reply(&effects, context, .unknownCommand, [verb], trailing: "Unknown command")
            } else {
                // An nc user who typed plain text: say how to talk.
                // What they typed, without a client's prefix, kept short enough that the reply's
                // own words survive the 512-byte cut.
                var text = String(decoding: line, as: UTF8.self).trimmingSpaces
                if text.hasPrefix(":"), let space = text.firstIndex(of: " ") {
                    text = String(text[space...]).trimmingSpaces
                }
                if text.utf8.count > 60 { text = UTF8Prefix.of(text, atMost: 57) + "..." }
                reply(
                    &effects, context, .unknownCommand, [verb],
                    trailing: "Unknown command (type HELP for the list; to talk to everyone: BROADCAST \(text))")
            }
        case .needMoreParameters(let verb):
            reply(&effects, context, .needMoreParams, [verb.rawValue], trailing: "Not enough parameters")
        case .noRecipient(let verb):
            reply(&effects, context, .noRecipient, trailing: "No recipient given (\(verb.rawValue))")
        case .noTextToSend:
            reply(&effects, context, .noTextToSend, trailing: "No text to send")
        case .noNicknameGiven:
            reply(&effects, context, .noNicknameGiven, trailing: "No nickname given")
        case .textTooLong:
            reply(&effects, context, .inputTooLong, trailing: Replies.textTooLong(max: Limits.maxMessageTextBytes))
        case .tooManyTargets(let verb):
            reply(
                &effects, context, .tooManyTargets, [verb.rawValue],
                trailing: "Too many recipients (at most \(Limits.maxTargets))")
        }
    }
}

/// Fixed reply texts used in more than one place.
enum Replies {
    static let notRegistered = "You have not registered: pick a nickname with NICK <name>"
    static let notInDefaultRoom = "You are not in the default room: JOIN it first"
    /// 417 for PRIVMSG or BROADCAST text whose relayed line would pass 512 bytes. IRC servers cut
    /// such text silently; refusing it tells an `nc` user that nothing was delivered.
    static func textTooLong(max: Int) -> String { "Text too long (max \(max) bytes): nothing was sent" }
}

extension String {
    /// Without leading and trailing spaces.
    var trimmingSpaces: String {
        let utf8 = Array(self.utf8)
        guard let first = utf8.firstIndex(where: { $0 != 32 }), let last = utf8.lastIndex(where: { $0 != 32 }) else {
            return ""
        }
        return String(decoding: utf8[first...last], as: UTF8.self)
    }
}
