import LineProtocol

// One handler per verb. Each carries its grammar line from PROTOCOL.md. Registration checks
// and parameter errors (451, 461, 411, 412, 431) were answered before a handler runs.
extension Session {
    mutating func dispatch(_ command: Command, _ context: ChatContext, _ effects: inout Effects) {
        switch command {
        case .nick(let name): handleNick(name, context, &effects)
        case .privmsg(let targets, let text): handlePrivmsg(targets, text, context, &effects)
        case .broadcast(let text): handleBroadcast(text, context, &effects)
        case .list: handleList(context, &effects)
        case .quit(let reason): handleQuit(reason, context, &effects)
        case .ping(let token): handlePing(token, context, &effects)
        case .pong: break
        case .help(let topic): handleHelp(topic, context, &effects)
        case .cap(let subcommand, let parameters): handleCap(subcommand, parameters, context, &effects)
        case .user: break
        }
    }

    /// NICK <nick>
    private mutating func handleNick(_ name: String, _ context: ChatContext, _ effects: inout Effects) {
        let new: Nickname
        do {
            new = try Nickname(validating: name)
        } catch {
            reply(&effects, context, .erroneousNickname, [name], trailing: error.reason)
            return
        }
        if new.key == Nickname.fold(context.config.serverName) {
            reply(&effects, context, .erroneousNickname, [name], trailing: "Erroneous nickname: reserved for the server")
            return
        }
        guard let old = nickname else {
            register(new, context, &effects)
            return
        }
        if old.name == new.name { return }
        switch context.registry.rename(old, to: new) {
        case .failure:
            reply(&effects, context, .nicknameInUse, [new.name], trailing: "Nickname is already in use")
        case .success:
            nickname = new
            effects.outbound.append(
                .broadcast(bytes: ServerLine.format(source: old.name, command: "NICK", parameters: [new.name]), except: nil))
            effects.events.append(.renamed(from: old, to: new))
        }
    }

    private mutating func register(_ new: Nickname, _ context: ChatContext, _ effects: inout Effects) {
        let activity = UserActivity(now: context.now)
        switch context.registry.register(
            new, id: id, address: address, connectedAt: connectedAt, activity: activity)
        {
        case .failure:
            reply(&effects, context, .nicknameInUse, [new.name], trailing: "Nickname is already in use")
            return
        case .success:
            break
        }
        nickname = new
        self.activity = activity
        let config = context.config
        let server = config.serverName
        reply(&effects, context, .welcome, trailing: "Welcome to the chat room, \(new.name)!")
        reply(&effects, context, .yourHost, trailing: "Your host is \(server), running LineChat \(ChatConfig.version)")
        reply(&effects, context, .created, trailing: "This server was created \(config.createdText)")
        reply(&effects, context, .myInfo, [server, "LineChat-\(ChatConfig.version)"])
        reply(
            &effects, context, .isupport,
            [
                "NICKLEN=\(Limits.nicknameMaxLength)", "CASEMAPPING=ascii", "LINELEN=\(config.maxLineBytes)",
                "TARGMAX=PRIVMSG:\(Limits.maxTargets)", "NETWORK=\(server)",
            ], trailing: "are supported by this server")
        reply(&effects, context, .motdStart, trailing: "- \(server) Message of the day -")
        for line in config.motd {
            reply(&effects, context, .motd, trailing: "- " + line)
        }
        reply(&effects, context, .motdEnd, trailing: "End of /MOTD command.")
        effects.outbound.append(.broadcast(bytes: ServerLine.format(source: new.name, command: "JOIN"), except: id))
        effects.events.append(.registered(new))
    }

    /// PRIVMSG <nick>[,<nick>...] <text>
    private func handlePrivmsg(_ targets: [String], _ text: String, _ context: ChatContext, _ effects: inout Effects) {
        guard let sender = nickname else { return }
        var seen: Set<String> = []
        for target in targets {
            let key = Nickname.fold(target)
            guard seen.insert(key).inserted else { continue }
            guard let recipient = context.registry.user(named: target) else {
                reply(&effects, context, .noSuchNick, [target], trailing: "No such nick")
                continue
            }
            let bytes = ServerLine.format(
                source: sender.name, command: "PRIVMSG", parameters: [recipient.nickname.name], trailing: text)
            if recipient.id == id {
                effects.reply.append(contentsOf: bytes)
            } else {
                effects.outbound.append(.send(to: recipient.id, bytes: bytes))
            }
        }
    }

    /// BROADCAST <text>
    private func handleBroadcast(_ text: String, _ context: ChatContext, _ effects: inout Effects) {
        guard let sender = nickname else { return }
        effects.outbound.append(
            .broadcast(bytes: ServerLine.format(source: sender.name, command: "BROADCAST", trailing: text), except: nil))
    }

    /// LIST
    private func handleList(_ context: ChatContext, _ effects: inout Effects) {
        for user in context.registry.snapshot() {
            var info =
                "connected \(Duration.describe(nanoseconds: context.now - user.connectedAt)), "
                + "idle \(Duration.describe(nanoseconds: context.now - user.activity.lastActiveNanoseconds))"
            if context.config.listAddresses { info += ", from \(user.address)" }
            reply(&effects, context, .list, [user.nickname.name], trailing: info)
        }
        reply(&effects, context, .listEnd, trailing: "End of LIST")
    }

    /// QUIT [<reason>]
    private mutating func handleQuit(_ reason: String?, _ context: ChatContext, _ effects: inout Effects) {
        // Cut, not refused: the user is leaving either way. The limit keeps both the QUIT relay
        // and the ERROR line whole (ServerLine would otherwise cut the ERROR line's last ")").
        let quitReason =
            reason.map { "Quit: " + UTF8Prefix.of($0, atMost: Limits.maxQuitReasonBytes) } ?? "Quit"
        let who = nickname?.name ?? address
        effects.close = CloseRequest(error: "Closing link: \(who) (\(quitReason))", quitReason: quitReason)
    }

    /// PING <token>
    private func handlePing(_ token: String, _ context: ChatContext, _ effects: inout Effects) {
        let server = context.config.serverName
        ServerLine.append(to: &effects.reply, source: server, command: "PONG", parameters: [server], trailing: token)
    }

    /// HELP [<command>]
    private func handleHelp(_ topic: String?, _ context: ChatContext, _ effects: inout Effects) {
        guard let topic else {
            reply(&effects, context, .helpStart, ["*"], trailing: "LineChat commands (HELP <command> for one):")
            for verb in Verb.allCases where verb != .pong && verb != .user && verb != .cap {
                reply(&effects, context, .helpText, ["*"], trailing: Self.helpLine(verb))
            }
            reply(&effects, context, .helpEnd, ["*"], trailing: "End of HELP")
            return
        }
        guard let verb = Verb(rawValue: topic.uppercased()) else {
            reply(&effects, context, .helpNotFound, [topic], trailing: "No help available on this topic")
            return
        }
        reply(&effects, context, .helpStart, [verb.rawValue], trailing: verb.usage)
        reply(&effects, context, .helpText, [verb.rawValue], trailing: verb.summary)
        reply(&effects, context, .helpEnd, [verb.rawValue], trailing: "End of HELP")
    }

    static func helpLine(_ verb: Verb) -> String {
        let usage = verb.usage
        let padding = String(repeating: " ", count: max(1, 36 - usage.count))
        return usage + padding + verb.summary
    }

    /// CAP LS [<version>] | CAP LIST | CAP REQ <caps> | CAP END
    private func handleCap(
        _ subcommand: String, _ parameters: [String], _ context: ChatContext, _ effects: inout Effects
    ) {
        let server = context.config.serverName
        switch subcommand {
        case "LS", "LIST":
            ServerLine.append(
                to: &effects.reply, source: server, command: "CAP", parameters: [target, subcommand], trailing: "")
        case "REQ":
            ServerLine.append(
                to: &effects.reply, source: server, command: "CAP", parameters: [target, "NAK"],
                trailing: parameters.first ?? "")
        case "END":
            break
        default:
            reply(&effects, context, .invalidCapCommand, [subcommand], trailing: "Invalid CAP command")
        }
    }
}

extension Duration {
    /// "45s", "3m 12s", "2h 5m", "3d 4h": short and exact enough for LIST.
    static func describe(nanoseconds: Int64) -> String {
        let seconds = max(0, nanoseconds / 1_000_000_000)
        switch seconds {
        case ..<60: return "\(seconds)s"
        case ..<3600: return "\(seconds / 60)m \(seconds % 60)s"
        case ..<86400: return "\(seconds / 3600)h \(seconds % 3600 / 60)m"
        default: return "\(seconds / 86400)d \(seconds % 86400 / 3600)h"
        }
    }
}
