@preconcurrency import Glibc

/// Another process's CPU time and resident memory, read from procfs (for the load generator's
/// `--server-pid`). Every reader returns nil when the process is gone or the file unreadable.
public enum ProcessStats {
    /// User plus system CPU seconds the process has used, all threads included: fields 14
    /// (utime) and 15 (stime) of /proc/PID/stat, in clock ticks.
    public static func cpuSeconds(pid: Int32) -> Double? {
        guard let text = readSmallFile("/proc/\(pid)/stat") else { return nil }
        // The command name (field 2) is in parentheses and may hold spaces: count from the last ')'.
        guard let close = text.lastIndex(of: UInt8(ascii: ")")) else { return nil }
        let fields = text[(close + 1)...].split(separator: UInt8(ascii: " "))
        // After ")" come field 3 (state) onwards, so utime (14) is at offset 11 and stime at 12.
        guard fields.count > 12, let user = Int(decimal: fields[11]), let system = Int(decimal: fields[12]) else {
            return nil
        }
        return Double(user + system) / Double(clockTicksPerSecond)
    }

    /// The process's resident set size in bytes: VmRSS from /proc/PID/status.
    public static func residentBytes(pid: Int32) -> Int? {
        guard let text = readSmallFile("/proc/\(pid)/status") else { return nil }
        for line in text.split(separator: UInt8(ascii: "\n")) where line.starts(with: "VmRSS:".utf8) {
            let words = line.dropFirst(6).split(whereSeparator: { $0 == 32 || $0 == 9 })
            guard let kilobytes = words.first.flatMap({ Int(decimal: $0) }) else { return nil }
            return kilobytes * 1024
        }
        return nil
    }

    /// When the process started, in seconds since 1970: its start time after boot (field 22 of
    /// /proc/PID/stat, in clock ticks) plus the boot time (`btime` in /proc/stat).
    public static func startTimeSeconds(pid: Int32) -> Double? {
        guard let text = readSmallFile("/proc/\(pid)/stat"), let close = text.lastIndex(of: UInt8(ascii: ")")),
            let system = readSmallFile("/proc/stat")
        else { return nil }
        let fields = text[(close + 1)...].split(separator: UInt8(ascii: " "))
        // After ")" comes field 3 (state), so starttime (22) is at offset 19.
        guard fields.count > 19, let ticks = Int(decimal: fields[19]) else { return nil }
        for line in system.split(separator: UInt8(ascii: "\n")) where line.starts(with: "btime ".utf8) {
            guard let bootTime = Int(decimal: line.dropFirst(6)) else { return nil }
            return Double(bootTime) + Double(ticks) / Double(clockTicksPerSecond)
        }
        return nil
    }

    /// The most descriptors the process may open (the soft RLIMIT_NOFILE), or nil if unknown.
    public static func maxOpenDescriptors() -> Int? {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return nil }
        return limit.rlim_cur == rlim_t.max ? nil : Int(limit.rlim_cur)
    }

    /// True while a process with this id exists.
    public static func isRunning(pid: Int32) -> Bool { kill(pid, 0) == 0 || errno == EPERM }

    static var clockTicksPerSecond: Int {
        let ticks = sysconf(Int32(_SC_CLK_TCK))
        return ticks > 0 ? ticks : 100
    }

    /// The whole of a small procfs file (procfs reports size 0, so read until end of file).
    static func readSmallFile(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { Posix.close(fd) }
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { break }
            result.append(contentsOf: chunk[..<count])
        }
        return result
    }
}

extension Int {
    /// Parses ASCII decimal digits (no sign).
    init?(decimal bytes: ArraySlice<UInt8>) {
        guard !bytes.isEmpty else { return nil }
        var value = 0
        for byte in bytes {
            guard byte >= 48 && byte <= 57 else { return nil }
            value = value * 10 + Int(byte - 48)
        }
        self = value
    }
}
