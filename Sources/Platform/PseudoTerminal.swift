@preconcurrency import Glibc

/// A pseudo-terminal pair (openpty), for tests that drive a program as a person at a terminal
/// would: give the program the secondary side as stdin and stdout, write keystrokes to the
/// primary side and read the screen output from it.
public final class PseudoTerminal {
    /// The side the test holds ("master").
    public let primary: Int32
    /// The side the program gets as its terminal ("slave"); -1 after `closeSecondary`.
    public private(set) var secondary: Int32

    /// Opens a pair with the given window size.
    public init(columns: Int = 80, rows: Int = 24) throws(SystemError) {
        var primary: Int32 = -1
        var secondary: Int32 = -1
        var size = winsize(ws_row: UInt16(rows), ws_col: UInt16(columns), ws_xpixel: 0, ws_ypixel: 0)
        _ = try Posix.retrying("openpty") { Int(openpty(&primary, &secondary, nil, nil, &size)) }
        _ = fcntl(primary, F_SETFD, FD_CLOEXEC)
        _ = fcntl(secondary, F_SETFD, FD_CLOEXEC)
        self.primary = primary
        self.secondary = secondary
    }

    deinit {
        closeSecondary()
        Posix.close(primary)
    }

    /// Closes this process's copy of the secondary side (after the program has its own), so
    /// that reading the primary side ends once the program exits.
    public func closeSecondary() {
        guard secondary >= 0 else { return }
        Posix.close(secondary)
        secondary = -1
    }

    /// Writes keystrokes, as if typed.
    public func type(_ bytes: [UInt8]) throws(SystemError) {
        // A Result, not a throwing closure: typed throws through withUnsafeBytes crashes 6.3.1.
        let result = bytes.withUnsafeBytes { raw -> Result<Void, SystemError> in
            do throws(SystemError) {
                try Posix.writeAll(primary, raw)
                return .success(())
            } catch {
                return .failure(error)
            }
        }
        try result.get()
    }

    /// Reads what the program wrote, waiting up to `timeoutMilliseconds`. Empty when nothing
    /// came in time; nil once the program's side is closed.
    public func read(timeoutMilliseconds: Int32) -> [UInt8]? {
        var poll = pollfd(fd: primary, events: Int16(POLLIN), revents: 0)
        var ready: Int32
        repeat { ready = Glibc.poll(&poll, 1, timeoutMilliseconds) } while ready < 0 && errno == EINTR
        guard ready > 0 else { return [] }
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(primary, $0.baseAddress, $0.count) }
            if count > 0 { return Array(buffer[..<count]) }
            if count < 0 && errno == EINTR { continue }
            return nil  // EIO: every copy of the secondary side is closed
        }
    }

    /// Changes the window size the program sees (it gets SIGWINCH if the terminal is its
    /// controlling terminal).
    public func resize(columns: Int, rows: Int) {
        var size = winsize(ws_row: UInt16(rows), ws_col: UInt16(columns), ws_xpixel: 0, ws_ypixel: 0)
        _ = ioctl(primary, UInt(TIOCSWINSZ), &size)
    }
}
