import Platform
import TLS

/// The `linechat` program: connect, then one thread polls the server socket, the user's
/// input and a signal pipe, feeding a `ClientSession` and carrying out what it returns.
public enum ChatClient {
    /// How long to wait for the server to close the connection after QUIT.
    static let quitGraceMilliseconds: Int64 = 2_000
    /// How long a script's line waits for the PONG that orders its output (see `ClientSession`).
    static let syncPatienceMilliseconds: Int64 = 5_000

    /// Runs the client to the end and returns the exit status: 0 after a QUIT, 1 when the
    /// connection failed or the server closed it, 128 + n after signal n.
    public static func run(_ options: ClientOptions) -> Int32 {
        Posix.ignoreSIGPIPE()
        var context: TLSClientContext?
        if let tls = options.tls {
            if !tls.verify { Posix.write("linechat: \(ClientOptions.insecureWarning)\n", to: 2) }
            do {
                context = try TLSClientContext(caFile: tls.caFile, verify: tls.verify)
            } catch {
                Posix.write("linechat: \(error)\n", to: 2)
                return 1
            }
        }
        let connection: ServerConnection
        do {
            connection = try ServerConnection.connect(host: options.host, port: options.port, tls: context)
        } catch {
            Posix.write("linechat: \(error)\n", to: 2)
            return 1
        }
        let interactive = Terminal.isTerminal(0) && Terminal.isTerminal(1)
        let style =
            options.raw
            ? Style.plain : Style.forOutput(isTerminal: Terminal.isTerminal(1), noColor: Posix.environment("NO_COLOR"))
        let session = ClientSession(
            .init(nick: options.nick, raw: options.raw, interactive: interactive, style: style))
        let frontend: Frontend
        do {
            frontend = interactive ? try TerminalFrontend() : ScriptFrontend()
        } catch {
            Posix.write("linechat: cannot set up the terminal: \(error)\n", to: 2)
            return 1
        }
        // Ctrl-Z raises SIGTSTP itself (see TerminalFrontend); a parent may have blocked it.
        Posix.unblockSignals([Signal.terminalStop])
        let signals = try? SignalPipe(catching: [
            Signal.interrupt, Signal.terminate, Signal.hangUp, Signal.windowChanged, Signal.continue,
        ])
        var loop = Loop(connection: connection, frontend: frontend, session: session, signals: signals)
        let status = loop.run()
        frontend.finish()
        signals?.close()
        connection.close()
        return status
    }
}

/// The event loop of one run.
private struct Loop {
    let connection: ServerConnection
    let frontend: Frontend
    var session: ClientSession
    let signals: SignalPipe?
    var quitDeadline: Int64?
    var syncDeadline: Int64?

    init(connection: ServerConnection, frontend: Frontend, session: ClientSession, signals: SignalPipe?) {
        self.connection = connection
        self.frontend = frontend
        self.session = session
        self.signals = signals
    }

    mutating func run() -> Int32 {
        perform(session.start())
        while !session.isFinished {
            frontend.refresh(prompt: session.prompt, accepting: !session.isQuitting)
            if session.isQuitting && quitDeadline == nil {
                quitDeadline = Posix.monotonicNanoseconds() + ChatClient.quitGraceMilliseconds * 1_000_000
            }
            if session.isAwaitingSync {
                if syncDeadline == nil {
                    syncDeadline = Posix.monotonicNanoseconds() + ChatClient.syncPatienceMilliseconds * 1_000_000
                }
            } else {
                syncDeadline = nil
            }
            let inputFD = session.isQuitting ? nil : frontend.inputFD
            var fds = [connection.fd]
            if let signals { fds.append(signals.fd) }
            if let inputFD { fds.append(inputFD) }
            var timeout: Int32 = -1
            for deadline in [quitDeadline, syncDeadline].compactMap({ $0 }) {
                let remaining = Int32(max(0, (deadline - Posix.monotonicNanoseconds()) / 1_000_000))
                timeout = timeout < 0 ? remaining : min(timeout, remaining)
            }
            if inputFD != nil, let pause = frontend.inputTimeoutMilliseconds {
                timeout = timeout < 0 ? pause : min(timeout, pause)
            }
            let ready: [Int32]
            do {
                ready = try Socket.waitReadable(fds, timeoutMilliseconds: timeout)
            } catch {
                perform(session.connectionClosed())
                break
            }
            if ready.isEmpty {
                let now = Posix.monotonicNanoseconds()
                if let quitDeadline, now >= quitDeadline {
                    session.quitTimedOut()
                } else if let syncDeadline, now >= syncDeadline {
                    self.syncDeadline = nil
                    perform(session.syncTimedOut())
                } else if inputFD != nil {
                    handle(frontend.inputPaused())
                }
                continue
            }
            if let signals, ready.contains(signals.fd) {
                for signal in signals.drain() { handle(signal: signal) }
            }
            if ready.contains(connection.fd) {
                switch connection.read() {
                case .lines(let lines):
                    for line in lines where !session.isFinished { perform(session.receive(line)) }
                case .closed:
                    perform(session.connectionClosed())
                }
            }
            if let inputFD, ready.contains(inputFD), !session.isFinished {
                handle(frontend.readInput())
            }
        }
        return session.exitStatus
    }

    private mutating func handle(_ events: [UserEvent]) {
        for event in events where !session.isFinished {
            switch event {
            case .line(let line): perform(session.submit(line))
            case .endOfInput: perform(session.endOfInput())
            case .quit: perform(session.quit(reason: nil, status: 0))
            }
        }
    }

    private mutating func handle(signal: Int32) {
        switch signal {
        case Signal.windowChanged, Signal.continue:
            frontend.handle(signal: signal)
        default:
            perform(session.quit(reason: nil, status: 128 + signal))
        }
    }

    private mutating func perform(_ actions: [ClientAction]) {
        var shown: [String] = []
        for action in actions {
            switch action {
            case .show(let line):
                shown.append(line)
            case .clearScreen:
                frontend.show(shown)
                shown = []
                frontend.clearScreen()
            case .send(let line):
                do {
                    try connection.send(line)
                } catch {
                    frontend.show(shown)
                    shown = []
                    perform(session.connectionClosed())
                    return
                }
            }
        }
        frontend.show(shown)
    }
}
