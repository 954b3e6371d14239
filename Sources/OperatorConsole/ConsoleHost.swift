import ChatServer
import Platform
import TerminalUI

/// Runs the operator console on the calling thread (the main thread of `linechat-server`)
/// until the server should stop: the operator typed `quit` or Ctrl-C, or SIGINT or SIGTERM
/// arrived. With the console off, or once its input has ended, it only waits for the signals.
///
/// - interactive (stdin and stdout a terminal, in the foreground): a banner, a `>> ` prompt
///   with line editing, command output and log lines printed above the prompt.
/// - plain (stdin anything else): commands read line by line, plain output on stdout, log
///   lines left on stderr; at end of input the console stops and the server keeps serving.
public final class ConsoleHost {
    /// How the console talks to the operator.
    public enum Mode: Equatable, Sendable {
        case off
        case plain
        case interactive
    }

    /// Why `run` returned: the server should shut down.
    public enum StopReason: Equatable, Sendable, CustomStringConvertible {
        /// SIGINT or SIGTERM.
        case signal(Int32)
        /// The operator typed `quit`.
        case quitCommand
        /// Ctrl-C at the interactive console.
        case interrupt

        public var description: String {
            switch self {
            case .signal(let signal) where signal == Signal.interrupt: "received SIGINT"
            case .signal(let signal) where signal == Signal.terminate: "received SIGTERM"
            case .signal(let signal): "received signal \(signal)"
            case .quitCommand: "the operator typed quit"
            case .interrupt: "Ctrl-C at the operator console"
            }
        }
    }

    /// The longest command line read in plain mode; a longer one is refused.
    static let maxCommandBytes = 64 * 1024

    public let mode: Mode
    /// Why the console is off although it was asked for, to log when `run` starts.
    private let offReason: String?
    private let log: ConsoleLog
    private let signals: SignalPipe
    /// The signals `signals` catches: the stop signals, SIGHUP when it reloads something, and
    /// at a terminal its resizes and continues.
    private let caught: [Int32]
    /// Runs on the console's thread for each SIGHUP (only caught when `catchesHangUp`).
    private var onHangUp: () -> Void = {}
    private static let stopSignals = [Signal.interrupt, Signal.terminate]

    /// Picks the mode from `enabled` (`--console`/`--no-console`) and what stdin and stdout
    /// are, and sets up signal catching with the signals blocked in the calling thread. Call it
    /// before the server starts its threads: they inherit the block, so SIGINT and SIGTERM
    /// reach only `run`.
    /// `catchesHangUp`: SIGHUP is caught and handed to `run`'s `onHangUp` (a reload) instead of
    /// ending the process.
    public init(enabled: Bool, catchesHangUp: Bool = false) throws(SystemError) {
        log = try ConsoleLog()
        if !enabled {
            (mode, offReason) = (.off, nil)
        } else if !Terminal.isTerminal(0) {
            (mode, offReason) = (.plain, nil)
        } else if Terminal.isInBackground(0) {
            // Reading the terminal from the background would stop the whole server (SIGTTIN).
            (mode, offReason) = (.off, "operator console off: the server runs in the background of its terminal")
        } else {
            (mode, offReason) = (Terminal.isTerminal(1) ? .interactive : .plain, nil)
        }
        caught =
            Self.stopSignals + (catchesHangUp ? [Signal.hangUp] : [])
            + (mode == .interactive ? [Signal.windowChanged, Signal.continue] : [])
        // Its descriptors are opened now, before the server says it is listening, so that a
        // test counting the process's descriptors from then on sees a steady number.
        signals = try SignalPipe(catching: caught)
        Posix.blockSignals(caught)
    }

    /// The sink to give the server's `Logger`, so that log lines can be printed above the prompt.
    public var logSink: @Sendable (String) -> Void {
        let log = self.log
        return { line in log.write(line) }
    }

    /// Runs the console on the calling thread (the one that made this host) until the server
    /// should stop. On return SIGINT and SIGTERM are blocked again, so a second one cannot cut
    /// the graceful shutdown short.
    /// `onHangUp` runs on this thread for each SIGHUP, when the host catches it; `reload`, on
    /// this thread too, for the `reload` command (nil: the command says there is nothing to reload).
    public func run(
        server: some OperatorServer, banner: String, logger: Logger, onHangUp: @escaping () -> Void = {},
        reload: (() -> [String])? = nil
    ) -> StopReason {
        self.onHangUp = onHangUp
        Posix.unblockSignals(caught)
        defer { Posix.blockSignals(caught) }
        let log = self.log
        var session = ConsoleSession(
            server: server, banner: banner, logLinesDropped: { log.droppedLines }, reload: reload)
        var stop: StopReason?
        switch mode {
        case .interactive: stop = runInteractive(&session, logger: logger)
        case .plain: stop = runPlain(&session)
        case .off: if let offReason { logger.info(offReason) }
        }
        if let stop { return stop }
        if mode != .off {
            // Logged once the terminal is restored, so the line comes after that on the screen.
            logger.info("operator console input ended; the server keeps running until SIGINT or SIGTERM")
        }
        return waitForStopSignal()
    }

    /// Waits for SIGINT or SIGTERM alone.
    private func waitForStopSignal() -> StopReason {
        while true {
            guard let ready = try? Socket.waitReadable([signals.fd], timeoutMilliseconds: -1), !ready.isEmpty else {
                continue
            }
            if let stop = stopSignal(in: signals.drain()) { return .signal(stop) }
        }
    }

    /// The stop signal among `received`, if any; runs `onHangUp` for a SIGHUP first.
    private func stopSignal(in received: [Int32]) -> Int32? {
        if received.contains(Signal.hangUp) { onHangUp() }
        return received.first { $0 == Signal.interrupt || $0 == Signal.terminate }
    }
}

// MARK: Interactive

extension ConsoleHost {
    /// The terminal console; nil when the operator closed it (Ctrl-D) or the terminal went away.
    private func runInteractive(_ session: inout ConsoleSession, logger: Logger) -> StopReason? {
        let terminal: PromptTerminal
        do {
            terminal = try PromptTerminal(input: 0, output: 1)
        } catch {
            logger.warning("operator console: cannot use the terminal (\(error)); reading plain lines")
            return runPlain(&session)
        }
        // Log lines printed straight to a terminal would land in the middle of the prompt line.
        // When stderr is somewhere else (a file), they stay there.
        let holdingLog = Terminal.isTerminal(2)
        if holdingLog { log.hold() }
        defer {
            if holdingLog { terminal.show(log.take().map(TerminalText.sanitized)) }
            terminal.finish()
            if holdingLog { log.release() }
        }
        terminal.show([session.banner])
        while true {
            terminal.refresh(prompt: ConsoleSession.prompt)
            guard let inputFD = terminal.inputFD else { return nil }
            let ready: [Int32]
            do {
                ready = try Socket.waitReadable(
                    [signals.fd, log.wakeup.fd, inputFD],
                    timeoutMilliseconds: terminal.inputTimeoutMilliseconds ?? -1)
            } catch {
                logger.error("operator console: poll failed (\(error)); console closed")
                return nil
            }
            var events = ready.isEmpty ? terminal.inputPaused() : []
            if ready.contains(signals.fd) {
                let received = signals.drain()
                if let stop = stopSignal(in: received) { return .signal(stop) }
                for signal in received { terminal.handle(signal: signal) }
            }
            if ready.contains(log.wakeup.fd) { terminal.show(log.take().map(TerminalText.sanitized)) }
            if ready.contains(inputFD) { events += terminal.readInput() }
            for event in events {
                switch event {
                case .line(let line):
                    // Keep the command on screen above its output, as a shell does.
                    terminal.show([ConsoleSession.prompt + TerminalText.sanitized(line)])
                    if perform(session.submit(line), on: terminal) { return .quitCommand }
                case .clearScreen:
                    _ = perform(session.clear(), on: terminal)
                case .interrupt:
                    terminal.show([ConsoleSession.prompt + TerminalText.sanitized(terminal.typedText) + "^C"])
                    return .interrupt
                case .endOfInput, .hangUp:
                    terminal.show(["Console closed; the server keeps running. Stop it with Ctrl-C or SIGTERM."])
                    return nil
                case .suspend:
                    break  // Ctrl-Z would stop every event loop along with the console
                }
            }
        }
    }

    /// Carries out a command's actions at the terminal; true for `quit`.
    private func perform(_ actions: [ConsoleAction], on terminal: PromptTerminal) -> Bool {
        for action in actions {
            switch action {
            case .show(let text): terminal.show([TerminalText.sanitized(text)])
            case .clearScreen: terminal.clearScreen()
            case .quit: return true
            }
        }
        return false
    }
}

// MARK: Plain

extension ConsoleHost {
    /// Commands from a pipe or file; nil at end of input.
    private func runPlain(_ session: inout ConsoleSession) -> StopReason? {
        var input = PlainInput(fd: 0, maxLineBytes: Self.maxCommandBytes)
        var output = BufferedOutput(fd: 1)
        while true {
            guard let ready = try? Socket.waitReadable([signals.fd, input.fd], timeoutMilliseconds: -1) else {
                return nil
            }
            if ready.contains(signals.fd), let stop = stopSignal(in: signals.drain()) { return .signal(stop) }
            guard ready.contains(input.fd) else { continue }
            let (lines, ended) = input.read()
            for line in lines {
                guard let line else {
                    output.append("Line too long: ignored.\n")
                    continue
                }
                for action in session.submit(line) {
                    switch action {
                    case .show(let text): output.append(text + "\n")
                    case .clearScreen: break
                    case .quit:
                        output.flush()
                        return .quitCommand
                    }
                }
            }
            output.flush()
            if ended { return nil }
        }
    }
}
