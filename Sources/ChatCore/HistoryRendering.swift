import LineProtocol

/// How history lines are shown to one connection, and the showing. Two styles:
///
/// - batched (a client that negotiated `batch` and `server-time`): a `BATCH +<id> chathistory
///   <#room>` ... `BATCH -<id>` around the original lines, each tagged with its `time`
///   (and `msgid` with message-tags), so IRC clients place them at their original times;
/// - text (everyone else): `:<server> NOTICE <#room> :--- N earlier messages (times UTC) ---`,
///   the messages with `[HH:MM]` (or `[YYYY-MM-DD HH:MM]` when not from today) before their
///   text, then `--- end of earlier messages ---`.
///
/// A value, so a read answered on the store's thread renders there.
public struct HistoryRendering: Sendable {
    public let server: String
    /// Whom FAIL and numerics are addressed to.
    public let nickname: String
    public let form: LineForm
    public let capabilities: Capabilities
    /// Batched with tags, as CHATHISTORY always is when `batch` was negotiated.
    public let batched: Bool
    /// The room (or nick) the lines are about, as the client named it.
    public let target: String
    /// The batch's id.
    public let batchID: String
    /// Now, for the text style's "today".
    public let now: Int64

    public init(
        server: String, nickname: String, form: LineForm, capabilities: Capabilities, batched: Bool, target: String,
        batchID: String, now: Int64
    ) {
        self.server = server
        self.nickname = nickname
        self.form = form
        self.capabilities = capabilities
        self.batched = batched
        self.target = target
        self.batchID = batchID
        self.now = now
    }

    /// The lines for what a read found, labeled if the request was.
    public func render(_ result: HistoryReadResult, subcommand: String, label: String?) -> [UInt8] {
        let bytes = render(result, subcommand: subcommand)
        guard let label else { return bytes }
        return LabeledResponse.wrap(bytes[...], label: label, server: server, batchID: batchID + "l")
    }

    /// The lines for what a read found.
    public func render(_ result: HistoryReadResult, subcommand: String) -> [UInt8] {
        var bytes: [UInt8] = []
        switch result {
        case .records(let records):
            if batched {
                appendBatch(records, to: &bytes)
            } else {
                appendText(records, to: &bytes)
            }
        case .targets(let targets):
            if capabilities.contains(.batch) {
                ServerLine.append(
                    to: &bytes, source: server, command: "BATCH", parameters: ["+" + batchID, "draft/chathistory-targets"])
            }
            for target in targets {
                var line: [UInt8] = []
                ServerLine.append(
                    to: &line, source: server, command: "CHATHISTORY",
                    parameters: ["TARGETS", target.roomName, ServerTime.format(milliseconds: target.latest)])
                appendTagged(line, tags: capabilities.contains(.batch) ? "batch=" + batchID : nil, to: &bytes)
            }
            if capabilities.contains(.batch) {
                ServerLine.append(to: &bytes, source: server, command: "BATCH", parameters: ["-" + batchID])
            }
        case .unknownMessage:
            if batched {
                appendBatch([], to: &bytes)
            } else {
                appendText([], to: &bytes)
            }
        case .failed(let reason):
            ServerLine.append(
                to: &bytes, source: server, command: "FAIL",
                parameters: ["CHATHISTORY", "MESSAGE_ERROR", subcommand, target],
                trailing: "Messages could not be retrieved (\(reason))")
        }
        return bytes
    }

    private func appendBatch(_ records: [HistoryRecord], to bytes: inout [UInt8]) {
        let useBatch = capabilities.contains(.batch)
        if useBatch {
            ServerLine.append(
                to: &bytes, source: server, command: "BATCH", parameters: ["+" + batchID, "chathistory", target])
        }
        // CTCP requests other than ACTION are not replayed (a client would answer them again).
        for record in records where !record.kind.isMessage || Self.showsAgain(record) {
            var tags: [String] = []
            if useBatch { tags.append("batch=" + batchID) }
            if capabilities.contains(.serverTime) { tags.append("time=" + ServerTime.format(milliseconds: record.time)) }
            if capabilities.contains(.messageTags) { tags.append("msgid=" + record.msgid) }
            appendTagged(line(for: record, text: nil), tags: tags.isEmpty ? nil : tags.joined(separator: ";"), to: &bytes)
        }
        if useBatch { ServerLine.append(to: &bytes, source: server, command: "BATCH", parameters: ["-" + batchID]) }
    }

    private func appendText(_ records: [HistoryRecord], to bytes: inout [UInt8]) {
        // Messages only; of CTCP, only ACTION (/me) is worth showing again.
        let messages = records.filter { $0.kind.isMessage && Self.showsAgain($0) }
        let today = ServerTime.date(milliseconds: now)
        let header =
            messages.isEmpty
            ? "--- no earlier messages ---"
            : "--- \(messages.count) earlier message\(messages.count == 1 ? "" : "s") (times UTC) ---"
        ServerLine.append(to: &bytes, source: server, command: "NOTICE", parameters: [target], trailing: header)
        guard !messages.isEmpty else { return }
        for record in messages {
            let day = ServerTime.date(milliseconds: record.time)
            let clock = ServerTime.clock(milliseconds: record.time)
            let when = day == today ? "[\(clock)] " : "[\(day) \(clock)] "
            // An action keeps its CTCP frame: the time goes inside it (`* bob [09:14] waves`).
            let text =
                record.text.hasPrefix(Self.action)
                ? Self.action + when + record.text.dropFirst(Self.action.count) : when + record.text
            bytes.append(contentsOf: line(for: record, text: text))
        }
        ServerLine.append(
            to: &bytes, source: server, command: "NOTICE", parameters: [target], trailing: "--- end of earlier messages ---")
    }

    /// The start of a CTCP ACTION (`/me`).
    static let action = "\u{1}ACTION "

    /// Whether a message is shown again: not a CTCP request other than ACTION.
    static func showsAgain(_ record: HistoryRecord) -> Bool {
        !record.text.hasPrefix("\u{1}") || record.text.hasPrefix(action)
    }

    /// The line a record was (JOIN, PART, ...: as sent then); `text` replaces a message's text.
    func line(for record: HistoryRecord, text: String?) -> [UInt8] {
        let source = form == .plain ? record.nick : record.source
        let (command, parameters, trailing): (String, [String], String?) =
            switch record.kind {
            case .privmsg: ("PRIVMSG", [record.roomName], text ?? record.text)
            case .notice: ("NOTICE", [record.roomName], text ?? record.text)
            case .join: ("JOIN", [record.roomName], nil)
            case .part: ("PART", [record.roomName], record.text.isEmpty ? nil : record.text)
            case .quit: ("QUIT", [], record.text)
            case .kick: ("KICK", [record.roomName, record.target], record.text)
            case .nick: ("NICK", [record.text], nil)
            case .topic: ("TOPIC", [record.roomName], record.text)
            }
        return ServerLine.format(source: source, command: command, parameters: parameters, trailing: trailing)
    }

    private func appendTagged(_ line: [UInt8], tags: String?, to bytes: inout [UInt8]) {
        if let tags {
            bytes.append(UInt8(ascii: "@"))
            bytes.append(contentsOf: tags.utf8)
            bytes.append(UInt8(ascii: " "))
        }
        bytes.append(contentsOf: line)
    }
}

/// A history read a handler asked for: the loop hands `query` to the store and sends what
/// `rendering` makes of the answer to the connection.
public struct HistoryRead: Sendable {
    public let query: HistoryQuery
    public let includeEvents: Bool
    public let rendering: HistoryRendering
    /// The CHATHISTORY subcommand (for FAIL), or HISTORY.
    public let subcommand: String
    /// The request's labeled-response label, if it had one.
    public var label: String?

    public init(query: HistoryQuery, includeEvents: Bool, rendering: HistoryRendering, subcommand: String) {
        self.query = query
        self.includeEvents = includeEvents
        self.rendering = rendering
        self.subcommand = subcommand
    }
}
