@preconcurrency import Glibc
import CLinux

/// The client side of non-blocking TCP, for the load generator: connects that complete later
/// through epoll, and the error a failed connect leaves.
extension Socket {
    /// How a non-blocking connect started.
    public enum ConnectProgress: Sendable, Equatable {
        /// Already connected (common on loopback).
        case connected
        /// In progress: wait for the socket to become writable, then read `pendingError`.
        case inProgress
    }

    /// A non-blocking, close-on-exec TCP socket whose connect to `address` has been started.
    public static func connectNonBlocking(to address: SocketAddress) throws(SystemError) -> (
        fd: Int32, progress: ConnectProgress
    ) {
        let fd = try Int32(
            Posix.retrying("socket") {
                Int(Glibc.socket(address.family, CLINUX_SOCK_STREAM | CLINUX_SOCK_NONBLOCK | CLINUX_SOCK_CLOEXEC, 0))
            })
        while true {
            if address.withSockaddr({ Glibc.connect(fd, $0, $1) }) == 0 { return (fd, .connected) }
            let error = Glibc.errno
            if error == EINTR { continue }
            if error == EINPROGRESS { return (fd, .inProgress) }
            Posix.close(fd)
            throw SystemError("connect", errno: error)
        }
    }

    /// The error a non-blocking connect ended with (SO_ERROR), or nil when it succeeded.
    public static func pendingError(_ fd: Int32) -> SystemError? {
        var value: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        if getsockopt(fd, SOL_SOCKET, SO_ERROR, &value, &length) != 0 {
            return SystemError("getsockopt(SO_ERROR)", errno: Glibc.errno)
        }
        return value == 0 ? nil : SystemError("connect", errno: value)
    }

    /// Closes with a TCP reset, so the closing side keeps no TIME_WAIT state (a load generator
    /// that opens tens of thousands of connections would otherwise run out of local ports).
    public static func closeWithReset(_ fd: Int32) {
        try? Posix.setLinger(fd, seconds: 0)
        Posix.close(fd)
    }
}

extension Posix {
    /// The calling process's id.
    public static var processID: Int32 { getpid() }
}
