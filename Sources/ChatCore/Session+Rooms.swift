import LineProtocol

// Room commands: JOIN, PART, TOPIC, NAMES, LIST/ROOMS, INVITE, KICK, MODE.
extension Session {
    /// JOIN <#room>[,<#room>...] [<key>[,<key>...]]; JOIN 0 leaves every room.
    mutating func handleJoin(_ rooms: [String], _ keys: [String], _ context: ChatContext, _ effects: inout Effects) {
        for (index, name) in rooms.enumerated() {
            if name == "0" {
                leaveAll(context, &effects)
                continue
            }
            let room: RoomName
            do {
                room = try RoomName(validating: name)
            } catch {
                let numeric: Numeric = RoomName.isRoom(name) ? .badChannelMask : .noSuchChannel
                reply(&effects, context, numeric, [name], trailing: "Illegal room name (rooms are # and up to 49 characters, no spaces or commas)")
                continue
            }
            join(room, key: index < keys.count ? keys[index] : nil, context, &effects)
        }
    }

    /// Joins one room: the JOIN to every member (the joiner first), then the topic and the
    /// member list to the joiner.
    mutating func join(_ name: RoomName, key: String?, _ context: ChatContext, _ effects: inout Effects) {
        guard let nickname else { return }
        switch context.directory.join(
            name, nickname: nickname, hostmask: fullSource(context), id: id, key: key,
            founderIsOperator: name != context.config.defaultRoom, wallClock: context.wallClock)
        {
        case .failure(let refusal):
            switch refusal {
            case .alreadyMember: return
            case .tooManyRooms:
                reply(&effects, context, .tooManyChannels, [name.name], trailing: "You have joined too many channels")
            case .inviteOnly:
                reply(&effects, context, .inviteOnlyChannel, [name.name], trailing: "Cannot join channel (+i): invite only")
            case .banned:
                reply(&effects, context, .bannedFromChannel, [name.name], trailing: "Cannot join channel (+b): you are banned")
            case .badKey:
                reply(&effects, context, .badChannelKey, [name.name], trailing: "Cannot join channel (+k): wrong key")
            case .full:
                reply(&effects, context, .channelIsFull, [name.name], trailing: "Cannot join channel (+l): it is full")
            case .unavailable:
                replyUnavailable(name.name, context, &effects)
            default:
                reply(&effects, context, .noSuchChannel, [name.name], trailing: "No such channel")
            }
        case .success(let outcome):
            var room = outcome.room
            if outcome.created, name == context.config.defaultRoom, room.topic == nil,
                case .success(let updated) = context.directory.setTopic(
                    name.name, by: nil, setter: context.config.serverName, text: context.config.defaultTopic,
                    wallClock: context.wallClock)
            {
                room = updated
            }
            let stamp = context.stamp()
            let line = userLine(context, command: "JOIN", parameters: [room.name.name], stamp: stamp)
            effects.outbound.append(.joinedRoom(room.name.key))
            echo(&effects, line)
            effects.outbound.append(.toRoom(room.name.key, line: line, except: id))
            if let topic = room.topic { replyTopic(room.name, topic, context, &effects) }
            replyNames(room, context, &effects)
            replayOnJoin(room.name, context, &effects)
            record(.join, room.name, stamp, context, text: "")
            // away-notify: those in the room who asked hear that the joiner is away.
            if let away = context.directory.user(named: nickname.name)?.away {
                let awayLine = userLine(context, command: "AWAY", trailing: away, forms: [.full, .timed, .tagged])
                effects.outbound.append(.toRoomsAwayNotify([room.name.key], line: awayLine, except: id))
            }
        }
    }

    /// JOIN 0: PART every room.
    private mutating func leaveAll(_ context: ChatContext, _ effects: inout Effects) {
        guard let nickname, let user = context.directory.user(named: nickname.name) else { return }
        for key in user.rooms {
            if let room = context.directory.room(named: key) {
                handlePart([room.name.name], nil, context, &effects)
            }
        }
    }

    /// PART <#room>[,<#room>...] [<reason>]
    mutating func handlePart(_ rooms: [String], _ reason: String?, _ context: ChatContext, _ effects: inout Effects) {
        guard let nickname else { return }
        for name in rooms {
            switch context.directory.part(name, nickname: nickname) {
            case .failure(.notMember):
                reply(&effects, context, .notOnChannel, [name], trailing: "You're not on that channel")
            case .failure:
                reply(&effects, context, .noSuchChannel, [name], trailing: "No such channel")
            case .success(let room):
                let why = reason.map { UTF8Prefix.of($0, atMost: Limits.maxQuitReasonBytes) }
                let stamp = context.stamp()
                let line = userLine(context, command: "PART", parameters: [room.name.name], trailing: why, stamp: stamp)
                record(.part, room.name, stamp, context, text: why ?? "")
                echo(&effects, line)
                effects.outbound.append(.toRoom(room.name.key, line: line, except: id))
                effects.outbound.append(.leftRoom(room.name.key, id: id))
            }
        }
    }

    /// TOPIC <#room> [<text>]
    func handleTopic(_ name: String, _ text: String?, _ context: ChatContext, _ effects: inout Effects) {
        guard let nickname else { return }
        guard let text else {
            guard let room = context.directory.room(named: name) else {
                reply(&effects, context, .noSuchChannel, [name], trailing: "No such channel")
                return
            }
            if let topic = room.topic {
                replyTopic(room.name, topic, context, &effects)
            } else {
                reply(&effects, context, .noTopic, [room.name.name], trailing: "No topic is set")
            }
            return
        }
        let topic = UTF8Prefix.of(text, atMost: Limits.topicMaxLength)
        switch context.directory.setTopic(
            name, by: nickname, setter: nickname.name, text: topic, wallClock: context.wallClock)
        {
        case .failure(let refusal):
            replyRefusal(refusal, room: name, context, &effects)
        case .success(let room):
            let stamp = context.stamp()
            let line = userLine(context, command: "TOPIC", parameters: [room.name.name], trailing: topic, stamp: stamp)
            record(.topic, room.name, stamp, context, text: topic)
            echo(&effects, line)
            effects.outbound.append(.toRoom(room.name.key, line: line, except: id))
        }
    }

    /// NAMES [<#room>[,<#room>...]]
    func handleNames(_ names: [String]?, _ context: ChatContext, _ effects: inout Effects) {
        let asker = nickname?.key ?? ""
        guard let names else {
            for room in context.directory.rooms() where !room.modes.secret || room.members[asker] != nil {
                replyNames(room, context, &effects, end: false)
            }
            reply(&effects, context, .endOfNames, ["*"], trailing: "End of /NAMES list")
            return
        }
        for name in names {
            if let room = context.directory.room(named: name), !room.modes.secret || room.members[asker] != nil {
                replyNames(room, context, &effects)
            } else {
                reply(&effects, context, .endOfNames, [name], trailing: "End of /NAMES list")
            }
        }
    }

    /// LIST for IRC clients, `LIST #*` / `LIST #a,#b` and ROOMS: 321, one 322 per room, 323.
    func handleListRooms(mask: String?, _ context: ChatContext, _ effects: inout Effects) {
        let wanted: [String]? = mask.flatMap { mask in
            mask == "#*" || mask == "*" ? nil : mask.split(separator: ",").map { RoomName.fold(String($0)) }
        }
        reply(&effects, context, .listStart, ["Channel"], trailing: "Users  Name")
        let asker = nickname?.key ?? ""
        for room in context.directory.rooms()
        where (wanted.map { $0.contains(room.name.key) } ?? true) && (!room.modes.secret || room.members[asker] != nil)
        {
            let (modes, _) = room.modes.modeString(showKey: false)
            reply(
                &effects, context, .list, [room.name.name, String(room.members.count)],
                trailing: "[\(modes)] " + (room.topic?.text ?? ""))
        }
        reply(&effects, context, .listEnd, trailing: "End of /LIST")
    }

    /// INVITE <nick> <#room>
    func handleInvite(_ nick: String, _ roomName: String, _ context: ChatContext, _ effects: inout Effects) {
        guard let nickname else { return }
        switch context.directory.invite(roomName, by: nickname, target: nick) {
        case .failure(.noSuchNick):
            reply(&effects, context, .noSuchNick, [nick], trailing: "No such nick")
        case .failure(.targetAlreadyMember):
            reply(&effects, context, .userOnChannel, [nick, roomName], trailing: "is already on channel")
        case .failure(let refusal):
            replyRefusal(refusal, room: roomName, context, &effects)
        case .success(let outcome):
            let target = outcome.target
            reply(&effects, context, .inviting, [target.nickname.name, outcome.room.name.name])
            let line = userLine(
                context, command: "INVITE", parameters: [target.nickname.name, outcome.room.name.name])
            effects.outbound.append(.send(to: target.id, line: line))
        }
    }

    /// KICK <#room> <nick>[,<nick>...] [<reason>]
    func handleKick(
        _ roomName: String, _ nicks: [String], _ reason: String?, _ context: ChatContext, _ effects: inout Effects
    ) {
        guard let nickname else { return }
        let why = UTF8Prefix.of(reason ?? nickname.name, atMost: Limits.kickReasonMaxLength)
        for nick in nicks {
            switch context.directory.kick(roomName, by: nickname, target: nick) {
            case .failure(.noSuchNick):
                reply(&effects, context, .noSuchNick, [nick], trailing: "No such nick")
            case .failure(.targetNotMember):
                reply(&effects, context, .userNotInChannel, [nick, roomName], trailing: "They aren't on that channel")
            case .failure(let refusal):
                replyRefusal(refusal, room: roomName, context, &effects)
                return
            case .success(let outcome):
                let stamp = context.stamp()
                let line = userLine(
                    context, command: "KICK", parameters: [outcome.room.name.name, outcome.member.name],
                    trailing: why, stamp: stamp)
                record(.kick, outcome.room.name, stamp, context, text: why, target: outcome.member.name)
                echo(&effects, line)
                // The kicked member is still on its loop's member list: it sees the KICK too.
                effects.outbound.append(.toRoom(outcome.room.name.key, line: line, except: id))
                effects.outbound.append(.leftRoom(outcome.room.name.key, id: outcome.member.id))
            }
        }
    }

    // MARK: Replies

    func replyTopic(_ room: RoomName, _ topic: Room.Topic, _ context: ChatContext, _ effects: inout Effects) {
        reply(&effects, context, .topic, [room.name], trailing: topic.text)
        reply(&effects, context, .topicWhoTime, [room.name, topic.setBy, String(topic.setAt)])
    }

    /// 353 lines (as many as the members need, each within 512 bytes) and 366. The lines are
    /// written straight into the reply: a NAMES of a big room (every join's reply) makes no
    /// string per member, whose short-lived allocations would scatter the heap.
    func replyNames(_ room: Room, _ context: ChatContext, _ effects: inout Effects, end: Bool = true) {
        let kind = room.modes.secret ? "@" : "="
        let header = Array(":\(context.config.serverName) 353 \(target) \(kind) \(room.name.name) :".utf8)
        let allPrefixes = capabilities.contains(.multiPrefix)
        let withHosts = capabilities.contains(.userhostInNames)
        var lineBytes = 0  // of the line being written, CRLF included; 0: none started
        room.forEachMemberInJoinOrder { member in
            let prefix = member.prefix(all: allPrefixes).utf8
            let nick = member.name.utf8
            // userhost-in-names: `nick!user@host` (a directory look-up per member, for those
            // clients only).
            let hostmask = withHosts ? context.directory.user(named: member.name).map { user in
                "!\(user.username)@\(host(of: user, context))"
            } ?? "" : ""
            let nameBytes = prefix.count + nick.count + hostmask.utf8.count
            if lineBytes > 0 && lineBytes + 1 + nameBytes > ServerLine.maxBytes {
                effects.reply.append(contentsOf: [13, 10])
                lineBytes = 0
            }
            if lineBytes == 0 {
                guard header.count + nameBytes + 2 <= ServerLine.maxBytes else {
                    // Cannot happen with the name limits; `reply` would shorten the line.
                    reply(
                        &effects, context, .namesReply, [kind, room.name.name],
                        trailing: String(prefix) + member.name + hostmask)
                    return
                }
                effects.reply.append(contentsOf: header)
                lineBytes = header.count + 2
            } else {
                effects.reply.append(32)
                lineBytes += 1
            }
            effects.reply.append(contentsOf: prefix)
            effects.reply.append(contentsOf: nick)
            effects.reply.append(contentsOf: hostmask.utf8)
            lineBytes += nameBytes
        }
        if lineBytes > 0 { effects.reply.append(contentsOf: [13, 10]) }
        if end { reply(&effects, context, .endOfNames, [room.name.name], trailing: "End of /NAMES list") }
    }

    /// 440: a cluster node whose shared store is unreachable claims nothing (nicknames, rooms,
    /// modes) until it is back; chat with the users of this node goes on.
    func replyUnavailable(_ target: String, _ context: ChatContext, _ effects: inout Effects) {
        reply(
            &effects, context, .unavailable, [target],
            trailing: "Cannot do that now: this server has lost its cluster's shared store; try again shortly")
    }

    /// The numeric for a refused room operation.
    func replyRefusal(_ refusal: RoomRefusal, room: String, _ context: ChatContext, _ effects: inout Effects) {
        switch refusal {
        case .notMember:
            reply(&effects, context, .notOnChannel, [room], trailing: "You're not on that channel")
        case .notOperator:
            reply(&effects, context, .channelOperatorNeeded, [room], trailing: "You're not channel operator")
        case .noSuchNick:
            reply(&effects, context, .noSuchNick, [room], trailing: "No such nick")
        case .unavailable:
            replyUnavailable(room, context, &effects)
        default:
            reply(&effects, context, .noSuchChannel, [room], trailing: "No such channel")
        }
    }
}
