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
/// asking again when the server refuses it), turning typed lines into protocol lines, the
/// guided commands' questions, rendering what arrives, and quitting. The terminal and script
/// front ends feed it events and carry out the actions it returns.
///
/// Input waits in a queue while the server is busy answering: during registration and its
/// welcome burst, and, for a script, before a line whose output is local (a private message's
/// echo, a usage error) while earlier lines may still have replies on the way. Then a
/// `PING :linechat-sync-<n>` goes out and the line waits for the matching PONG, so a script's
/// output reads in the order of its lines, as if a person had typed each after seeing the
/// last one's answer.
public struct ClientSession {
    /// What the program around the session is like.
    public struct Configuration: Sendable {
        /// The nickname from `--nick`, if any.
        public var nick: String?
        /// Show protocol lines exactly as received instead of rendering them.
        public var raw: Bool
        /// A person at a terminal: hints are shown, and a refused `--nick` leads to a question
        /// instead of an exit.
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
    /// The token of the PING a script's next line waits for.
    private var awaitedSync: String?
    private var syncCount = 0
    /// Whether a line was sent since the last sync (a script's next local output must wait).
    private var sentSinceSync = false
    private var nickRefused = false
    private var quitStatus: Int32 = 0
    private var serverSaidError = false

    public init(_ configuration: Configuration) {
        self.configuration = configuration
        renderer = Renderer(style: configuration.style, hints: configuration.interactive && !configuration.raw)
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
            case nil: "\(nick ?? "")> "
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
        if message.command == "PONG", let awaitedSync, message.last == awaitedSync {
            self.awaitedSync = nil
            sentSinceSync = false
            return drainQueue()
        }
        // The burst ends with 376 (or anything that is not part of it); typed lines wait for that.
        let burstEnded = inWelcomeBurst && !(message.numeric.map(Self.welcomeBurst.contains) ?? false)
        if burstEnded { inWelcomeBurst = false }
        if message.command == "ERROR" { serverSaidError = true }
        if message.command == "ERROR" && phase == .quitting && !configuration.raw {
            if nick != nil { actions.append(.show(configuration.style.event("* You have left the chat room"))) }
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
            sentSinceSync = false
        case (.erroneousNickname?, _), (.nicknameInUse?, _), (.noNicknameGiven?, _):
            guard phase == .registering else { break }
            actions += nickWasRefused()
        case (_, "NICK"):
            if let me = nick, let old = message.sourceNick, Nickname.fold(old) == Nickname.fold(me),
                let new = message.parameter(0)
            {
                nick = new
                renderer.me = new
            }
        default:
            break
        }
        if burstEnded { actions += drainQueue() }
        return actions
    }

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

    /// Whether a script's next line is waiting for the PONG of a sync PING.
    public var isAwaitingSync: Bool { awaitedSync != nil }

    /// The sync PONG did not come in time (a server that ignores PING): carry on without it.
    public mutating func syncTimedOut() -> [ClientAction] {
        guard awaitedSync != nil else { return [] }
        awaitedSync = nil
        sentSinceSync = false
        return drainQueue()
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
        case .chatting: !inWelcomeBurst && awaitedSync == nil
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
                actions += quit(reason: nil, status: 0)
            }
        }
        return actions
    }

    private mutating func handle(_ line: String) -> [ClientAction] {
        guard phase == .chatting else { return chooseNick(line) }
        var attempt = self
        let actions = attempt.chat(line)
        let showsSomething = actions.contains { if case .show = $0 { true } else { false } }
        if showsSomething && sentSinceSync && !configuration.interactive {
            // Let the replies to earlier lines arrive first.
            queued.insert(line, at: 0)
            syncCount += 1
            let token = "linechat-sync-\(syncCount)"
            awaitedSync = token
            return [.send("PING :\(token)")]
        }
        self = attempt
        if actions.contains(where: { if case .send = $0 { true } else { false } }) { sentSinceSync = true }
        return actions
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

    private mutating func chat(_ line: String) -> [ClientAction] {
        if let question { return answer(question, line) }
        let style = configuration.style
        switch InputCommand(parsing: line) {
        case .nothing:
            return []
        case .broadcast(let text):
            return [.send("BROADCAST :\(text)")]
        case .privateMessage(let to, let text):
            return privateMessage(to: to, text: text)
        case .list:
            return [.send("LIST")]
        case .nick(let new):
            return [.send("NICK \(new)")]
        case .help:
            return InputCommand.helpLines.map(ClientAction.show)
        case .quit(let reason):
            return quit(reason: reason, status: 0)
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
            return [.show(style.error(text))]
        case .unknown(let name):
            return [.show(style.error("Unknown command: /\(name) (/help lists the commands)"))]
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

    private func privateMessage(to: String, text: String) -> [ClientAction] {
        var actions: [ClientAction] = [.send("PRIVMSG \(to) :\(text)")]
        // The server does not echo private messages: show what was sent, as it will read.
        if !configuration.raw {
            let style = configuration.style
            actions.append(.show("you -> \(style.nick(TerminalText.sanitized(to))): \(TerminalText.sanitized(text))"))
        }
        return actions
    }
}
