@preconcurrency import Glibc

// The process-level calls a command-line program needs: its environment and its exit.
extension Posix {
    /// The value of environment variable `name`, or nil when it is unset.
    public static func environment(_ name: String) -> String? {
        guard let value = getenv(name) else { return nil }
        return String(cString: value)
    }

    /// Ends the process with `status` (exit(3): buffered C output is flushed).
    public static func exit(_ status: Int32) -> Never {
        Glibc.exit(status)
    }

    /// Writes all of `text` to `fd`, ignoring errors (for messages to stderr on the way out).
    public static func write(_ text: String, to fd: Int32) {
        var bytes = Array(text.utf8)
        bytes.withUnsafeMutableBytes { raw in
            try? writeAll(fd, UnsafeRawBufferPointer(raw))
        }
    }
}

extension Posix {
    /// Unblocks `signals` in the calling thread. A process inherits its parent's signal mask,
    /// and some parents block nearly everything (a thread of Dispatch's pool that starts a
    /// Foundation `Process`, for one); a program that relies on a signal unblocks it.
    public static func unblockSignals(_ signals: [Int32]) {
        var set = sigset_t()
        sigemptyset(&set)
        for signal in signals { sigaddset(&set, signal) }
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
    }

    /// Runs `body` with `signals` unblocked in the calling thread, then puts the thread's mask
    /// back. For starting a child process from a thread that blocks them (a child inherits the
    /// mask, and a program that never unblocks SIGTERM itself, redis-server for one, would
    /// otherwise never see it).
    public static func withSignalsUnblocked<T>(_ signals: [Int32], _ body: () throws -> T) rethrows -> T {
        var set = sigset_t()
        sigemptyset(&set)
        for signal in signals { sigaddset(&set, signal) }
        var previous = sigset_t()
        pthread_sigmask(SIG_UNBLOCK, &set, &previous)
        defer { pthread_sigmask(SIG_SETMASK, &previous, nil) }
        return try body()
    }

    /// Sends `signal` to process `pid` (kill(2)); false if it could not be sent.
    @discardableResult
    public static func sendSignal(_ signal: Int32, to pid: Int32) -> Bool {
        kill(pid, signal) == 0
    }
}

extension Posix {
    /// The machine's host name (gethostname); "localhost" if it cannot be read.
    public static func hostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard Glibc.gethostname(&buffer, buffer.count - 1) == 0 else { return "localhost" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
