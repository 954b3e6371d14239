@preconcurrency import Glibc
import CLinux

/// Creating, binding, connecting and inspecting TCP sockets.
public enum Socket {
    /// A non-blocking listening socket on `address` with SO_REUSEADDR.
    public static func listen(on address: SocketAddress, backlog: Int32 = 4096) throws(SystemError) -> Int32 {
        let fd = try Int32(
            Posix.retrying("socket") {
                Int(Glibc.socket(address.family, CLINUX_SOCK_STREAM | CLINUX_SOCK_NONBLOCK | CLINUX_SOCK_CLOEXEC, 0))
            })
        do {
            try Posix.setOption(fd, SOL_SOCKET, SO_REUSEADDR, 1)
            _ = try Posix.retrying("bind") { Int(address.withSockaddr { Glibc.bind(fd, $0, $1) }) }
            _ = try Posix.retrying("listen") { Int(Glibc.listen(fd, backlog)) }
        } catch {
            Posix.close(fd)
            throw error
        }
        return fd
    }

    /// The address a socket is bound to (to learn the port after binding port 0).
    public static func localAddress(_ fd: Int32) throws(SystemError) -> SocketAddress {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        _ = try withUnsafeMutablePointer(to: &storage) { pointer throws(SystemError) in
            try Posix.retrying("getsockname") {
                Int(pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.getsockname(fd, $0, &length) })
            }
        }
        return SocketAddress(storage)
    }

    /// A blocking connection to `address`.
    public static func connect(to address: SocketAddress) throws(SystemError) -> Int32 {
        let fd = try Int32(
            Posix.retrying("socket") { Int(Glibc.socket(address.family, CLINUX_SOCK_STREAM | CLINUX_SOCK_CLOEXEC, 0)) })
        while true {
            if address.withSockaddr({ Glibc.connect(fd, $0, $1) }) == 0 { return fd }
            let error = Glibc.errno
            if error == EINTR { continue }
            Posix.close(fd)
            throw SystemError("connect", errno: error)
        }
    }

    /// Switches a descriptor to non-blocking mode.
    public static func setNonBlocking(_ fd: Int32) throws(SystemError) {
        let flags = try Posix.retrying("fcntl") { Int(fcntl(fd, F_GETFL)) }
        _ = try Posix.retrying("fcntl") { Int(fcntl(fd, F_SETFL, Int32(flags) | O_NONBLOCK)) }
    }

    /// Waits up to `timeoutMilliseconds` (-1: forever) until one of `fds` is readable; returns
    /// the readable ones (a closed or failed descriptor counts as readable).
    public static func waitReadable(_ fds: [Int32], timeoutMilliseconds: Int32) throws(SystemError) -> [Int32] {
        var polls = fds.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
        let count = try polls.withUnsafeMutableBufferPointer { buffer throws(SystemError) in
            try Posix.retrying("poll") { Int(poll(buffer.baseAddress, nfds_t(buffer.count), timeoutMilliseconds)) }
        }
        guard count > 0 else { return [] }
        return polls.filter { $0.revents != 0 }.map(\.fd)
    }
}
