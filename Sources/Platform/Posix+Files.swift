@preconcurrency import Glibc

// Files and directories, and the wall clock in milliseconds: what the history store and its
// benchmark need beside SQLite, and reading a small file whole (a Redis password file).
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

    /// The whole of a small file (a password or a key), at most `maxBytes`: a longer one is an
    /// EFBIG error rather than a read that never ends (a device, a pipe left open).
    public static func readFile(_ path: String, maxBytes: Int) throws(SystemError) -> [UInt8] {
        let fd = try Int32(retrying("open") { Int(open(path, O_RDONLY | O_CLOEXEC)) })
        defer { close(fd) }
        var contents: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count: Int
            switch ByteIO.read(fd, into: &chunk) {
            case .success(.done(let read)): count = read
            case .success(.wouldBlock): throw SystemError("read", errno: EAGAIN)
            case .failure(let error): throw error
            }
            if count == 0 { return contents }
            guard contents.count + count <= maxBytes else { throw SystemError("read", errno: EFBIG) }
            contents.append(contentsOf: chunk[..<count])
        }
    }

    /// Replaces a small file's contents all at once: written to `<path>.tmp`, then renamed over
    /// `path`, so a reader (or a crash) sees the old contents or the new, never a part.
    public static func replaceFile(_ path: String, with bytes: [UInt8]) throws(SystemError) {
        let temporary = path + ".tmp"
        let fd = try Int32(retrying("open") { Int(open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)) })
        let written = bytes.withUnsafeBytes { buffer in
            Result { () throws(SystemError) in try writeAll(fd, buffer) }
        }
        close(fd)
        try written.get()
        guard rename(temporary, path) == 0 else { throw SystemError("rename", errno: Glibc.errno) }
    }

    /// Sleeps the calling thread for `milliseconds` (a benchmark's polling; never a loop thread).
    public static func sleep(milliseconds: Int) {
        var request = timespec(tv_sec: milliseconds / 1000, tv_nsec: (milliseconds % 1000) * 1_000_000)
        var remaining = timespec()
        while nanosleep(&request, &remaining) != 0 && Glibc.errno == EINTR { request = remaining }
    }
}
