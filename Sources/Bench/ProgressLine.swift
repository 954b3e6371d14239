import Platform

/// A one-line status on standard error, redrawn in place, shown only on a terminal and only
/// once a run has taken more than two seconds, at most four times a second.
public final class ProgressLine {
    private let startedAt = Posix.monotonicNanoseconds()
    private var lastDrawnAt: Int64 = 0
    private var drawn = false

    /// Nil unless standard error is a terminal.
    public static func forStandardError(enabled: Bool) -> ProgressLine? {
        enabled && Posix.isTerminal(2) ? ProgressLine() : nil
    }

    private init() {}

    func update(_ text: @autoclosure () -> String) {
        let now = Posix.monotonicNanoseconds()
        guard now - startedAt > 2_000_000_000, now - lastDrawnAt > 250_000_000 else { return }
        lastDrawnAt = now
        drawn = true
        Posix.write("\r\u{1B}[K" + text(), to: 2)
    }

    /// Clears the line if it was drawn.
    func finish() {
        if drawn { Posix.write("\r\u{1B}[K", to: 2) }
        drawn = false
    }
}
