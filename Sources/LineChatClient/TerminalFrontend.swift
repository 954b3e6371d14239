import Platform

/// A person at a terminal: raw mode, a line editor on the bottom line, and incoming lines
/// printed above it with the half-typed input redrawn after them. The terminal's settings
/// come back on every way out (see `RawMode`).
final class TerminalFrontend: Frontend {
    private let rawMode: RawMode
    private var editor = LineEditor()
    private var decoder = KeyDecoder()
    private var output = Output(fd: 1)
    private var buffer = [UInt8](repeating: 0, count: 4096)
    private var columns: Int
    /// What is on the bottom line now, to skip redraws that change nothing; nil when unknown
    /// or cleared. Clearing is always safe, so `show` and `finish` clear without asking.
    private var drawn: PromptLine?
    private(set) var inputFD: Int32? = 0

    init() throws(SystemError) {
        rawMode = try Terminal.enterRawMode(0)
        columns = Terminal.size(of: 1)?.columns ?? 80
    }

    /// Wait this long for the rest of an escape sequence before taking ESC as a key.
    var inputTimeoutMilliseconds: Int32? { decoder.hasPending ? 50 : nil }

    func readInput() -> [UserEvent] {
        guard let fd = inputFD else { return [] }
        let count: Int
        switch ByteIO.read(fd, into: &buffer) {
        case .success(.wouldBlock): return []
        case .success(.done(let read)): count = read
        case .failure: count = 0
        }
        guard count > 0 else {
            // The terminal is gone (hang-up): nothing more will be typed.
            inputFD = nil
            return [.quit]
        }
        return handle(decoder.feed(buffer[..<count]))
    }

    func inputPaused() -> [UserEvent] {
        handle(decoder.flush())
    }

    private func handle(_ keys: [Key]) -> [UserEvent] {
        var events: [UserEvent] = []
        for key in keys {
            switch editor.handle(key) {
            case .edited, .unchanged: break
            case .submitted(let line): events.append(.line(line))
            case .endOfInput, .interrupt: events.append(.quit)
            case .clearScreen: clearScreen()
            case .suspend: suspend()
            }
        }
        return events
    }

    func show(_ lines: [String]) {
        guard !lines.isEmpty else { return }
        // Clear the prompt line, print above it; `refresh` draws the prompt again below.
        output.append("\r\u{1B}[K")
        drawn = nil
        for line in lines { output.append(line + "\r\n") }
    }

    func clearScreen() {
        output.append("\u{1B}[H\u{1B}[2J")
        drawn = nil
    }

    func refresh(prompt: String, accepting: Bool) {
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

    func handle(signal: Int32) {
        switch signal {
        case Signal.windowChanged:
            columns = Terminal.size(of: 1)?.columns ?? columns
            drawn = nil
        case Signal.continue:
            try? rawMode.enter()
            drawn = nil
        default:
            break
        }
    }

    /// Ctrl-Z: give the terminal back as it was, stop, and take it again when continued.
    private func suspend() {
        output.append("\r\u{1B}[K")
        output.flush()
        drawn = nil
        rawMode.restore()
        Posix.raise(Signal.terminalStop)
        try? rawMode.enter()
    }

    func finish() {
        output.append("\r\u{1B}[K")
        drawn = nil
        output.flush()
        rawMode.finish()
    }
}
