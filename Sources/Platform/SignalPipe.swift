@preconcurrency import Glibc
import Synchronization

/// Turns signals into bytes on a pipe that an event loop polls beside its other descriptors
/// (the self-pipe trick), so a signal is handled in ordinary code between two events instead
/// of inside a handler. One at a time per process.
public final class SignalPipe {
    /// The read end: readable when a signal has arrived. Poll it, then call `drain`.
    public let fd: Int32
    private let writeFD: Int32
    private let signals: [Int32]
    private var previous: [sigaction]

    /// Starts catching `signals`, and unblocks them in the calling thread (a blocked signal
    /// would never arrive). Their earlier handlers come back on `close` or deinit.
    public init(catching signals: [Int32]) throws(SystemError) {
        var ends: [Int32] = [-1, -1]
        _ = try Posix.retrying("pipe") { Int(pipe(&ends)) }
        for end in ends {
            _ = fcntl(end, F_SETFD, FD_CLOEXEC)
            _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK)
        }
        fd = ends[0]
        writeFD = ends[1]
        self.signals = signals
        previous = []
        SignalPipeHandler.descriptor.store(writeFD, ordering: .releasing)
        for signal in signals {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { signal in SignalPipeHandler.handle(signal) }
            sigemptyset(&action.sa_mask)
            action.sa_flags = Int32(SA_RESTART)
            var old = sigaction()
            sigaction(signal, &action, &old)
            previous.append(old)
        }
        Posix.unblockSignals(signals)
    }

    deinit { close() }

    /// The signals that arrived since the last call, oldest first (repeats of one signal may
    /// be merged, as the kernel merges them).
    public func drain() -> [Int32] {
        guard fd >= 0 else { return [] }
        var received: [Int32] = []
        var buffer = [UInt8](repeating: 0, count: 64)
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count > 0 {
                received.append(contentsOf: buffer[..<count].map { Int32($0) })
                continue
            }
            if count < 0 && errno == EINTR { continue }
            return received
        }
    }

    private var isClosed = false

    /// Puts the previous handlers back and closes the pipe. Again is harmless.
    public func close() {
        guard !isClosed else { return }
        isClosed = true
        for (signal, old) in zip(signals, previous) {
            var old = old
            sigaction(signal, &old, nil)
        }
        SignalPipeHandler.descriptor.store(-1, ordering: .releasing)
        Posix.close(fd)
        Posix.close(writeFD)
    }
}

/// The part of `SignalPipe` a signal handler can reach.
private enum SignalPipeHandler {
    /// The pipe's write end, or -1.
    static let descriptor = Atomic<Int32>(-1)

    /// Runs in the signal handler: an atomic load and write(2), both async-signal-safe.
    static func handle(_ signal: Int32) {
        let fd = descriptor.load(ordering: .acquiring)
        guard fd >= 0 else { return }
        let savedErrno = errno
        var byte = UInt8(truncatingIfNeeded: signal)
        _ = Glibc.write(fd, &byte, 1)
        errno = savedErrno
    }
}

/// The signal numbers programs above this layer refer to.
public enum Signal {
    /// SIGINT: Ctrl-C at a terminal not in raw mode, or `kill -INT`.
    public static let interrupt = SIGINT
    /// SIGTERM: asked to stop.
    public static let terminate = SIGTERM
    /// SIGHUP: the terminal went away.
    public static let hangUp = SIGHUP
    /// SIGWINCH: the terminal changed size.
    public static let windowChanged = SIGWINCH
    /// SIGCONT: continued after being stopped.
    public static let `continue` = SIGCONT
    /// SIGTSTP: stop from the terminal (Ctrl-Z).
    public static let terminalStop = SIGTSTP
}

extension Signal {
    /// SIGSEGV: an invalid memory access (for tests of crash clean-up).
    public static let segmentationFault = SIGSEGV
}
