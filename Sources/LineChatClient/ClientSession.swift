import LineProtocol
import TerminalUI

/// Something the program must do for the session: send a protocol line, show a line to the
/// user, or clear the screen.
public enum ClientAction: Equatable, Sendable {
    /// A protocol line, without its line end.
    case send(String)
    /// A line for the user (already rendered and styled).
    case show(String)
    /// Clear the screen (a no-op when not at a terminal).
    case clearScreen
}

/// The client's side of the conversation as a pure state machine: picking a nickname (and
/// asking again when the server refuses it), the rooms the user is in and the current one
/// (where plain text goes), turning typed lines into protocol lines, the guided commands'
/// questions, rendering what arrives, and quitting. The terminal and script front ends feed
/// it events and carry out the actions it returns.
///
/// Typed lines are handled one at a time, each after the server has answered the last: a
/// line that sends something is followed by `PING :linechat-sync-<n>`, and the next line
/// waits in a queue for the matching PONG (the server answers in order, so every reply to the
/// line has arrived by then). The same happens after the welcome burst, so a script's first
/// line already knows the room the server joined it to. This orders a script's output as if
/// a person had typed each line after seeing the last one's answer; it tells which errors
/// answer which line (a script whose line was refused exits with status 1); and it lets the
/// client show the user's own message (which the server does not echo) only once the server
/// has taken it: `/msg nobody hi` shows `No such user: nobody`, never a "sent" line.
public struct ClientSession {
    /// What the program around the session is like.
    public struct Configuration: Sendable {
        /// The nickname from `--nick`, if any.
        public var nick: String?
        /// Show protocol lines exactly as received instead of rendering them.
        public var raw: Bool
        /// A person at a terminal: a refused `--nick` leads to a question instead of an exit,
        /// and refused lines do not change the exit status.
        public var interactive: Bool
        public var style: Style

        public init(nick: String? = nil, raw: Bool = false, interactive: Bool = false, style: Style = .plain) {
            self.nick = nick
            self.raw = raw
            self.interactive = interactive
            self.style = style
        }
    }

    /// Where the session is.
    public enum Phase: Equatable, Sendable {
        /// Waiting for the user to type a nickname.
        case choosingNick
        /// NICK sent, waiting for 001 or a refusal.
        case registering
        /// Registered.
        case chatting
        /// QUIT sent, waiting for the server to close the connection.
        case quitting
        /// Done: `exitStatus` is the program's exit status.
        case finished
    }

    /// A guided command waiting for an answer.
    private enum Question: Equatable {
        case privateRecipient
        case privateText(to: String)
        case announcement
    }

    /// A sync PING whose PONG is awaited, and what it settles.
    private struct Marker {
        var token: String
        /// The user's own message, shown (as the server would render it) once accepted.
        var echo: ServerMessage?
        /// Whether an error numeric arrived before the PONG: the line was refused.
        var failed = false
        /// Whether it follows a typed line (not the welcome burst).
        var isCommand: Bool
    }

    public let configuration: Configuration
    public private(set) var phase: Phase = .choosingNick
    /// The registered nickname.
    public private(set) var nick: String?
    /// The exit status once `phase` is `.finished`.
    public private(set) var exitStatus: Int32 = 0
    private var renderer: Renderer
    private var question: Question?
    /// Lines typed but not handled yet (see the type's comment).
    private var queued: [String] = []
    private var inputEnded = false
    /// Between 001 and the end of the MOTD.
    private var inWelcomeBurst = false
    /// The sync PING the next typed line waits for.
    private var awaited: Marker?
    private var syncCount = 0
    /// The server did not answer a sync PING in time: lines are no longer followed by one.
    private var syncUnanswered = false
    /// The rooms the user is in, spelled as the server spells them, the one current most
    /// recently last (so leaving the current room goes back to the one before).
    public private(set) var rooms: [String] = []
    /// The room plain text goes to.
    public private(set) var currentRoom: String?
    /// Typed lines the server or the client refused (a script then exits with status 1).
    public private(set) var failedCommands = 0
    /// The user's own message from the line being handled, shown once the server takes it.
    private var pendingEcho: ServerMessage?
    private var nickRefused = false
    private var quitStatus: Int32 = 0
    private var serverSaidError = false

    public init(_ configuration: Configuration) {
        self.configuration = configuration
        renderer = Renderer(style: configuration.style)
    }

    /// The prompt to show before the text being typed.
    public var prompt: String {
        switch phase {
        case .choosingNick: nickRefused ? "Choose another nickname: " : "Nickname: "
        case .registering: "> "
        case .chatting:
            switch question {
            case .privateRecipient: "Who do you want to send message to? "
            case .privateText(let to): "Message to \(to): "
            case .announcement: "What do you want to announce? "
            case nil: currentRoom.map { "\(nick ?? "")@\(IRCText.clean($0))> " } ?? "\(nick ?? "")> "
            }
        case .quitting, .finished: ""
        }
    }

    /// Whether QUIT has been sent and the program is waiting for the server to close.
    public var isQuitting: Bool { phase == .quitting }
    /// Whether the session is over; `exitStatus` says how it ended.
    public var isFinished: Bool { phase == .finished }

    /// Call once connected: sends the `--nick`, or waits for the user to type one.
    public mutating func start() -> [ClientAction] {
        guard let nick = configuration.nick else { return [] }
        phase = .registering
        return [.send("NICK \(nick)")]
    }

    /// Handles one line from the server (without its line end).
    public mutating func receive(_ line: String) -> [ClientAction] {
        guard let message = ServerMessage(parsing: line) else { return [] }
        var actions: [ClientAction] = []
        if message.command == "PING" {
            actions.append(.send("PONG :\(message.last ?? "")"))
        }
        if message.command == "PONG", let token = message.last, token.hasPrefix(Self.syncPrefix) {
            guard let marker = awaited, marker.token == token else { return [] }  // one that timed out
            awaited = nil
            return settle(marker) + drainQueue()
        }
        if phase == .chatting, message.isNumeric, let code = Int(message.command), (400..<600).contains(code) {
            awaited?.failed = true
        }
        // The burst ends with 376 (or anything that is not part of it); typed lines wait for that.
        let burstEnded = inWelcomeBurst && !(message.numeric.map(Self.welcomeBurst.contains) ?? false)
        if burstEnded { inWelcomeBurst = false }
        if message.command == "ERROR" { serverSaidError = true }
        if message.command == "ERROR" && phase == .quitting && !configuration.raw {
            if nick != nil { actions.append(.show(configuration.style.event("You have left the chat"))) }
        } else if configuration.raw {
            actions.append(.show(line))
        } else {
            actions.append(contentsOf: renderer.render(message).map(ClientAction.show))
        }
        switch (message.numeric, message.command) {
        case (.welcome?, _):
            guard phase == .registering || phase == .choosingNick else { break }
            nick = message.parameter(0) ?? nick
            renderer.me = nick
            phase = .chatting
            inWelcomeBurst = true
        case (.erroneousNickname?, _), (.nicknameInUse?, _), (.noNicknameGiven?, _):
            guard phase == .registering else { break }
            actions += nickWasRefused()
        case (_, "NICK"):
            if isMe(message.sourceNick), let new = message.parameter(0) {
                nick = new
                renderer.me = new
            }
        case (_, "JOIN"):
            if isMe(message.sourceNick), let room = message.parameter(0) {
                if !rooms.contains(where: { RoomName.fold($0) == RoomName.fold(room) }) { rooms.append(room) }
                setCurrentRoom(room)
            }
        case (_, "PART"):
            if isMe(message.sourceNick), let room = message.parameter(0) { actions += left(room) }
        case (_, "KICK"):
            if isMe(message.parameter(1)), let room = message.parameter(0) { actions += left(room) }
        default:
            break
        }
        if burstEnded { actions += sync(echo: nil, isCommand: false) }
        return actions
    }

    /// The tokens of the client's own PINGs.
    private static let syncPrefix = "linechat-sync-"

    /// The numerics between 001 and the end of the MOTD.
    private static let welcomeBurst: Set<Numeric> = [.yourHost, .created, .myInfo, .isupport, .motdStart, .motd]

    /// Handles one line the user typed (Enter at the prompt, or a line of a script).
    public mutating func submit(_ line: String) -> [ClientAction] {
        guard phase != .quitting && phase != .finished else { return [] }
        queued.append(line)
        return drainQueue()
    }

    /// The input has ended (end of a script): once everything typed has been handled, QUIT.
    public mutating func endOfInput() -> [ClientAction] {
        inputEnded = true
        return drainQueue()
    }

    /// Quits now (Ctrl-C, Ctrl-D at the terminal, or a signal): QUIT with `reason`, then exit
    /// with `status` once the server has closed the connection.
    public mutating func quit(reason: String?, status: Int32) -> [ClientAction] {
        quit(reason: reason, status: status, why: nil)
    }

    /// The server closed the connection (or it failed).
    public mutating func connectionClosed() -> [ClientAction] {
        defer { phase = .finished }
        switch phase {
        case .quitting:
            exitStatus = quitStatus
            return []
        case .finished:
            return []
        default:
            exitStatus = 1
            return serverSaidError ? [] : [.show(configuration.style.error("Connection to the server was lost."))]
        }
    }

    /// Whether the next typed line is waiting for the PONG of a sync PING.
    public var isAwaitingSync: Bool { awaited != nil }

    /// The sync PONG did not come in time (a server that ignores PING): carry on without it,
    /// and without sync PINGs from now on.
    public mutating func syncTimedOut() -> [ClientAction] {
        guard let marker = awaited else { return [] }
        awaited = nil
        syncUnanswered = true
        return settle(marker) + drainQueue()
    }

    /// The server did not close the connection in time after QUIT: finish anyway.
    public mutating func quitTimedOut() {
        exitStatus = quitStatus
        phase = .finished
    }

    private mutating func quit(reason: String?, status: Int32, why: String?) -> [ClientAction] {
        guard phase != .quitting && phase != .finished else { return [] }
        phase = .quitting
        quitStatus = status
        var actions: [ClientAction] = []
        if let why { actions.append(.show(configuration.style.error("linechat: \(why)"))) }
        actions.append(.send(reason.map { "QUIT :\($0)" } ?? "QUIT"))
        return actions
    }

    private mutating func nickWasRefused() -> [ClientAction] {
        nickRefused = true
        if configuration.nick != nil && nick == nil && !configuration.interactive {
            return quit(reason: nil, status: 1, why: "the server refused the nickname \(configuration.nick ?? "")")
        }
        phase = .choosingNick
        return drainQueue()
    }

    /// Whether the next typed line can be handled now.
    private var acceptsInput: Bool {
        switch phase {
        case .choosingNick: true
        case .chatting: !inWelcomeBurst && awaited == nil
        case .registering, .quitting, .finished: false
        }
    }

    /// Handles queued lines until one has to wait again; quits after the last line of a script.
    private mutating func drainQueue() -> [ClientAction] {
        var actions: [ClientAction] = []
        while acceptsInput, !queued.isEmpty {
            actions += handle(queued.removeFirst())
        }
        if inputEnded && queued.isEmpty && acceptsInput {
            if phase == .choosingNick {
                actions += quit(reason: nil, status: 1, why: "no nickname was chosen")
            } else {
                actions += quit(reason: nil, status: failedCommands > 0 ? 1 : 0)
            }
        }
        return actions
    }

    private mutating func handle(_ line: String) -> [ClientAction] {
        guard phase == .chatting else { return chooseNick(line) }
        pendingEcho = nil
        var actions = chat(line)
        let echo = pendingEcho
        pendingEcho = nil
        if phase == .chatting, actions.contains(where: { if case .send = $0 { true } else { false } }) {
            actions += sync(echo: echo, isCommand: true)
        }
        return actions
    }

    /// Follows what was just sent with a sync PING, or, when the server does not answer them,
    /// settles at once.
    private mutating func sync(echo: ServerMessage?, isCommand: Bool) -> [ClientAction] {
        let marker = Marker(token: "", echo: echo, isCommand: isCommand)
        if syncUnanswered { return settle(marker) }
        syncCount += 1
        awaited = Marker(token: Self.syncPrefix + String(syncCount), echo: echo, isCommand: isCommand)
        return [.send("PING :\(Self.syncPrefix)\(syncCount)")]
    }

    /// The server has answered a line: show the user's own message if it was taken, count
    /// the line if it was refused.
    private mutating func settle(_ marker: Marker) -> [ClientAction] {
        if marker.failed {
            if marker.isCommand { failedCommands += 1 }
            return []
        }
        guard let echo = marker.echo, !configuration.raw else { return [] }
        return renderer.render(echo).map(ClientAction.show)
    }

    /// An error the client finds itself (a usage mistake, no current room): shown, and, like
    /// a refusal from the server, counted against a script.
    private mutating func refuse(_ text: String) -> [ClientAction] {
        failedCommands += 1
        return [.show(configuration.style.error(text))]
    }

    private func isMe(_ name: String?) -> Bool {
        guard let me = nick, let name else { return false }
        return Nickname.fold(me) == Nickname.fold(name)
    }

    private func joined(_ room: String) -> String? {
        rooms.first { RoomName.fold($0) == RoomName.fold(room) }
    }

    private mutating func setCurrentRoom(_ room: String?) {
        currentRoom = room
        renderer.currentRoom = room
        if let room, let index = rooms.firstIndex(where: { RoomName.fold($0) == RoomName.fold(room) }) {
            rooms.append(rooms.remove(at: index))
        }
    }

    /// The user left `room` (PART or KICK): when it was the current room, the one current
    /// before it (or joined last) becomes current.
    private mutating func left(_ room: String) -> [ClientAction] {
        rooms.removeAll { RoomName.fold($0) == RoomName.fold(room) }
        guard let current = currentRoom, RoomName.fold(current) == RoomName.fold(room) else { return [] }
        setCurrentRoom(rooms.last)
        let style = configuration.style
        if let next = rooms.last { return [.show(style.event("Now talking in \(IRCText.clean(next))"))] }
        return [.show(style.event("You are in no room now: /join #room to talk"))]
    }

    private mutating func chooseNick(_ line: String) -> [ClientAction] {
        var name = line.trimmingSpaces
        if name.first == "/" {
            switch InputCommand(parsing: String(name)) {
            case .quit(let reason): return quit(reason: reason, status: 0)
            case .help: return InputCommand.helpLines.map(ClientAction.show) + [.show("Pick a nickname first.")]
            case .clear: return [.clearScreen]
            default: return [.show(configuration.style.error("Pick a nickname first."))]
            }
        }
        // The server's welcome says "type NICK <name>"; accept that too.
        if name.lowercased().hasPrefix("nick ") { name = name.dropFirst(5).trimmingSpaces }
        guard !name.isEmpty else { return [] }
        do {
            _ = try Nickname(validating: String(name))
        } catch {
            return [.show(configuration.style.error(Renderer.nickRefusal(nick: String(name), reason: error.reason)))]
        }
        phase = .registering
        return [.send("NICK \(name)")]
    }

    private static let noRoom = "You are not in a room: /join #room first (or /msg <nick> <text>)"

    private mutating func chat(_ line: String) -> [ClientAction] {
        if let question { return answer(question, line) }
        let style = configuration.style
        switch InputCommand(parsing: line) {
        case .nothing:
            return []
        case .say(let text):
            guard let room = currentRoom else { return refuse(Self.noRoom) }
            return privateMessage(to: room, text: text)
        case .action(let text):
            guard let room = currentRoom else { return refuse(Self.noRoom) }
            return privateMessage(to: room, text: "\u{1}ACTION \(text)\u{1}")
        case .privateMessage(let to, let text):
            return privateMessage(to: to, text: text)
        case .join(let room, let key):
            if let known = joined(room) {
                setCurrentRoom(known)
                return [.show(style.event("Now talking in \(IRCText.clean(known))"))]
            }
            return [.send("JOIN \(room)" + (key.map { " \($0)" } ?? ""))]
        case .switchRoom(let room):
            guard let known = joined(room) else {
                return refuse("You are not in \(IRCText.clean(room)): /join \(IRCText.clean(room)) joins it")
            }
            setCurrentRoom(known)
            return [.show(style.event("Now talking in \(IRCText.clean(known))"))]
        case .part(let room, let reason):
            guard let room = room ?? currentRoom else { return refuse(Self.noRoom) }
            return [.send("PART \(room)" + (reason.map { " :\($0)" } ?? ""))]
        case .rooms:
            return [.send("ROOMS")]
        case .names(let room):
            return [.send("NAMES" + ((room ?? currentRoom).map { " \($0)" } ?? ""))]
        case .who(let mask):
            guard let mask = mask ?? currentRoom else { return refuse("Usage: /who [#room|nick]") }
            return [.send("WHO \(mask)")]
        case .whois(let nick):
            return [.send("WHOIS \(nick)")]
        case .away(let text):
            return [.send("AWAY" + (text.map { " :\($0)" } ?? ""))]
        case .topic(let text):
            guard let room = currentRoom else { return refuse(Self.noRoom) }
            return [.send("TOPIC \(room)" + (text.map { " :\($0)" } ?? ""))]
        case .history(let count):
            guard let room = currentRoom else { return refuse(Self.noRoom) }
            return [.send("HISTORY \(room)" + (count.map { " \($0)" } ?? ""))]
        case .kick(let nick, let reason):
            guard let room = currentRoom else { return refuse(Self.noRoom) }
            return [.send("KICK \(room) \(nick)" + (reason.map { " :\($0)" } ?? ""))]
        case .invite(let nick, let room):
            guard let room = room ?? currentRoom else { return refuse(Self.noRoom) }
            return [.send("INVITE \(nick) \(room)")]
        case .list:
            return [.send("LIST")]
        case .nick(let new):
            return [.send("NICK \(new)")]
        case .help:
            return InputCommand.helpLines.map(ClientAction.show)
        case .quit(let reason):
            return quit(reason: reason, status: failedCommands > 0 && !configuration.interactive ? 1 : 0)
        case .clear:
            return [.clearScreen]
        case .raw(let protocolLine):
            return [.send(protocolLine)]
        case .guidedPrivate:
            question = .privateRecipient
            return []
        case .guidedAnnounce:
            question = .announcement
            return []
        case .usage(let text):
            return refuse(text)
        case .unknown(let name):
            return refuse("Unknown command: /\(name) (/help lists the commands)")
        }
    }

    private mutating func answer(_ asked: Question, _ line: String) -> [ClientAction] {
        let answer = line.trimmingSpaces
        guard !answer.isEmpty else {
            question = nil
            return [.show("Cancelled.")]
        }
        switch asked {
        case .privateRecipient:
            question = .privateText(to: String(answer.splitFirstWord().word))
            return []
        case .privateText(let to):
            question = nil
            return privateMessage(to: to, text: line)
        case .announcement:
            question = nil
            return [.send("BROADCAST :\(line)")]
        }
    }

    /// A PRIVMSG; the user's own copy is shown once the server has taken it (see the type's
    /// comment), as the server would render it to someone else.
    private mutating func privateMessage(to: String, text: String) -> [ClientAction] {
        // A message to oneself comes back from the server: no second copy.
        if !isMe(to) {
            pendingEcho = ServerMessage(source: nick, command: "PRIVMSG", parameters: [to, text], hasTrailing: true)
        }
        return [.send("PRIVMSG \(to) :\(text)")]
    }
}
