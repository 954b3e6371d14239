@preconcurrency import Glibc
import CLinux

/// What a non-blocking call did: moved some bytes (or accepted), or would have blocked.
public enum IOResult<Value: Sendable>: Sendable {
    case done(Value)
    case wouldBlock
}

/// Thin wrappers over the system calls LineChat makes. Each reads errno right after a -1,
/// retries on EINTR, returns would-block as a value, and throws `SystemError` otherwise.
/// This file and the few beside it are the only code that talks to the C library.
public enum Posix {
    @inline(__always)
    static func retrying(_ call: String, _ body: () -> Int) throws(SystemError) -> Int {
        while true {
            let result = body()
            if result >= 0 { return result }
            let error = Glibc.errno
            if error == EINTR { continue }
            if error == EBADF { preconditionFailure("\(call): EBADF, a descriptor was used after close") }
            throw SystemError(call, errno: error)
        }
    }

    @inline(__always)
    static func retryingNonBlocking(_ call: String, _ body: () -> Int) throws(SystemError) -> IOResult<Int> {
        while true {
            let result = body()
            if result >= 0 { return .done(result) }
            let error = Glibc.errno
            if error == EINTR { continue }
            if error == EAGAIN || error == EWOULDBLOCK { return .wouldBlock }
            if error == EBADF { preconditionFailure("\(call): EBADF, a descriptor was used after close") }
            throw SystemError(call, errno: error)
        }
    }

    /// read(2) on a non-blocking descriptor. `.done(0)` is end of file.
    public static func read(_ fd: Int32, _ buffer: UnsafeMutableRawBufferPointer) throws(SystemError) -> IOResult<Int> {
        try retryingNonBlocking("read") { Glibc.read(fd, buffer.baseAddress, buffer.count) }
    }

    /// send(2) with MSG_NOSIGNAL, so a closed peer is an EPIPE error, never a SIGPIPE.
    public static func send(_ fd: Int32, _ buffer: UnsafeRawBufferPointer) throws(SystemError) -> IOResult<Int> {
        try retryingNonBlocking("send") { Glibc.send(fd, buffer.baseAddress, buffer.count, Int32(MSG_NOSIGNAL)) }
    }

    /// write(2) of a whole buffer to a blocking descriptor (stdout, a log, a test pipe).
    public static func writeAll(_ fd: Int32, _ buffer: UnsafeRawBufferPointer) throws(SystemError) {
        var offset = 0
        while offset < buffer.count {
            offset += try retrying("write") { Glibc.write(fd, buffer.baseAddress! + offset, buffer.count - offset) }
        }
    }

    /// close(2). EINTR is not retried: on Linux the descriptor is gone either way.
    public static func close(_ fd: Int32) {
        if Glibc.close(fd) != 0 && Glibc.errno == EBADF {
            preconditionFailure("close: EBADF, a descriptor was closed twice")
        }
    }

    /// shutdown(2) of the write side, ignoring errors (the peer may already be gone).
    public static func shutdownWrite(_ fd: Int32) {
        _ = Glibc.shutdown(fd, Int32(SHUT_WR))
    }

    /// accept4(2) with SOCK_NONBLOCK | SOCK_CLOEXEC.
    public static func accept(_ fd: Int32) throws(SystemError) -> IOResult<(Int32, SocketAddress)> {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let result = try withUnsafeMutablePointer(to: &storage) { pointer throws(SystemError) in
            try retryingNonBlocking("accept4") {
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    Int(clinux_accept4(fd, $0, &length, CLINUX_SOCK_NONBLOCK | CLINUX_SOCK_CLOEXEC))
                }
            }
        }
        switch result {
        case .wouldBlock: return .wouldBlock
        case .done(let client): return .done((Int32(client), SocketAddress(storage)))
        }
    }

    public static func setOption(_ fd: Int32, _ level: Int32, _ name: Int32, _ value: Int32) throws(SystemError) {
        var value = value
        _ = try retrying("setsockopt") {
            Int(Glibc.setsockopt(fd, level, name, &value, socklen_t(MemoryLayout<Int32>.size)))
        }
    }

    /// Sets SO_LINGER; `seconds` 0 makes close(2) send a reset.
    public static func setLinger(_ fd: Int32, seconds: Int32) throws(SystemError) {
        var value = linger(l_onoff: 1, l_linger: seconds)
        _ = try retrying("setsockopt") {
            Int(Glibc.setsockopt(fd, SOL_SOCKET, SO_LINGER, &value, socklen_t(MemoryLayout<linger>.size)))
        }
    }

    /// TCP keepalive: first probe after `idle` seconds, then every `interval`, give up after `count`.
    public static func enableKeepalive(_ fd: Int32, idle: Int32, interval: Int32, count: Int32) throws(SystemError) {
        try setOption(fd, SOL_SOCKET, SO_KEEPALIVE, 1)
        try setOption(fd, Int32(IPPROTO_TCP), TCP_KEEPIDLE, idle)
        try setOption(fd, Int32(IPPROTO_TCP), TCP_KEEPINTVL, interval)
        try setOption(fd, Int32(IPPROTO_TCP), TCP_KEEPCNT, count)
    }

    /// TCP_USER_TIMEOUT: how long sent data may stay unacknowledged before the connection is
    /// dropped (with keepalive on, it also bounds the probes).
    public static func setUserTimeout(_ fd: Int32, milliseconds: UInt32) throws(SystemError) {
        try setOption(fd, Int32(IPPROTO_TCP), TCP_USER_TIMEOUT, Int32(clamping: milliseconds))
    }

    /// Reads TCP_USER_TIMEOUT back, in milliseconds.
    public static func userTimeout(_ fd: Int32) throws(SystemError) -> UInt32 {
        var value: UInt32 = 0
        var length = socklen_t(MemoryLayout<UInt32>.size)
        _ = try retrying("getsockopt(TCP_USER_TIMEOUT)") {
            Int(Glibc.getsockopt(fd, Int32(IPPROTO_TCP), TCP_USER_TIMEOUT, &value, &length))
        }
        return value
    }

    public static func setNoDelay(_ fd: Int32) throws(SystemError) {
        try setOption(fd, Int32(IPPROTO_TCP), TCP_NODELAY, 1)
    }

    /// The bytes waiting to be read on a socket.
    public static func bytesReadable(_ fd: Int32) throws(SystemError) -> Int {
        try retrying("ioctl(FIONREAD)") { Int(clinux_bytes_readable(fd)) }
    }

    /// Raises the soft limit on open files to the hard limit; returns the new soft limit.
    @discardableResult
    public static func raiseOpenFileLimit() -> Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 0 }
        if limit.rlim_cur < limit.rlim_max {
            limit.rlim_cur = limit.rlim_max
            _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        }
        return Int(limit.rlim_cur)
    }

    /// Makes the allocator keep freed memory mapped instead of returning it at every free
    /// (`releaseFreeMemory` gives it back when idle), and map blocks of 128 KiB or more on their
    /// own: a big short-lived array (a big room's members sorted for NAMES) then leaves no hole
    /// in the heap for long-lived allocations to scatter into. Output buffers are not heap (see
    /// `OutputBuffer`): faulting fresh pages in for each one cost a third of a broadcast's CPU
    /// before they were kept between wakeups.
    public static func keepFreedMemoryForReuse() {
        clinux_keep_freed_memory()
    }

    /// Maps `bytes` (a multiple of the page size) of zeroed private memory outside the heap.
    /// Running out of address space is fatal, as it is for the heap.
    public static func mapMemory(_ bytes: Int) -> UnsafeMutableRawPointer {
        guard let address = clinux_map(bytes) else { fatalError("mmap of \(bytes) bytes failed: errno \(errno)") }
        return address
    }

    /// Grows or shrinks a mapping of `mapMemory` without copying its pages (mremap); it may move.
    public static func remapMemory(_ address: UnsafeMutableRawPointer, from old: Int, to new: Int)
        -> UnsafeMutableRawPointer
    {
        guard let moved = clinux_remap(address, old, new) else {
            fatalError("mremap from \(old) to \(new) bytes failed: errno \(errno)")
        }
        return moved
    }

    /// Gives a mapping of `mapMemory` back to the system.
    public static func unmapMemory(_ address: UnsafeMutableRawPointer, _ bytes: Int) {
        clinux_unmap(address, bytes)
    }

    /// Hands freed heap pages back to the system (malloc_trim), so a burst of output does not
    /// leave the process's resident memory high once the buffers are freed.
    public static func releaseFreeMemory() {
        _ = clinux_release_free_memory()
    }

    /// Heap bytes allocated and not freed (mallinfo2), to tell live data from free holes in RSS.
    public static func heapInUseBytes() -> Int { Int(clinux_heap_in_use()) }

    /// How many CPUs this process may run on (honours taskset).
    public static var availableCPUCount: Int { Int(clinux_cpu_count()) }

    /// Seconds since 1970 (wall clock), for times users see (topics, room creation).
    public static func wallClockSeconds() -> Int64 { Int64(Glibc.time(nil)) }

    /// Nanoseconds on CLOCK_MONOTONIC.
    @inline(__always)
    public static func monotonicNanoseconds() -> Int64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec)
    }

    /// The number of descriptors this process has open (from /proc/self/fd).
    public static func openDescriptorCount() -> Int {
        guard let directory = opendir("/proc/self/fd") else { return -1 }
        defer { closedir(directory) }
        var count = 0
        while readdir(directory) != nil { count += 1 }
        return count - 3  // ".", ".." and the descriptor opendir holds
    }

    /// The process's resident memory in bytes (the second field of /proc/self/statm, in pages).
    public static func residentMemoryBytes() -> Int {
        guard let file = fopen("/proc/self/statm", "r") else { return 0 }
        defer { fclose(file) }
        var line = [CChar](repeating: 0, count: 128)
        guard fgets(&line, Int32(line.count), file) != nil else { return 0 }
        let text = line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        let fields = String(decoding: text, as: UTF8.self).split(separator: " ")
        guard fields.count >= 2, let pages = Int(fields[1]) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    /// Ignores SIGPIPE for the whole process (sends use MSG_NOSIGNAL as well).
    public static func ignoreSIGPIPE() {
        signal(SIGPIPE, SIG_IGN)
    }

    /// Blocks `signals` in the calling thread (and threads it starts afterwards), so that one
    /// thread can wait for them with `waitForSignal`.
    public static func blockSignals(_ signals: [Int32]) {
        var set = sigset_t()
        sigemptyset(&set)
        for signal in signals { sigaddset(&set, signal) }
        pthread_sigmask(SIG_BLOCK, &set, nil)
    }

    /// Blocks every signal that can be blocked in the calling thread, for a helper thread (the
    /// log writer) that must never be the one a process-directed signal is delivered to.
    public static func blockAllSignals() {
        var set = sigset_t()
        sigfillset(&set)
        pthread_sigmask(SIG_BLOCK, &set, nil)
    }

    /// Waits until one of `signals` (already blocked) arrives; returns it.
    public static func waitForSignal(_ signals: [Int32]) -> Int32 {
        var set = sigset_t()
        sigemptyset(&set)
        for signal in signals { sigaddset(&set, signal) }
        var received: Int32 = 0
        while sigwait(&set, &received) != 0 {}
        return received
    }

    /// Sends `signal` to this process.
    public static func raise(_ signal: Int32) {
        kill(getpid(), signal)
    }

    public static func isTerminal(_ fd: Int32) -> Bool { isatty(fd) == 1 }
}

extension Posix {
    /// The wall-clock time as "2026-11-25T16:20:01.123Z", for log lines.
    public static func timestamp() -> String {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        var seconds = time_t(time.tv_sec)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let millis = Int(time.tv_nsec / 1_000_000)
        let millisText = millis < 10 ? "00\(millis)" : millis < 100 ? "0\(millis)" : "\(millis)"
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T"
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)).\(millisText)Z"
    }
}
