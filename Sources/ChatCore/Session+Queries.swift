import LineProtocol

// What users ask about other users: WHO, WHOIS, AWAY, USERHOST, ISON. Addresses stay private:
// the host shown is the server's name unless the server runs with --list-addresses.
extension Session {
    /// WHO <#room|nick>
    func handleWho(_ mask: String, _ context: ChatContext, _ effects: inout Effects) {
        if RoomName.isRoom(mask) {
            if let room = context.directory.room(named: mask) {
                for member in room.orderedMembers {
                    guard let user = context.directory.user(named: member.nickname.name) else { continue }
                    replyWho(user, room: room.name.name, prefix: member.prefix(), context, &effects)
                }
            }
        } else if let user = context.directory.user(named: mask) {
            replyWho(user, room: "*", prefix: "", context, &effects)
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
        for key in user.rooms {
            guard let room = context.directory.room(named: key), let member = room.members[user.nickname.key] else {
                continue
            }
            rooms.append(member.prefix() + room.name.name)
        }
        if !rooms.isEmpty { reply(&effects, context, .whoisChannels, [name], trailing: rooms.joined(separator: " ")) }
        reply(&effects, context, .whoisServer, [name, context.config.serverName], trailing: "LineChat")
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
    private func host(of user: User, _ context: ChatContext) -> String {
        guard context.config.listAddresses else { return context.config.serverName }
        return String(user.address.split(separator: ":").dropLast().joined(separator: ":"))
    }
}
