import LineProtocol

// History: what a room keeps (every message and event, handed to the store), what a joiner is
// shown, HISTORY for nc users and CHATHISTORY (IRCv3 draft/chathistory) for IRC clients; and
// TAGMSG, the other message-tags verb.
extension Session {
    /// Hands one room record to the history store, if the server keeps history.
    func record(
        _ kind: HistoryKind, _ room: RoomName, _ stamp: MessageStamp, _ context: ChatContext, text: String,
        target: String = "", nick: String? = nil, source: String? = nil
    ) {
        guard let history = context.history, let nickname else { return }
        history.record(
            HistoryRecord(
                id: stamp.id, time: stamp.time, room: room.key, roomName: room.name, kind: kind,
                nick: nick ?? nickname.name, source: source ?? fullSource(context), text: text, target: target))
    }

    /// After a JOIN's member list: the room's latest messages, from memory. A client that
    /// negotiated draft/chathistory asks for what it wants instead.
    mutating func replayOnJoin(_ room: RoomName, _ context: ChatContext, _ effects: inout Effects) {
        guard let history = context.history, context.config.joinReplay > 0, !capabilities.contains(.chathistory)
        else { return }
        let records = history.recent(room: room.key, limit: context.config.joinReplay)
        guard !records.isEmpty else { return }
        let rendering = historyRendering(room.name, context, batched: showsHistoryBatched)
        effects.reply.append(contentsOf: rendering.render(.records(records), subcommand: "JOIN"))
    }

    /// Batches with times for clients that can place lines at their times; text for the rest.
    private var showsHistoryBatched: Bool { capabilities.isSuperset(of: [.batch, .serverTime]) }

    private mutating func historyRendering(_ target: String, _ context: ChatContext, batched: Bool) -> HistoryRendering {
        batchCount &+= 1
        return HistoryRendering(
            server: context.config.serverName, nickname: self.target, form: lineForm, capabilities: capabilities,
            batched: batched, target: target, batchID: "h" + String(batchCount, radix: 36),
            now: context.wallClockMilliseconds)
    }

    /// HISTORY <#room> [<count>]: the room's latest messages (25, at most 500), for members.
    mutating func handleHistory(_ name: String, _ count: String?, _ context: ChatContext, _ effects: inout Effects) {
        guard context.history != nil else {
            reply(&effects, context, .unknownCommand, ["HISTORY"], trailing: "This server keeps no history (--no-history)")
            return
        }
        let limit: Int
        if let count {
            guard let value = Int(count), (1...ChatConfig.historyMaxLines).contains(value) else {
                reply(
                    &effects, context, .unknownError, ["HISTORY"],
                    trailing: "The count must be a number from 1 to \(ChatConfig.historyMaxLines)")
                return
            }
            limit = value
        } else {
            limit = 25
        }
        guard let room = memberRoom(name, context) else {
            reply(&effects, context, .notOnChannel, [name], trailing: "You're not on that channel (only members read its history)")
            return
        }
        effects.historyReads.append(
            HistoryRead(
                query: .latest(room: room.key, after: nil, limit: limit), includeEvents: false,
                rendering: historyRendering(room.name, context, batched: showsHistoryBatched), subcommand: "HISTORY"))
    }

    /// The room called `name` if this user is in it.
    private func memberRoom(_ name: String, _ context: ChatContext) -> RoomName? {
        guard let nickname, let room = context.directory.room(named: name), room.members[nickname.key] != nil else {
            return nil
        }
        return room.name
    }

    /// CHATHISTORY LATEST <target> <*|ref> <limit> | BEFORE|AFTER|AROUND <target> <ref> <limit>
    /// | BETWEEN <target> <ref> <ref> <limit> | TARGETS <timestamp> <timestamp> <limit>.
    mutating func handleChathistory(
        _ subcommand: String, _ parameters: [String], _ context: ChatContext, _ effects: inout Effects
    ) {
        let server = context.config.serverName
        func fail(_ code: String, _ extra: [String], _ text: String) {
            ServerLine.append(
                to: &effects.reply, source: server, command: "FAIL",
                parameters: ["CHATHISTORY", code, subcommand] + extra, trailing: text)
        }
        guard context.history != nil else {
            reply(&effects, context, .unknownCommand, ["CHATHISTORY"], trailing: "This server keeps no history")
            return
        }
        let needed: Int
        switch subcommand {
        case "LATEST", "BEFORE", "AFTER", "AROUND", "TARGETS": needed = 3
        case "BETWEEN": needed = 4
        default:
            fail("UNKNOWN_COMMAND", [], "Unknown subcommand")
            return
        }
        guard parameters.count >= needed else {
            fail("NEED_MORE_PARAMS", [], "Missing parameters")
            return
        }
        guard let requested = Int(parameters[needed - 1]), requested > 0 else {
            fail("INVALID_PARAMS", [parameters[needed - 1]], "The limit must be a positive number")
            return
        }
        let limit = min(requested, ChatConfig.historyMaxLines)
        func anchor(_ text: String) -> HistoryAnchor? {
            if text.hasPrefix("msgid="), text.count > 6 { return .msgid(String(text.dropFirst(6))) }
            if text.hasPrefix("timestamp="), let time = ServerTime.parse(String(text.dropFirst(10))) {
                return .timestamp(time)
            }
            return nil
        }

        if subcommand == "TARGETS" {
            guard case .timestamp(let first)? = anchor(parameters[0]), case .timestamp(let second)? = anchor(parameters[1])
            else {
                fail("INVALID_PARAMS", [parameters[0]], "TARGETS takes two timestamp= references")
                return
            }
            let rooms = nickname.flatMap { context.directory.user(named: $0.name).map { Array($0.rooms) } } ?? []
            effects.historyReads.append(
                HistoryRead(
                    query: .targets(from: min(first, second), to: max(first, second), rooms: rooms, limit: limit),
                    includeEvents: false, rendering: historyRendering("*", context, batched: true),
                    subcommand: subcommand))
            return
        }

        let target = parameters[0]
        var references: [HistoryAnchor?] = []
        for text in parameters[1..<(needed - 1)] {
            if subcommand == "LATEST" && text == "*" {
                references.append(nil)
                continue
            }
            guard let reference = anchor(text) else {
                fail("INVALID_PARAMS", [text], "A reference is msgid=<id> or timestamp=<YYYY-MM-DDThh:mm:ss.sssZ>")
                return
            }
            references.append(reference)
        }
        let rendering = historyRendering(target, context, batched: true)
        guard RoomName.isRoom(target) else {
            // Private messages are not kept (a nickname is not an identity): no history.
            guard context.directory.user(named: target) != nil || target == nickname?.name else {
                fail("INVALID_TARGET", [target], "Messages could not be retrieved")
                return
            }
            effects.reply.append(contentsOf: rendering.render(.records([]), subcommand: subcommand))
            return
        }
        guard let room = memberRoom(target, context) else {
            fail("INVALID_TARGET", [target], "Messages could not be retrieved (only members read a room's history)")
            return
        }
        let query: HistoryQuery
        switch subcommand {
        case "LATEST": query = .latest(room: room.key, after: references[0], limit: limit)
        case "BEFORE": query = .before(room: room.key, references[0]!, limit: limit)
        case "AFTER": query = .after(room: room.key, references[0]!, limit: limit)
        case "AROUND": query = .around(room: room.key, references[0]!, limit: limit)
        default: query = .between(room: room.key, references[0]!, references[1]!, limit: limit)
        }
        effects.historyReads.append(
            HistoryRead(
                query: query, includeEvents: capabilities.contains(.eventPlayback), rendering: rendering,
                subcommand: subcommand))
    }

    /// TAGMSG <target>[,...]: a line of tags only, relayed to message-tags clients.
    mutating func handleTagmsg(_ targets: [String], _ context: ChatContext, _ effects: inout Effects) {
        guard let nickname, capabilities.contains(.messageTags) else { return }
        for target in targets {
            let line: OutboundLine
            if RoomName.isRoom(target) {
                guard case .allowed(let room, _) = context.directory.speakCheck(
                    room: RoomName.fold(target), nickname: nickname.key)
                else {
                    reply(&effects, context, .cannotSendToChannel, [target], trailing: "Cannot send to channel")
                    continue
                }
                line = tagOnlyLine(room.name, context)
                effects.outbound.append(.toRoom(room.key, line: line, except: id))
            } else {
                guard let user = context.directory.user(named: target) else {
                    reply(&effects, context, .noSuchNick, [target], trailing: "No such nick")
                    continue
                }
                line = tagOnlyLine(user.nickname.name, context)
                effects.outbound.append(.send(to: user.id, line: line))
            }
            // The sender's copy is the same line, msgid included.
            if capabilities.contains(.echoMessage) { effects.reply.append(contentsOf: line.tagged) }
        }
    }

    /// A TAGMSG for message-tags clients only: the other forms are empty (nothing to send).
    private func tagOnlyLine(_ target: String, _ context: ChatContext) -> OutboundLine {
        let full = ServerLine.format(source: fullSource(context), command: "TAGMSG", parameters: [target])
        let stamp = context.stamp()
        let tags =
            "time=\(ServerTime.format(milliseconds: stamp.time));msgid=\(stamp.msgid)" + (clientTags.map { ";" + $0 } ?? "")
        return OutboundLine(plain: [], full: [], timed: [], tagged: Self.tagged(tags, full))
    }
}
