import LineProtocol

// What users ask about other users: WHO, WHOIS, AWAY, USERHOST, ISON. Addresses stay private:
// the host shown is the server's name unless the server runs with --list-addresses.
extension Session {
    /// WHO <#room|nick|mask> [%<fields>[,<token>]]: 352 per user (354 with the WHOX fields), 315.
    func handleWho(_ mask: String, fields: String?, _ context: ChatContext, _ effects: inout Effects) {
        var found: [(user: User, room: String, prefix: String)] = []
        if RoomName.isRoom(mask) {
            if let room = context.directory.room(named: mask),
                !room.modes.secret || room.members[nickname?.key ?? ""] != nil
            {
                for member in room.orderedMembers {
                    guard let user = context.directory.user(named: member.name) else { continue }
                    found.append((user, room.name.name, member.prefix(all: capabilities.contains(.multiPrefix))))
                }
            }
        } else if mask.contains("*") || mask.contains("?") {
            // A nickname mask: every user it matches; an invisible one only to itself and to
            // those who share a room with it.
            let pattern = Array(Nickname.fold(mask).utf8)
            let mine = Set(nickname.flatMap { context.directory.user(named: $0.name)?.rooms } ?? RoomKeys())
            for user in context.directory.snapshot()
            where Glob.matches(pattern, Array(user.nickname.key.utf8))
                && (!user.isInvisible || user.nickname.key == nickname?.key || !mine.isDisjoint(with: user.rooms))
            {
                found.append((user, "*", ""))
            }
        } else if let user = context.directory.user(named: mask) {
            found.append((user, "*", ""))
        }
        if let fields, fields.hasPrefix("%") {
            let parts = fields.dropFirst().split(separator: ",", maxSplits: 1)
            let letters = Set(parts.first ?? "")
            let token = parts.count > 1 ? String(parts[1]) : nil
            for entry in found { replyWhox(entry.user, entry.room, entry.prefix, letters, token, context, &effects) }
        } else {
            for entry in found { replyWho(entry.user, room: entry.room, prefix: entry.prefix, context, &effects) }
        }
        reply(&effects, context, .endOfWho, [mask], trailing: "End of /WHO list")
    }

    private func replyWho(_ user: User, room: String, prefix: String, _ context: ChatContext, _ effects: inout Effects) {
        let server = context.config.serverName
        let status = (user.away == nil ? "H" : "G") + prefix
        reply(
            &effects, context, .whoReply, [room, user.username, host(of: user, context), server, user.nickname.name, status],
            trailing: "0 \(user.realname)")
    }

    /// One WHOX reply (354): the asked-for fields in the fixed order t c u i h s n f d l a o r.
    private func replyWhox(
        _ user: User, _ room: String, _ prefix: String, _ letters: Set<Character>, _ token: String?,
        _ context: ChatContext, _ effects: inout Effects
    ) {
        var parameters: [String] = []
        var trailing: String?
        for letter in "tcuihsnfdlaor" where letters.contains(letter) {
            switch letter {
            case "t": parameters.append(token ?? "0")
            case "c": parameters.append(room)
            case "u": parameters.append(user.username)
            case "i": parameters.append("255.255.255.255")  // addresses stay private
            case "h": parameters.append(host(of: user, context))
            case "s": parameters.append(context.config.serverName)
            case "n": parameters.append(user.nickname.name)
            case "f": parameters.append((user.away == nil ? "H" : "G") + prefix)
            case "d": parameters.append("0")
            case "l": parameters.append(String(max(0, (context.now - user.activity.lastActiveNanoseconds) / 1_000_000_000)))
            case "a": parameters.append("0")  // no accounts
            case "o": parameters.append("n/a")
            default: trailing = user.realname
            }
        }
        ServerLine.append(
            to: &effects.reply, source: context.config.serverName, command: "354", parameters: [target] + parameters,
            trailing: trailing)
    }

    /// WHOIS <nick>
    func handleWhois(_ nick: String, _ context: ChatContext, _ effects: inout Effects) {
        guard let user = context.directory.user(named: nick) else {
            reply(&effects, context, .noSuchNick, [nick], trailing: "No such nick")
            reply(&effects, context, .endOfWhois, [nick], trailing: "End of /WHOIS list")
            return
        }
        let name = user.nickname.name
        reply(&effects, context, .whoisUser, [name, user.username, host(of: user, context), "*"], trailing: user.realname)
        var rooms: [String] = []
        let asker = nickname?.key ?? ""
        for key in user.rooms {
            guard let room = context.directory.room(named: key), let member = room.members[user.nickname.key] else {
                continue
            }
            // An invisible user's rooms show only to those who share them.
            let hidden = user.isInvisible || room.modes.secret
            if hidden && room.members[asker] == nil && asker != user.nickname.key { continue }
            rooms.append(member.prefix(all: capabilities.contains(.multiPrefix)) + room.name.name)
        }
        if !rooms.isEmpty { reply(&effects, context, .whoisChannels, [name], trailing: rooms.joined(separator: " ")) }
        reply(&effects, context, .whoisServer, [name, context.config.serverName], trailing: "LineChat")
        if user.isSecure {
            // RPL_WHOISSECURE: not in `Numeric`, whose every case the client renders in words.
            ServerLine.append(
                to: &effects.reply, source: context.config.serverName, command: "671", parameters: [target, name],
                trailing: "is using a secure connection")
        }
        if let away = user.away { reply(&effects, context, .away, [name], trailing: away) }
        let idle = max(0, (context.now - user.activity.lastActiveNanoseconds) / 1_000_000_000)
        let signon = context.wallClock - max(0, (context.now - user.connectedAt) / 1_000_000_000)
        reply(&effects, context, .whoisIdle, [name, String(idle), String(signon)], trailing: "seconds idle, signon time")
        reply(&effects, context, .endOfWhois, [name], trailing: "End of /WHOIS list")
    }

    /// AWAY [<text>]
    func handleAway(_ text: String?, _ context: ChatContext, _ effects: inout Effects) {
        guard let nickname else { return }
        let message = text.map { UTF8Prefix.of($0, atMost: Limits.awayMaxLength) }
        context.directory.setAway(nickname, message: message)
        if let user = context.directory.user(named: nickname.name), !user.rooms.isEmpty {
            // away-notify: those sharing a room who asked for it.
            let line = userLine(context, command: "AWAY", trailing: message, forms: [.full, .timed, .tagged])
            effects.outbound.append(.toRoomsAwayNotify(Array(user.rooms), line: line, except: id))
        }
        if message == nil {
            reply(&effects, context, .unaway, trailing: "You are no longer marked as being away")
        } else {
            reply(&effects, context, .nowAway, trailing: "You have been marked as being away")
        }
    }

    /// USERHOST <nick> [<nick>...]: `nick=+user@host` (`-` when away), at most five.
    func handleUserhost(_ nicks: [String], _ context: ChatContext, _ effects: inout Effects) {
        let entries = nicks.prefix(5).compactMap { nick -> String? in
            guard let user = context.directory.user(named: nick) else { return nil }
            return "\(user.nickname.name)=\(user.away == nil ? "+" : "-")\(user.username)@\(host(of: user, context))"
        }
        reply(&effects, context, .userhost, trailing: entries.joined(separator: " "))
    }

    /// ISON <nick> [<nick>...]
    func handleIson(_ nicks: [String], _ context: ChatContext, _ effects: inout Effects) {
        let online = nicks.compactMap { context.directory.user(named: $0)?.nickname.name }
        reply(&effects, context, .ison, trailing: online.joined(separator: " "))
    }

    /// The host part shown for a user: the server's name, or its IP with --list-addresses.
    func host(of user: User, _ context: ChatContext) -> String {
        guard context.config.listAddresses else { return context.config.serverName }
        return String(user.address.split(separator: ":").dropLast().joined(separator: ":"))
    }
}

/// `*` and `?` wildcard matching on bytes, as IRC masks use it.
enum Glob {
    static func matches(_ pattern: [UInt8], _ text: [UInt8]) -> Bool {
        var p = 0
        var t = 0
        var star: Int?
        var resume = 0
        while t < text.count {
            if p < pattern.count && (pattern[p] == UInt8(ascii: "?") || pattern[p] == text[t]) {
                p += 1
                t += 1
            } else if p < pattern.count && pattern[p] == UInt8(ascii: "*") {
                star = p
                resume = t
                p += 1
            } else if let star {
                p = star + 1
                resume += 1
                t = resume
            } else {
                return false
            }
        }
        while p < pattern.count && pattern[p] == UInt8(ascii: "*") { p += 1 }
        return p == pattern.count
    }
}
