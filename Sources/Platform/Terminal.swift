@preconcurrency import Glibc
import Synchronization

/// The terminal a program talks to: its size and raw mode. Raw mode is undone by `RawMode`
/// on every ordinary path, and by a handler on the fatal signals (a crash must not leave the
/// user's shell without echo).
public enum Terminal {
    /// A terminal's size in character cells.
    public struct Size: Equatable, Sendable {
        public var columns: Int
        public var rows: Int

        public init(columns: Int, rows: Int) {
            self.columns = columns
            self.rows = rows
        }
    }

    /// The line-discipline settings a test or a caller may want to check.
    public struct Modes: Equatable, Sendable {
        /// Typed characters are echoed (ECHO).
        public var echo: Bool
        /// Input arrives a line at a time (ICANON).
        public var canonical: Bool
        /// Ctrl-C and Ctrl-Z raise signals (ISIG).
        public var signals: Bool
    }

    /// Whether `fd` is a terminal.
    public static func isTerminal(_ fd: Int32) -> Bool { isatty(fd) == 1 }

    /// The size of the terminal on `fd`, or nil when it is not a terminal or reports zero.
    public static func size(of fd: Int32) -> Size? {
        var size = winsize()
        guard ioctl(fd, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return nil }
        return Size(columns: Int(size.ws_col), rows: Int(size.ws_row))
    }

    /// The current modes of the terminal on `fd`.
    public static func modes(of fd: Int32) throws(SystemError) -> Modes {
        var settings = termios()
        _ = try Posix.retrying("tcgetattr") { Int(tcgetattr(fd, &settings)) }
        return Modes(
            echo: settings.c_lflag & tcflag_t(ECHO) != 0,
            canonical: settings.c_lflag & tcflag_t(ICANON) != 0,
            signals: settings.c_lflag & tcflag_t(ISIG) != 0)
    }

    /// Puts the terminal on `fd` in raw mode: no echo, no line buffering, no signals from
    /// keys (Ctrl-C arrives as byte 3), no output processing (write CRLF yourself). The saved
    /// settings come back when the returned value is restored or deinitialized, and when a
    /// fatal signal (SIGSEGV, SIGILL, SIGABRT, ...) arrives. One raw mode at a time.
    public static func enterRawMode(_ fd: Int32) throws(SystemError) -> RawMode {
        try RawMode(fd: fd)
    }
}

/// A terminal in raw mode, and the settings to put back. Owned by the thread that drives the
/// terminal; not shared.
public final class RawMode {
    public let fd: Int32
    private var saved = termios()
    private var raw = termios()
    public private(set) var isActive = false

    fileprivate init(fd: Int32) throws(SystemError) {
        self.fd = fd
        _ = try Posix.retrying("tcgetattr") { Int(tcgetattr(fd, &saved)) }
        raw = saved
        raw.c_iflag &= ~tcflag_t(BRKINT | ICRNL | INPCK | ISTRIP | IXON)
        raw.c_oflag &= ~tcflag_t(OPOST)
        raw.c_cflag |= tcflag_t(CS8)
        raw.c_lflag &= ~tcflag_t(ECHO | ICANON | IEXTEN | ISIG)
        withUnsafeMutableBytes(of: &raw.c_cc) { cc in
            cc[Int(VMIN)] = 1
            cc[Int(VTIME)] = 0
        }
        FatalSignalRestorer.arm(fd: fd, settings: saved)
        try enter()
    }

    deinit { restore() }

    /// Applies raw mode again (after a suspend, or when something else changed the settings).
    public func enter() throws(SystemError) {
        // TCSADRAIN, not TCSAFLUSH: keep what was typed before the program was ready.
        _ = try Posix.retrying("tcsetattr") { Int(tcsetattr(fd, TCSADRAIN, &raw)) }
        isActive = true
    }

    /// Puts the saved settings back. Again is harmless; `enter` may follow.
    public func restore() {
        guard isActive else { return }
        isActive = false
        while tcsetattr(fd, TCSAFLUSH, &saved) != 0 && errno == EINTR {}
    }

    /// Restores the settings for good: fatal signals no longer touch the terminal.
    public func finish() {
        restore()
        FatalSignalRestorer.disarm()
    }
}

/// Restores saved terminal settings when a fatal signal arrives, then lets the signal do what
/// it would have done (the previous handler, such as Swift's backtracer, or the default).
private enum FatalSignalRestorer {
    static let signals: [Int32] = [SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP, SIGSYS]

    /// The terminal to restore, or -1. The handler reads `settings` only after loading a
    /// descriptor, and `arm` writes them before storing one.
    static let descriptor = Atomic<Int32>(-1)
    static let installed = Atomic<Bool>(false)
    // Safe: `arm` writes it only while `descriptor` is -1; the handler reads it only after loading a descriptor.
    nonisolated(unsafe) static let settings = UnsafeMutablePointer<termios>.allocate(capacity: 1)
    // Safe: each slot is written by `install` before the handler that reads it is installed.
    nonisolated(unsafe) static let previous = UnsafeMutablePointer<sigaction>.allocate(capacity: 65)

    static func arm(fd: Int32, settings saved: termios) {
        descriptor.store(-1, ordering: .releasing)
        settings.pointee = saved
        descriptor.store(fd, ordering: .releasing)
        install()
    }

    static func disarm() {
        descriptor.store(-1, ordering: .releasing)
    }

    private static func install() {
        guard !installed.exchange(true, ordering: .acquiringAndReleasing) else { return }
        for signal in signals {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { signal in FatalSignalRestorer.handle(signal) }
            sigemptyset(&action.sa_mask)
            action.sa_flags = 0
            sigaction(signal, &action, previous + Int(signal))
        }
        Posix.unblockSignals(signals)
    }

    /// Runs in the signal handler: async-signal-safe calls only.
    private static func handle(_ signal: Int32) {
        let fd = descriptor.exchange(-1, ordering: .acquiringAndReleasing)
        if fd >= 0 {
            _ = tcsetattr(fd, TCSAFLUSH, settings)
            var newline: (UInt8, UInt8) = (13, 10)
            _ = Glibc.write(fd, &newline, 2)
        }
        // Put the previous disposition back and deliver the signal again: a fault re-runs the
        // faulting instruction on return; abort() and kill() signals are raised once more.
        sigaction(signal, previous + Int(signal), nil)
        _ = Glibc.raise(signal)
    }
}
