import Platform

/// A person at a terminal: raw mode, a line editor on the bottom line, and lines printed above
/// it with the half-typed input redrawn after them. Used by the `linechat` client and the
/// server's operator console. The terminal's settings come back on every way out: `finish`,
/// deinit, and the fatal signals (see `RawMode`). Owned by one thread.
public final class PromptTerminal {
    /// What the keys typed mean beyond editing the line.
    public enum Event: Equatable, Sendable {
        /// Enter: a line typed.
        case line(String)
        /// Ctrl-D on an empty line.
        case endOfInput
        /// Ctrl-C (raw mode turns it into a key, not a SIGINT).
        case interrupt
        /// Ctrl-L.
        case clearScreen
        /// Ctrl-Z. Call `suspend` to stop the process, or ignore it.
        case suspend
        /// The terminal is gone (hang-up or a read error): nothing more will be typed.
        case hangUp
    }

    private let rawMode: RawMode
    private let outputFD: Int32
    private var editor = LineEditor()
    private var decoder = KeyDecoder()
    private var output: BufferedOutput
    private var buffer = [UInt8](repeating: 0, count: 4096)
    private var columns: Int
    /// What is on the bottom line now, to skip redraws that change nothing; nil when unknown
    /// or cleared. Clearing is always safe, so `show` and `finish` clear without asking.
    private var drawn: PromptLine?
    private var isFinished = false
    /// The descriptor to poll for keys, or nil once the terminal has hung up.
    public private(set) var inputFD: Int32?

    /// Puts the terminal on `input` in raw mode; output goes to `output`.
    public init(input: Int32 = 0, output: Int32 = 1) throws(SystemError) {
        rawMode = try Terminal.enterRawMode(input)
        inputFD = input
        outputFD = output
        self.output = BufferedOutput(fd: output)
        columns = Terminal.size(of: output)?.columns ?? 80
    }

    /// The text typed so far on the prompt line.
    public var typedText: String { editor.text }

    /// Wait this long for the rest of an escape sequence before taking ESC as a key; nil
    /// when nothing is held.
    public var inputTimeoutMilliseconds: Int32? { decoder.hasPending ? 50 : nil }

    /// Reads the keys that are ready (call when `inputFD` is readable).
    public func readInput() -> [Event] {
        guard let fd = inputFD else { return [] }
        let count: Int
        switch ByteIO.read(fd, into: &buffer) {
        case .success(.wouldBlock): return []
        case .success(.done(let read)): count = read
        case .failure: count = 0
        }
        guard count > 0 else {
            inputFD = nil
            return [.hangUp]
        }
        return handle(decoder.feed(buffer[..<count]))
    }

    /// Nothing more arrived within `inputTimeoutMilliseconds`: a held ESC is a key after all.
    public func inputPaused() -> [Event] {
        handle(decoder.flush())
    }

    private func handle(_ keys: [Key]) -> [Event] {
        var events: [Event] = []
        for key in keys {
            switch editor.handle(key) {
            case .edited, .unchanged: break
            case .submitted(let line): events.append(.line(line))
            case .endOfInput: events.append(.endOfInput)
            case .interrupt: events.append(.interrupt)
            case .clearScreen: events.append(.clearScreen)
            case .suspend: events.append(.suspend)
            }
        }
        return events
    }

    /// Prints `lines` above the prompt; `refresh` draws the prompt again below them.
    public func show(_ lines: [String]) {
        guard !lines.isEmpty else { return }
        output.append("\r\u{1B}[K")
        drawn = nil
        for line in lines { output.append(line + "\r\n") }
    }

    /// Clears the screen; the cursor goes to the top left.
    public func clearScreen() {
        output.append("\u{1B}[H\u{1B}[2J")
        drawn = nil
    }

    /// Brings the prompt line up to date (or clears it when not `accepting` input) and writes
    /// out everything pending.
    public func refresh(prompt: String, accepting: Bool = true) {
        if accepting {
            let line = PromptLine.layout(
                prompt: prompt, characters: editor.characters, cursor: editor.cursor, width: columns)
            if line != drawn {
                output.append(line.drawing)
                drawn = line
            }
        } else if drawn != nil {
            output.append("\r\u{1B}[K")
            drawn = nil
        }
        output.flush()
    }

    /// Handles SIGWINCH (a new width) and SIGCONT (raw mode again after a stop).
    public func handle(signal: Int32) {
        switch signal {
        case Signal.windowChanged:
            columns = Terminal.size(of: outputFD)?.columns ?? columns
            drawn = nil
        case Signal.continue:
            try? rawMode.enter()
            drawn = nil
        default:
            break
        }
    }

    /// Ctrl-Z: gives the terminal back as it was, stops the process, and takes the terminal
    /// again when continued.
    public func suspend() {
        output.append("\r\u{1B}[K")
        output.flush()
        drawn = nil
        rawMode.restore()
        Posix.raise(Signal.terminalStop)
        try? rawMode.enter()
    }

    /// Leaves the prompt line empty, writes out what is pending and restores the terminal's
    /// settings for good. Again is harmless.
    public func finish() {
        guard !isFinished else { return }
        isFinished = true
        output.append("\r\u{1B}[K")
        drawn = nil
        output.flush()
        rawMode.finish()
    }
}
