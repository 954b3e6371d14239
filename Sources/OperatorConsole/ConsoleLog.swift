import Locking
import ChatCore
import ChatServer
import Platform

/// The server's log lines on their way out. Normally they go straight to `direct` (the standard
/// error log writer, which queues them for its own thread). While the interactive console owns
/// the terminal it holds them instead and wakes the console, which prints them above its
/// prompt; the event loops only append under a short lock and never wait for the terminal or
/// for stderr.
final class ConsoleLog: Sendable {
    /// Lines held before the oldest are dropped (a flood of log lines while the terminal is
    /// slow must not grow without bound).
    static let holdLimit = 10_000

    private struct State {
        var holding = false
        var lines: [String] = []
        var dropped = 0
        /// Dropped while holding, since the start.
        var droppedTotal = 0
    }

    private let state = Locked(State())
    /// Readable when held lines are waiting.
    let wakeup: Wakeup
    /// Where lines go when not held. It must not block: it runs on the thread that logs.
    private let direct: @Sendable (String) -> Void
    /// Lines `direct` has dropped so far.
    private let droppedByDirect: @Sendable () -> Int
    /// Waits up to the given seconds for what `direct` queued to be written.
    private let flushDirect: @Sendable (Double) -> Void

    /// How long `hold` waits for lines already on their way to the terminal.
    static let holdFlushSeconds = 0.5

    init(
        direct: @escaping @Sendable (String) -> Void = Logger.standardError,
        droppedByDirect: @escaping @Sendable () -> Int = { LogWriter.standardError.droppedLines },
        flushDirect: @escaping @Sendable (Double) -> Void = { LogWriter.standardError.flush(timeout: $0) }
    ) throws(SystemError) {
        wakeup = try Wakeup()
        self.direct = direct
        self.droppedByDirect = droppedByDirect
        self.flushDirect = flushDirect
    }

    /// Log lines dropped since the start: held while the terminal was busy, or by `direct`
    /// while the log output was not keeping up.
    var droppedLines: Int {
        state.withLock { $0.droppedTotal } + droppedByDirect()
    }

    /// The Logger sink: one finished line, newline included.
    func write(_ line: String) {
        let held = state.withLock { state in
            guard state.holding else { return false }
            if state.lines.count < Self.holdLimit {
                state.lines.append(line)
            } else {
                state.dropped += 1
                state.droppedTotal += 1
            }
            return true
        }
        if held { wakeup.signal() } else { direct(line) }
    }

    /// From now on, lines are held for `take`. Lines already handed to `direct` are written
    /// first (waiting a bounded time), so none lands on the terminal after the console draws.
    func hold() {
        state.withLock { $0.holding = true }
        flushDirect(Self.holdFlushSeconds)
    }

    /// The held lines, without their newlines, and a note of any dropped; call after the
    /// wakeup fires.
    func take() -> [String] {
        wakeup.consume()
        let (lines, dropped) = state.withLock { state in
            defer {
                state.lines.removeAll()
                state.dropped = 0
            }
            return (state.lines, state.dropped)
        }
        var result = lines.map { $0.hasSuffix("\n") ? String($0.dropLast()) : $0 }
        if dropped > 0 { result.append("(\(dropped) log lines dropped while the terminal was busy)") }
        return result
    }

    /// Stops holding: whatever is still held goes to standard error, in order, before any
    /// line written after this call.
    func release() {
        while true {
            let (lines, dropped) = state.withLock { state in
                if state.lines.isEmpty && state.dropped == 0 { state.holding = false }
                defer {
                    state.lines.removeAll()
                    state.dropped = 0
                }
                return (state.lines, state.dropped)
            }
            if lines.isEmpty && dropped == 0 { return }
            for line in lines { direct(line) }
            if dropped > 0 { direct("(\(dropped) log lines dropped while the terminal was busy)\n") }
        }
    }
}
