import CLinux  // socket constants: a release (whole-module) build finds them through CLinux's headers
@preconcurrency import Glibc

/// The systemd service notification protocol (sd_notify(3)), written by us: each state is one
/// datagram of `KEY=value` lines to the unix socket named in `NOTIFY_SOCKET` (an abstract
/// socket when the name starts with `@`). Without `NOTIFY_SOCKET`, nobody is listening and
/// there is no notifier.
public struct ServiceNotifier: Sendable {
    /// The socket's name as `NOTIFY_SOCKET` gives it.
    public let path: String

    /// Why a notification could not be sent.
    public enum NotifyError: Error, Equatable, Sendable, CustomStringConvertible {
        /// The name is empty or longer than a unix socket address holds.
        case badPath(String)
        case system(SystemError)

        public var description: String {
            switch self {
            case .badPath(let path): "NOTIFY_SOCKET '\(path)' is not a usable unix socket name"
            case .system(let error): "cannot notify systemd: \(error)"
            }
        }
    }

    public init(path: String) {
        self.path = path
    }

    /// The notifier `NOTIFY_SOCKET` asks for, or nil when it is unset or empty (not run by
    /// systemd as Type=notify).
    public static func fromEnvironment() -> ServiceNotifier? {
        guard let path = Posix.environment("NOTIFY_SOCKET"), !path.isEmpty else { return nil }
        return ServiceNotifier(path: path)
    }

    /// `READY=1`: start-up is done (the listeners are up).
    public static let ready = "READY=1"
    /// `STOPPING=1`: shutting down.
    public static let stopping = "STOPPING=1"

    /// `RELOADING=1` with `MONOTONIC_USEC` (what systemd 253 and later expect for
    /// Type=notify-reload): a reload begins; send `ready` when it is done.
    public static func reloading(monotonicMicroseconds: Int64 = Posix.monotonicNanoseconds() / 1000) -> String {
        "RELOADING=1\nMONOTONIC_USEC=\(monotonicMicroseconds)"
    }

    /// `STATUS=<text>`: one line shown by `systemctl status`.
    public static func status(_ text: String) -> String {
        "STATUS=" + String(text.map { $0 == "\n" ? " " : $0 })
    }

    /// Sends `state` (newline-separated `KEY=value` lines) as one datagram. Never blocks: the
    /// socket is non-blocking, and a full receiver is an error, not a wait.
    public func send(_ state: String) throws(NotifyError) {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var name = Array(path.utf8)
        let abstract = name.first == UInt8(ascii: "@")
        if abstract { name[0] = 0 }
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        // A path needs room for its terminating NUL; an abstract name is counted exactly.
        guard !name.isEmpty, name.count < capacity || (abstract && name.count <= capacity) else {
            throw .badPath(path)
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: name)
        }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + name.count + (abstract ? 0 : 1))
        let fd = socket(
            AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        guard fd >= 0 else { throw .system(SystemError("socket", errno: errno)) }
        defer { close(fd) }
        let bytes = Array(state.utf8)
        while true {
            let sent = bytes.withUnsafeBytes { payload in
                withUnsafePointer(to: &address) { pointer in
                    pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                        sendto(fd, payload.baseAddress, payload.count, Int32(MSG_NOSIGNAL), socketAddress, length)
                    }
                }
            }
            if sent >= 0 { return }
            let error = errno
            if error == EINTR { continue }
            throw .system(SystemError("sendto \(path)", errno: error))
        }
    }
}
