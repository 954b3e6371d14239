@preconcurrency import Glibc

// Files and directories, and the wall clock in milliseconds: what the history store and its
// benchmark need beside SQLite.
extension Posix {
    /// Milliseconds since 1970 (wall clock, UTC), for message times.
    public static func wallClockMilliseconds() -> Int64 {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return Int64(time.tv_sec) * 1000 + Int64(time.tv_nsec) / 1_000_000
    }

    /// Creates a fresh directory "<parent>/<prefix>XXXXXX" (mkdtemp) and returns its path.
    public static func makeTemporaryDirectory(in parent: String = "/tmp", prefix: String) throws(SystemError) -> String {
        var template = Array("\(parent)/\(prefix)XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        guard made != nil else { throw SystemError("mkdtemp", errno: Glibc.errno) }
        return template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    /// Removes a file (unlink), ignoring one that does not exist.
    public static func removeFile(_ path: String) throws(SystemError) {
        guard unlink(path) == 0 || Glibc.errno == ENOENT else { throw SystemError("unlink", errno: Glibc.errno) }
    }

    /// Removes an empty directory (rmdir), ignoring one that does not exist.
    public static func removeDirectory(_ path: String) throws(SystemError) {
        guard rmdir(path) == 0 || Glibc.errno == ENOENT else { throw SystemError("rmdir", errno: Glibc.errno) }
    }

    /// Sleeps the calling thread for `milliseconds` (a benchmark's polling; never a loop thread).
    public static func sleep(milliseconds: Int) {
        var request = timespec(tv_sec: milliseconds / 1000, tv_nsec: (milliseconds % 1000) * 1_000_000)
        var remaining = timespec()
        while nanosleep(&request, &remaining) != 0 && Glibc.errno == EINTR { request = remaining }
    }
}
