import LineProtocol

// One handler per verb. Each carries its grammar line from PROTOCOL.md. Registration checks
// and parameter errors (451, 461, 411, 412, 431) were answered before a handler runs. Room
// commands are in Session+Rooms.swift, user queries in Session+Queries.swift.
extension Session {
    mutating func dispatch(_ command: Command, _ context: ChatContext, _ effects: inout Effects) {
        switch command {
        case .nick(let name): handleNick(name, context, &effects)
        case .privmsg(let targets, let text): handleMessage("PRIVMSG", targets, text, context, &effects)
        case .notice(let targets, let text): handleMessage("NOTICE", targets, text, context, &effects)
        case .broadcast(let text): handleBroadcast(text, context, &effects)
        case .list: isIRCClient ? handleListRooms(mask: nil, context, &effects) : handleList(context, &effects)
        case .listRooms(let mask): handleListRooms(mask: mask, context, &effects)
        case .rooms: handleListRooms(mask: nil, context, &effects)
        case .quit(let reason): handleQuit(reason, context, &effects)
        case .ping(let token): handlePing(token, context, &effects)
        case .pong: break
        case .help(let topic): handleHelp(topic, context, &effects)
        case .cap(let subcommand, let parameters): handleCap(subcommand, parameters, context, &effects)
        case .user(let username, let realname): handleUser(username, realname, context, &effects)
        case .join(let rooms, let keys): handleJoin(rooms, keys, context, &effects)
        case .part(let rooms, let reason): handlePart(rooms, reason, context, &effects)
        case .topic(let room, let text): handleTopic(room, text, context, &effects)
        case .names(let rooms): handleNames(rooms, context, &effects)
        case .who(let mask, let fields): handleWho(mask, fields: fields, context, &effects)
        case .whois(let nick): handleWhois(nick, context, &effects)
        case .away(let text): handleAway(text, context, &effects)
        case .invite(let nick, let room): handleInvite(nick, room, context, &effects)
        case .kick(let room, let nicks, let reason): handleKick(room, nicks, reason, context, &effects)
        case .mode(let target, let modes, let arguments): handleMode(target, modes, arguments, context, &effects)
        case .userhost(let nicks): handleUserhost(nicks, context, &effects)
        case .ison(let nicks): handleIson(nicks, context, &effects)
        case .history(let room, let count): handleHistory(room, count, context, &effects)
        case .chathistory(let subcommand, let parameters): handleChathistory(subcommand, parameters, context, &effects)
        case .tagmsg(let targets): handleTagmsg(targets, context, &effects)
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
            if capNegotiating || (isIRCClient && username == nil) {
                // Registration waits for CAP END and USER; say now if the nickname is taken.
                if context.directory.user(named: new.name) != nil {
                    reply(&effects, context, .nicknameInUse, [new.name], trailing: "Nickname is already in use")
                    return
                }
            }
            pendingNickname = new.name
            registerIfReady(context, &effects)
            return
        }
        if old.name == new.name { return }
        let stamp = context.stamp()
        let line = userLine(context, command: "NICK", parameters: [new.name], stamp: stamp)
        let oldSource = fullSource(context)
        switch context.directory.rename(old, to: new) {
        case .failure(.unavailable):
            replyUnavailable(new.name, context, &effects)
        case .failure:
            reply(&effects, context, .nicknameInUse, [new.name], trailing: "Nickname is already in use")
        case .success(let rooms):
            for (index, room) in rooms.enumerated() {
                record(
                    .nick, room, index == 0 ? stamp : context.stamp(), context, text: new.name, nick: old.name,
                    source: oldSource)
            }
            // A user who never sent USER keeps the user name it registered with (its first
            // nickname, which `register` leaves implicit so an idle nc user stores none).
            if username == nil { username = old.name }
            nickname = new
            // Those who share a room with the user see it; the user always does.
            if rooms.isEmpty {
                echo(&effects, line)
            } else {
                effects.outbound.append(.toRooms(rooms.map(\.key), line: line, except: nil))
            }
            effects.events.append(.renamed(from: old, to: new))
        }
    }

    /// Registers the pending nickname once nothing else is awaited: an nc user registers with
    /// NICK alone; an IRC client (it sent CAP or USER) also needs USER and, if it started
    /// capability negotiation, CAP END.
    private mutating func registerIfReady(_ context: ChatContext, _ effects: inout Effects) {
        guard !isRegistered, !capNegotiating, let pending = pendingNickname,
            let new = try? Nickname(validating: pending)
        else { return }
        if isIRCClient && username == nil { return }
        register(new, context, &effects)
    }

    mutating func register(_ new: Nickname, _ context: ChatContext, _ effects: inout Effects) {
        let activity = UserActivity(now: context.now)
        let registration = Registration(
            nickname: new, id: id, address: address, connectedAt: connectedAt, activity: activity,
            username: username ?? new.name, realname: realname ?? new.name, isIRCClient: isIRCClient, form: lineForm,
            awayNotify: capabilities.contains(.awayNotify), isSecure: isSecure)
        switch context.directory.register(registration) {
        case .failure(.unavailable):
            replyUnavailable(new.name, context, &effects)
            return
        case .failure:
            reply(&effects, context, .nicknameInUse, [new.name], trailing: "Nickname is already in use")
            return
        case .success:
            break
        }
        nickname = new
        pendingNickname = nil
        self.activity = activity
        let config = context.config
        let server = config.serverName
        reply(&effects, context, .welcome, trailing: "Welcome to the chat room, \(new.name)!")
        reply(&effects, context, .yourHost, trailing: "Your host is \(server), running LineChat \(ChatConfig.version)")
        reply(&effects, context, .created, trailing: "This server was created \(config.createdText)")
        reply(&effects, context, .myInfo, [server, "LineChat-\(ChatConfig.version)", "i", "biklmnostv", "bklov"])
        reply(
            &effects, context, .isupport,
            [
                "NICKLEN=\(Limits.nicknameMaxLength)", "CASEMAPPING=ascii", "LINELEN=\(config.maxLineBytes)",
                "TARGMAX=PRIVMSG:\(Limits.maxTargets),NOTICE:\(Limits.maxTargets),JOIN:,PART:,KICK:1",
                "NETWORK=\(server)", "CHANTYPES=#", "PREFIX=(ov)@+", "CHANMODES=b,k,l,imnst",
            ], trailing: "are supported by this server")
        reply(
            &effects, context, .isupport,
            [
                "CHANLIMIT=#:\(Limits.roomsPerUser)", "CHANNELLEN=\(Limits.roomNameMaxLength)",
                "TOPICLEN=\(Limits.topicMaxLength)", "KICKLEN=\(Limits.kickReasonMaxLength)",
                "AWAYLEN=\(Limits.awayMaxLength)", "MODES=\(Limits.modesPerCommand)", "UTF8ONLY", "WHOX",
            ] + (context.history == nil
                ? [] : ["CHATHISTORY=\(ChatConfig.historyMaxLines)", "MSGREFTYPES=msgid,timestamp"]),
            trailing: "are supported by this server")
        reply(&effects, context, .motdStart, trailing: "- \(server) Message of the day -")
        for line in config.motd {
            reply(&effects, context, .motd, trailing: "- " + line)
        }
        reply(&effects, context, .motdEnd, trailing: "End of /MOTD command.")
        effects.events.append(.registered(new))
        if let lobby = config.defaultRoom { join(lobby, key: nil, context, &effects) }
    }

    /// USER <user> <mode> <unused> <realname>
    private mutating func handleUser(
        _ username: String, _ realname: String, _ context: ChatContext, _ effects: inout Effects
    ) {
        let valid = (try? Nickname(validating: username)) != nil
        let name = String(valid ? username : "user").prefix(Limits.nicknameMaxLength)
        if !isRegistered {
            isIRCClient = true
            self.username = "~" + name
            self.realname = UTF8Prefix.of(realname, atMost: 100)
            registerIfReady(context, &effects)
            return
        }
        // A client that sends NICK then USER registers at NICK: take the USER that follows it.
        guard linesSinceRegistration == 0, !isIRCClient else {
            reply(&effects, context, .alreadyRegistered, trailing: "You may not reregister")
            return
        }
        isIRCClient = true
        self.username = "~" + name
        self.realname = UTF8Prefix.of(realname, atMost: 100)
        if let nickname {
            context.directory.setIdentity(
                nickname, username: "~" + name, realname: self.realname ?? String(name), isIRCClient: true)
        }
    }

    /// PRIVMSG <nick|#room>[,...] <text> and NOTICE (which never gets an error back).
    private func handleMessage(
        _ command: String, _ targets: [String], _ text: String, _ context: ChatContext, _ effects: inout Effects
    ) {
        guard nickname != nil else { return }
        let isNotice = command == "NOTICE"
        // A target named twice (in any case) gets the message once. Most messages have one
        // target, and need no set (an empty one allocates nothing).
        var seen: Set<String> = []
        for target in targets {
            let key = RoomName.fold(target)
            if targets.count > 1 { guard seen.insert(key).inserted else { continue } }
            if RoomName.isRoom(target) {
                sendToRoom(command, target, key: key, text, context, &effects)
                continue
            }
            guard let recipient = context.directory.user(named: target) else {
                if !isNotice { reply(&effects, context, .noSuchNick, [target], trailing: "No such nick") }
                continue
            }
            let echoes = capabilities.contains(.echoMessage) && recipient.id != id
            var forms = LineForms(recipient.form)
            if echoes { forms.insert(LineForms(lineForm)) }
            guard
                fits(
                    text, command, to: recipient.nickname.name, fullForm: forms.needsFullSource, context, &effects,
                    quiet: isNotice)
            else { continue }
            let line = userLine(
                context, command: command, parameters: [recipient.nickname.name], trailing: text, forms: forms)
            if recipient.id == id {
                echo(&effects, line)
                // With echo-message the sender is told twice: as sender (its echo, which a
                // label marks) and as recipient.
                if capabilities.contains(.echoMessage) { effects.outbound.append(.send(to: id, line: line)) }
            } else {
                effects.outbound.append(.send(to: recipient.id, line: line))
                if echoes { echo(&effects, line) }
            }
            if !isNotice, let away = recipient.away {
                reply(&effects, context, .away, [recipient.nickname.name], trailing: away)
            }
        }
    }

    /// A message to a room (`key`: `target` folded): to every member but the sender (and to the
    /// sender too for BROADCAST).
    private func sendToRoom(
        _ command: String, _ target: String, key: String, _ text: String, _ context: ChatContext,
        _ effects: inout Effects, echoToSender: Bool = false
    ) {
        guard let nickname else { return }
        let isNotice = command == "NOTICE"
        let room: RoomName
        var forms: LineForms
        switch context.directory.speakCheck(room: key, nickname: nickname.key) {
        case .allowed(let name, let needed):
            room = name
            forms = needed
        case .noSuchRoom where echoToSender:
            // BROADCAST to a default room that is gone (its last member left): say how to get in.
            reply(
                &effects, context, .cannotSendToChannel, [target],
                trailing: "Cannot send to channel (you are not in it: JOIN \(target) first)")
            return
        case .noSuchRoom:
            if !isNotice { reply(&effects, context, .noSuchChannel, [target], trailing: "No such channel") }
            return
        case .notMember(let name):
            if !isNotice {
                reply(
                    &effects, context, .cannotSendToChannel, [name.name],
                    trailing: "Cannot send to channel (you are not in it: JOIN \(name.name) first)")
            }
            return
        case .moderated(let name):
            if !isNotice {
                reply(
                    &effects, context, .cannotSendToChannel, [name.name],
                    trailing: "Cannot send to channel (it is moderated)")
            }
            return
        }
        let echoes = echoToSender || capabilities.contains(.echoMessage)
        var needed = forms
        if echoes { needed.insert(LineForms(lineForm)) }
        guard fits(text, command, to: room.name, fullForm: needed.needsFullSource, context, &effects, quiet: isNotice)
        else { return }
        let stamp = context.stamp()
        let line = userLine(context, command: command, parameters: [room.name], trailing: text, forms: needed, stamp: stamp)
        if echoes { echo(&effects, line) }
        effects.outbound.append(.toRoom(room.key, line: line, except: id))
        record(isNotice ? .notice : .privmsg, room, stamp, context, text: text)
    }

    /// BROADCAST <text>: a message to the default room that the sender also gets back.
    private func handleBroadcast(_ text: String, _ context: ChatContext, _ effects: inout Effects) {
        guard nickname != nil else { return }
        guard let lobby = context.config.defaultRoom else {
            reply(
                &effects, context, .noSuchChannel, ["*"],
                trailing: "This server has no default room: JOIN a room and PRIVMSG #<room> <text>")
            return
        }
        sendToRoom("PRIVMSG", lobby.name, key: lobby.key, text, context, &effects, echoToSender: true)
    }

    /// Whether the relayed line `:<nick> <command> <target> :<text>` fits in 512 bytes; if not,
    /// 417 says so (IRC clients, whose `nick!user@host` form is longer, get the text cut to fit).
    /// `fullForm`: some recipient gets the longer `nick!user@host` form, so that is what must fit.
    private func fits(
        _ text: String, _ command: String, to target: String, fullForm: Bool, _ context: ChatContext,
        _ effects: inout Effects, quiet: Bool
    ) -> Bool {
        let limit = Limits.messageTextBytes(
            sourceBytes: fullForm ? fullSourceBytes(context) : (nickname?.name ?? "*").utf8.count, command: command,
            target: target)
        guard text.utf8.count > limit else { return true }
        if !quiet { reply(&effects, context, .inputTooLong, trailing: Replies.textTooLong(max: limit)) }
        return false
    }

    /// LIST (nc users): the users, one 322 each, then 323.
    private func handleList(_ context: ChatContext, _ effects: inout Effects) {
        for user in context.directory.snapshot() {
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
            // The IRC-client-only verbs (CAP, USER, PONG, CHATHISTORY, TAGMSG) are not listed.
            let unlisted: Set<Verb> = [.pong, .user, .cap, .helpop, .chathistory, .tagmsg]
            for verb in Verb.allCases where !unlisted.contains(verb) {
                reply(&effects, context, .helpText, ["*"], trailing: Self.helpLine(verb))
            }
            reply(&effects, context, .helpEnd, ["*"], trailing: "End of HELP")
            return
        }
        guard let verb = Verb(rawValue: topic.uppercased()).map({ $0 == .helpop ? .help : $0 }) else {
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
    private mutating func handleCap(
        _ subcommand: String, _ parameters: [String], _ context: ChatContext, _ effects: inout Effects
    ) {
        let server = context.config.serverName
        if !isRegistered { isIRCClient = true }
        switch subcommand {
        case "LS":
            if !isRegistered { capNegotiating = true }
            // 302 and later imply cap-notify.
            if let version = parameters.first.flatMap({ Int($0) }), version >= 302 { capabilities.insert(.capNotify) }
            ServerLine.append(
                to: &effects.reply, source: server, command: "CAP", parameters: [target, "LS"],
                trailing: offeredCapabilities(context).wireNames)
        case "LIST":
            ServerLine.append(
                to: &effects.reply, source: server, command: "CAP", parameters: [target, "LIST"],
                trailing: capabilities.wireNames)
        case "REQ":
            if !isRegistered { capNegotiating = true }
            let requested = parameters.first ?? ""
            // All or nothing: every name must be offered (a leading '-' asks to remove it).
            var enabled = capabilities
            var acceptable = !requested.isEmpty
            for name in requested.split(separator: " ") {
                let removing = name.hasPrefix("-")
                guard let capability = Capabilities.named(String(removing ? name.dropFirst() : name)),
                    offeredCapabilities(context).contains(capability)
                else {
                    acceptable = false
                    break
                }
                if removing { enabled.remove(capability) } else { enabled.insert(capability) }
            }
            ServerLine.append(
                to: &effects.reply, source: server, command: "CAP", parameters: [target, acceptable ? "ACK" : "NAK"],
                trailing: requested)
            if acceptable { setCapabilities(enabled, context) }
        case "END":
            capNegotiating = false
            registerIfReady(context, &effects)
        default:
            reply(&effects, context, .invalidCapCommand, [subcommand], trailing: "Invalid CAP command")
        }
    }
}

extension Session {
    /// What CAP LS offers: the history capabilities only when the server keeps history.
    func offeredCapabilities(_ context: ChatContext) -> Capabilities {
        var offered = Capabilities(Capabilities.names.map(\.capability))
        if context.history == nil { offered.subtract([.chathistory, .eventPlayback]) }
        return offered
    }

    /// Takes new capabilities; a registered user's line form changes in the directory too.
    mutating func setCapabilities(_ new: Capabilities, _ context: ChatContext) {
        let before = (lineForm, capabilities.contains(.awayNotify))
        capabilities = new
        if let nickname, before != (lineForm, capabilities.contains(.awayNotify)) {
            context.directory.setLineForm(nickname, lineForm, awayNotify: capabilities.contains(.awayNotify))
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
