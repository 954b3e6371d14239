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
    public internal(set) var nickname: Nickname?
    var activity: UserActivity?

    public init(id: ConnectionID, address: String, connectedAt: Int64) {
        self.id = id
        self.address = address
        self.connectedAt = connectedAt
    }

    public var isRegistered: Bool { nickname != nil }

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
        switch LineParser.parse(line) {
        case .success(let command):
            if !isRegistered && !command.verb.allowedBeforeRegistration {
                reply(&effects, context, .notRegistered, trailing: Replies.notRegistered)
                return
            }
            activity?.touch(now: context.now)
            dispatch(command, context, &effects)
        case .failure(.emptyLine):
            return
        case .failure(let error):
            // Before registration anything but the allowed verbs is 451, unknown verbs included:
            // the nc user who types "hello" first learns how to register.
            if !isRegistered, error.verb.map({ !$0.allowedBeforeRegistration }) ?? error.isUnknownCommand {
                reply(&effects, context, .notRegistered, trailing: Replies.notRegistered)
                return
            }
            replyTo(error, context, &effects)
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
        context.registry.remove(nickname, id: id)
        effects.outbound.append(
            .broadcast(
                bytes: ServerLine.format(source: nickname.name, command: "QUIT", trailing: reason), except: id))
        self.nickname = nil
        activity = nil
    }

    func reply(
        _ effects: inout Effects, _ context: ChatContext, _ numeric: Numeric, _ parameters: [String] = [],
        trailing: String? = nil
    ) {
        ServerLine.appendNumeric(
            to: &effects.reply, server: context.config.serverName, numeric, target: target,
            parameters: parameters, trailing: trailing)
    }

    private func replyTo(_ error: ParseError, _ context: ChatContext, _ effects: inout Effects) {
        switch error {
        case .emptyLine:
            break
        case .invalidUTF8:
            reply(&effects, context, .unknownError, trailing: LineContent.Problem.invalidUTF8.reason)
        case .controlCharacter(let value):
            reply(&effects, context, .unknownError, trailing: LineContent.Problem.controlCharacter(value).reason)
        case .unknownCommand(let verb):
            reply(&effects, context, .unknownCommand, [verb], trailing: "Unknown command (type HELP for the list)")
        case .needMoreParameters(let verb):
            reply(&effects, context, .needMoreParams, [verb.rawValue], trailing: "Not enough parameters")
        case .noRecipient(let verb):
            reply(&effects, context, .noRecipient, trailing: "No recipient given (\(verb.rawValue))")
        case .noTextToSend:
            reply(&effects, context, .noTextToSend, trailing: "No text to send")
        case .noNicknameGiven:
            reply(&effects, context, .noNicknameGiven, trailing: "No nickname given")
        case .textTooLong:
            reply(&effects, context, .inputTooLong, trailing: Replies.textTooLong)
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
    /// 417 for PRIVMSG or BROADCAST text over `Limits.maxMessageTextBytes`. IRC servers cut such
    /// text silently; refusing it tells an `nc` user that nothing was delivered.
    static let textTooLong = "Text too long (max \(Limits.maxMessageTextBytes) bytes): nothing was sent"
}
