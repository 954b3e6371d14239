@preconcurrency import Glibc

// errno for libraries that make system calls of their own and report a failure without it:
// OpenSSL reads and writes the socket itself, and its SSL_ERROR_SYSCALL means "look at errno".
extension SystemError {
    /// Sets the calling thread's errno to 0, so that `lastError` afterwards shows only what the
    /// next call did.
    public static func clearLastError() {
        Glibc.errno = 0
    }

    /// The calling thread's errno as a failed call left it, attributed to `call`; nil when it is 0.
    public static func lastError(_ call: String) -> SystemError? {
        let error = Glibc.errno
        return error == 0 ? nil : SystemError(call, errno: error)
    }
}
