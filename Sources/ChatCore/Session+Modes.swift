import LineProtocol

// MODE for rooms and for the user's own modes.
extension Session {
    /// MODE <#room|nick> [<modes> [<arguments>...]]
    mutating func handleMode(
        _ target: String, _ modes: String?, _ arguments: [String], _ context: ChatContext, _ effects: inout Effects
    ) {
        guard let nickname else { return }
        guard RoomName.isRoom(target) else {
            handleUserMode(target, modes, nickname, context, &effects)
            return
        }
        guard let room = context.directory.room(named: target) else {
            reply(&effects, context, .noSuchChannel, [target], trailing: "No such channel")
            return
        }
        guard let modes, !modes.isEmpty else {
            let (flags, parameters) = room.modes.modeString(showKey: room.members[nickname.key] != nil)
            reply(&effects, context, .channelModeIs, [room.name.name, flags] + parameters)
            reply(&effects, context, .creationTime, [room.name.name, String(room.createdAt)])
            return
        }
        // List queries clients send on joining: the bans, and the (unsupported, so empty)
        // exception and invite-exception lists.
        if (modes == "b" || modes == "+b") && arguments.isEmpty {
            for ban in room.modes.bans {
                reply(&effects, context, .banList, [room.name.name, ban.mask, ban.setBy, String(ban.setAt)])
            }
            reply(&effects, context, .endOfBanList, [room.name.name], trailing: "End of channel ban list")
            return
        }
        if modes == "e" || modes == "I" {
            let end: (Int, String) =
                modes == "e" ? (349, "End of channel exception list") : (347, "End of channel invite list")
            ServerLine.append(
                to: &effects.reply, source: context.config.serverName, command: String(end.0),
                parameters: [self.target, room.name.name], trailing: end.1)
            return
        }
        var changes: [ModeChange] = []
        var remaining = arguments[...]
        var adding = true
        for character in modes {
            switch character {
            case "+": adding = true
            case "-": adding = false
            case "n", "t", "m", "i", "s":
                changes.append(.flag(ModeChange.RoomFlag(rawValue: character)!, on: adding))
            case "k":
                if adding {
                    guard let key = remaining.popFirst(), !key.isEmpty, !key.contains(",") else {
                        reply(&effects, context, .invalidModeParameter, [room.name.name, "k", "*"], trailing: "Key is missing or invalid")
                        continue
                    }
                    changes.append(.key(key))
                } else {
                    _ = remaining.popFirst()
                    changes.append(.key(nil))
                }
            case "l":
                if adding {
                    guard let text = remaining.popFirst(), let limit = Int(text), limit > 0 else {
                        reply(&effects, context, .invalidModeParameter, [room.name.name, "l", "*"], trailing: "Limit is missing or invalid")
                        continue
                    }
                    changes.append(.limit(limit))
                } else {
                    changes.append(.limit(nil))
                }
            case "o", "v":
                guard let nick = remaining.popFirst() else {
                    reply(&effects, context, .needMoreParams, ["MODE"], trailing: "Not enough parameters")
                    continue
                }
                changes.append(.member(ModeChange.MemberStatus(rawValue: character)!, target: nick, on: adding))
            case "b":
                guard let mask = remaining.popFirst(), !mask.isEmpty else { continue }
                changes.append(.ban(Self.normalizedMask(mask), on: adding))
            default:
                reply(&effects, context, .unknownMode, [String(character)], trailing: "is unknown mode char to me")
            }
        }
        guard !changes.isEmpty else { return }
        switch context.directory.changeModes(
            room.name.name, by: nickname, setter: nickname.name, changes: changes, wallClock: context.wallClock)
        {
        case .failure(let refusal):
            replyRefusal(refusal, room: room.name.name, context, &effects)
        case .success(let outcome):
            for missing in outcome.missingTargets {
                reply(&effects, context, .userNotInChannel, [missing, room.name.name], trailing: "They aren't on that channel")
            }
            guard !outcome.applied.isEmpty else { return }
            let (flags, parameters) = Self.describe(outcome.applied)
            let line = userLine(context, command: "MODE", parameters: [room.name.name, flags] + parameters)
            echo(&effects, line)
            effects.outbound.append(.toRoom(room.name.key, line: line, except: id))
        }
    }

    /// `+nt-k+o bob`-style text for applied changes.
    static func describe(_ changes: [ModeChange]) -> (String, [String]) {
        var text = ""
        var parameters: [String] = []
        var sign: Character?
        func add(_ on: Bool, _ letter: Character) {
            let wanted: Character = on ? "+" : "-"
            if sign != wanted {
                text.append(wanted)
                sign = wanted
            }
            text.append(letter)
        }
        for change in changes {
            switch change {
            case .flag(let flag, let on): add(on, flag.rawValue)
            case .key(let key):
                add(key != nil, "k")
                parameters.append(key ?? "*")
            case .limit(let limit):
                add(limit != nil, "l")
                if let limit { parameters.append(String(limit)) }
            case .member(let status, let target, let on):
                add(on, status.rawValue)
                parameters.append(target)
            case .ban(let mask, let on):
                add(on, "b")
                parameters.append(mask)
            }
        }
        return (text, parameters)
    }

    /// A ban mask in full `nick!user@host` form: `bob` is `bob!*@*`, `bob!x` is `bob!x@*`.
    static func normalizedMask(_ mask: String) -> String {
        var mask = mask
        if !mask.contains("!") && !mask.contains("@") { mask += "!*@*" }
        if !mask.contains("@") { mask += "@*" }
        return mask
    }

    /// MODE <nick> [<modes>]: only one's own modes; +i is accepted, others are unknown.
    private mutating func handleUserMode(
        _ target: String, _ modes: String?, _ nickname: Nickname, _ context: ChatContext, _ effects: inout Effects
    ) {
        guard Nickname.fold(target) == nickname.key else {
            if context.directory.user(named: target) == nil {
                reply(&effects, context, .noSuchNick, [target], trailing: "No such nick")
            } else {
                reply(&effects, context, .usersDontMatch, trailing: "Can't change mode for other users")
            }
            return
        }
        guard let modes, !modes.isEmpty else {
            reply(&effects, context, .userModeIs, [isInvisible ? "+i" : "+"])
            return
        }
        var adding = true
        var changed = ""
        var unknown = false
        for character in modes {
            switch character {
            case "+": adding = true
            case "-": adding = false
            case "i":
                if isInvisible != adding {
                    isInvisible = adding
                    context.directory.setInvisible(nickname, adding)
                    changed += (adding ? "+" : "-") + "i"
                }
            default: unknown = true
            }
        }
        if unknown { reply(&effects, context, .userModeUnknownFlag, trailing: "Unknown MODE flag") }
        if !changed.isEmpty {
            ServerLine.append(
                to: &effects.reply, source: lineForm.isFullSource ? fullSource(context) : nickname.name, command: "MODE",
                parameters: [nickname.name], trailing: changed)
        }
    }
}
