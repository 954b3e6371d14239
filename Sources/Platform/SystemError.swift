@preconcurrency import Glibc

/// A failed system call: which call, and the errno it left.
public struct SystemError: Error, Equatable, Sendable, CustomStringConvertible {
    public let call: String
    public let errno: Int32

    public init(_ call: String, errno: Int32) {
        self.call = call
        self.errno = errno
    }

    /// The C library's words for the errno, in lower case ("connection refused").
    public var reason: String {
        guard let text = strerror(errno) else { return "error \(errno)" }
        let reason = String(cString: text)
        return reason.prefix(1).lowercased() + reason.dropFirst()
    }

    public var description: String { "\(call): \(reason)" }

    /// The peer reset the connection (ECONNRESET or EPIPE).
    public var isConnectionReset: Bool { errno == ECONNRESET || errno == EPIPE }

    /// The peer stopped answering: TCP keepalive or TCP_USER_TIMEOUT gave up (ETIMEDOUT).
    public var isTimedOut: Bool { errno == ETIMEDOUT }

    /// The process or system is out of file descriptors (EMFILE or ENFILE).
    public var isOutOfDescriptors: Bool { errno == EMFILE || errno == ENFILE }
}
