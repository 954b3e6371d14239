/// How far a non-blocking handshake got.
public enum TLSProgress: Sendable, Equatable {
    /// The handshake is complete: read and write application data.
    case done
    /// Call `handshake()` again once the socket is readable.
    case wantRead
    /// Call `handshake()` again once the socket is writable.
    case wantWrite
    /// The peer closed the connection before the handshake completed (a port scan, a health
    /// check, a client that gave up).
    case closed
    /// The handshake failed; the connection is unusable: close the socket (no `shutdown()`).
    case failed(TLSError)
}

/// What one `TLSConnection.read(into:)` did.
public enum TLSReadResult: Sendable, Equatable {
    /// `count` bytes of application data were placed at the start of the buffer (never 0).
    case bytes(Int)
    /// Nothing more to read until the socket is readable again.
    case wantRead
    /// The read needs the socket writable first (OpenSSL must send something, a key update's
    /// answer): wait for writable, then read again.
    case wantWrite
    /// The peer closed the connection: a close_notify, or end of file without one.
    case closed
    /// The connection is unusable (corrupted records, a reset): close the socket.
    case failed(TLSError)
}

/// What one `TLSConnection.write(_:)` did.
public enum TLSWriteResult: Sendable, Equatable {
    /// `count` bytes from the start of the buffer were sent, possibly fewer than given
    /// (partial writes are on): write the rest later.
    case wrote(Int)
    /// Nothing was sent: wait for the socket to be writable, then write the same bytes again.
    case wantWrite
    /// Nothing was sent: the write needs the socket readable first; read, then write the same
    /// bytes again.
    case wantRead
    /// The peer has closed the connection.
    case closed
    /// The connection is unusable: close the socket.
    case failed(TLSError)
}
