import LineProtocol
import TerminalUI

// Numeric replies in words: the welcome, the message of the day (its protocol command list
// replaced by the client's own commands), lists and queries collected into tables, and errors.
extension Renderer {
    mutating func render(_ numeric: Numeric, _ message: ServerMessage) -> [String] {
        let text = IRCText.clean(message.last ?? "")
        // The first parameter of every numeric is the user it is addressed to.
        let subject = IRCText.clean(message.parameter(1) ?? "")
        let second = IRCText.clean(message.parameter(2) ?? "")
        switch numeric {
        case .welcome, .yourHost, .created, .helpStart, .helpText:
            return [text]
        case .myInfo, .isupport, .helpEnd, .topicWhoTime, .creationTime, .endOfWhois:
            return []
        case .motdStart:
            motdHeading = text
            motd = []
            return []
        case .motd:
            let line = text.hasPrefix("- ") ? String(text.dropFirst(2)) : text == "-" ? "" : text
            if motd == nil { motd = [] }
            motd?.append(line)
            return []
        case .motdEnd:
            if motd == nil { motd = [] }
            return endMOTD()

        case .list:
            if RoomName.isRoom(subject) {
                listIsRooms = true
                roomRows.append(RoomTable.Row(room: subject, members: second, topic: text))
            } else {
                listRows.append(UserTable.Row(nick: subject, info: message.parameters.count > 2 ? text : ""))
            }
            return []
        case .listStart:
            listIsRooms = true
            return []
        case .listEnd:
            defer {
                listRows = []
                roomRows = []
                listIsRooms = false
            }
            if listIsRooms { return RoomTable.render(roomRows, current: currentRoom, style: style) }
            return UserTable.render(listRows, me: me, style: style)

        case .topic:
            return ["Topic of \(subject): \(IRCText.clean(message.parameter(2) ?? ""))"]
        case .noTopic:
            return ["\(subject) has no topic"]
        case .namesReply:
            // 353 <me> <=|*|@> <#room> :<members>
            let room = second
            let members = text.split(separator: " ").map(String.init)
            if let index = names.firstIndex(where: { RoomName.fold($0.room) == RoomName.fold(room) }) {
                names[index].members += members
            } else {
                names.append((room, members))
            }
            return []
        case .endOfNames:
            let done: [(room: String, members: [String])]
            if subject == "*" {
                done = names
                names = []
            } else if let index = names.firstIndex(where: { RoomName.fold($0.room) == RoomName.fold(subject) }) {
                done = [names.remove(at: index)]
            } else {
                done = [(subject, [])]
            }
            return done.map { memberLine(room: $0.room, members: $0.members) }
        case .whoReply:
            // 352 <me> <#room|*> <user> <host> <server> <nick> <H|G>[@|+] :<hops> <realname>
            let realname = text.split(separator: " ", maxSplits: 1).dropFirst().first.map(String.init) ?? ""
            let flags = IRCText.clean(message.parameter(6) ?? "")
            whoRows.append(
                WhoTable.Row(
                    nick: IRCText.clean(message.parameter(5) ?? ""),
                    prefix: String(flags.dropFirst().prefix(1)),
                    address: "\(second)@\(IRCText.clean(message.parameter(3) ?? ""))",
                    away: flags.hasPrefix("G"), realname: realname))
            return []
        case .endOfWho:
            defer { whoRows = [] }
            return WhoTable.render(whoRows, mask: subject, me: me, style: style)

        case .whoisUser:
            // 311 <me> <nick> <user> <host> * :<realname>
            let address = "\(second)@\(IRCText.clean(message.parameter(3) ?? ""))"
            return ["\(style.nick(subject)) is \(address) (\(text))"]
        case .whoisChannels:
            return ["\(style.nick(subject)) is in \(text)"]
        case .whoisServer:
            return ["\(style.nick(subject)) is connected to \(second)" + Self.parenthesised(text)]
        case .whoisIdle:
            let seconds = Int(second) ?? 0
            return ["\(style.nick(subject)) has been idle \(Self.duration(seconds: seconds))"]
        case .away:
            return [style.event("\(style.nick(subject)) is away: \(text)")]
        case .unaway:
            return [style.event("You are no longer marked as away")]
        case .nowAway:
            return [style.event("You are now marked as away")]
        case .userModeIs:
            return ["Your user mode: \(subject)"]
        case .channelModeIs:
            return ["Modes of \(subject): " + IRCText.clean(message.parameters.dropFirst(2).joined(separator: " "))]
        case .inviting:
            return [style.event("You invited \(style.nick(subject)) to \(second)")]
        case .banList:
            return ["Ban on \(subject): \(second)"]
        case .endOfBanList:
            return []
        case .userhost, .ison:
            return [text]

        case .unknownError:
            let refused = "Line refused: "
            if text.hasPrefix(refused) {
                return [style.error("The server refused that line: " + text.dropFirst(refused.count))]
            }
            // 400 <me> <command> :<why>: a command the server refused (HISTORY with a bad count).
            if message.parameters.count > 2 { return [style.error("The server refused \(subject): \(text)")] }
            return [style.error("Server error: \(text)")]
        case .noSuchNick:
            return [style.error("No such user: \(subject)")]
        case .noSuchChannel:
            if subject == "*" { return [style.error("This server has no default room: /join a room to talk")] }
            return [style.error("No such room: \(subject)")]
        case .cannotSendToChannel:
            if text.contains("moderated") {
                return [
                    style.error("Cannot send to \(subject): it is moderated (only operators and voiced users speak)")
                ]
            }
            return [style.error("Cannot send to \(subject): you are not in it (/join \(subject) first)")]
        case .tooManyChannels:
            return [style.error("Cannot join \(subject): you are in too many rooms")]
        case .tooManyTargets:
            return [style.error("Too many recipients" + Self.parenthetical(text, or: ""))]
        case .invalidCapCommand:
            return [style.error("Invalid CAP command: \(subject)")]
        case .noRecipient:
            return [style.error("No recipient given: say who the message is for")]
        case .noTextToSend:
            return [style.error("No text to send")]
        case .inputTooLong:
            return [style.error("That line was too long for the server" + Self.parenthetical(text, or: ""))]
        case .unknownCommand:
            // A command this server has turned off says why (HISTORY under --no-history).
            if !text.isEmpty && !text.hasPrefix("Unknown command") {
                return [style.error("The server refused \(subject): \(text)")]
            }
            return [style.error("Unknown command: \(subject)")]
        case .noNicknameGiven:
            return [style.error("No nickname given")]
        case .erroneousNickname:
            return [style.error(Self.nickRefusal(nick: subject, reason: text))]
        case .nicknameInUse:
            return [style.error("Nickname already in use: \(subject)")]
        case .unavailable:
            return [style.error("\(subject): the server cannot do that now (its cluster store is unreachable); try again shortly")]
        case .userNotInChannel:
            return [style.error("\(subject) is not in \(second)")]
        case .notOnChannel:
            return [style.error("You are not in \(subject)" + Self.parenthetical(text, or: ""))]
        case .userOnChannel:
            return [style.error("\(subject) is already in \(second)")]
        case .notRegistered:
            return [style.error("You have not joined yet: pick a nickname first")]
        case .needMoreParams:
            return [style.error("Not enough parameters for \(subject)")]
        case .alreadyRegistered:
            return [style.error("You are already registered")]
        case .keySet:
            return [style.error("\(subject) already has a key")]
        case .channelIsFull:
            return [style.error("Cannot join \(subject): it is full")]
        case .unknownMode:
            return [style.error("Unknown mode: \(subject)")]
        case .bannedFromChannel:
            return [style.error("Cannot join \(subject): you are banned from it")]
        case .inviteOnlyChannel:
            return [style.error("Cannot join \(subject): it is invite only (an operator can /invite you)")]
        case .badChannelKey:
            return [style.error("Cannot join \(subject): wrong or missing key (/join \(subject) <key>)")]
        case .badChannelMask:
            return [style.error("Invalid room name: \(subject) (# then up to 49 characters, no spaces or commas)")]
        case .channelOperatorNeeded:
            return [style.error("You are not an operator of \(subject)")]
        case .userModeUnknownFlag:
            return [style.error("Unknown user mode")]
        case .usersDontMatch:
            return [style.error("You cannot change another user's modes")]
        case .invalidModeParameter:
            // 696 <me> <target> <mode letter> <parameter> :<why>
            return [style.error("Invalid mode \(second) for \(subject): \(text)")]
        case .helpNotFound:
            return [style.error("No help on \(subject)")]
        }
    }

    /// The message of the day without its list of protocol commands (indented lines that
    /// start with an upper-case verb, and the line ending in ":" that introduces them),
    /// followed by the client's own commands.
    mutating func endMOTD() -> [String] {
        guard var body = motd else { return [] }
        let heading = motdHeading.map { [$0] } ?? []
        motd = nil
        motdHeading = nil
        let isCommand = { (line: String) -> Bool in
            let (verb, _) = line.splitFirstWord()
            return line.hasPrefix("  ") && verb.count >= 2
                && verb.unicodeScalars.allSatisfy { ("A"..."Z").contains($0) }
        }
        var kept: [String] = []
        for (index, line) in body.enumerated() {
            if isCommand(line) { continue }
            if line.hasSuffix(":"), index + 1 < body.count, isCommand(body[index + 1]) { continue }
            kept.append(line)
        }
        while kept.last?.trimmingSpaces.isEmpty == true { kept.removeLast() }
        body = kept
        return (body.isEmpty ? [] : heading + body) + InputCommand.startupLines.map(style.event)
    }

    /// `Members of #rust (3): @alice bob carol`.
    func memberLine(room: String, members: [String]) -> String {
        guard !members.isEmpty else { return "Nobody is in \(room)" }
        let shown = members.map { member -> String in
            let bare = member.drop { $0 == "@" || $0 == "+" }
            return member.prefix(member.count - bare.count) + style.nick(String(bare))
        }
        return "Members of \(room) (\(members.count)): " + shown.joined(separator: " ")
    }

    /// `5s`, `3m 12s`, `2h 5m`, `3d 4h`.
    static func duration(seconds: Int) -> String {
        let s = max(0, seconds)
        if s < 60 { return "\(s)s" }
        if s < 3600 { return "\(s / 60)m \(s % 60)s" }
        if s < 86400 { return "\(s / 3600)h \(s % 3600 / 60)m" }
        return "\(s / 86400)d \(s % 86400 / 3600)h"
    }
}
