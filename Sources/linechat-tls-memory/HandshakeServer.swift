import Platform
import TLS

/// A loopback TLS listener that accepts and handshakes a given number of connections on one
/// epoll, then holds them idle (the server half of the measurement).
final class HandshakeServer {
    let context: TLSServerContext
    let listener: Int32
    let port: Int
    private let epoll: Epoll
    private let events = EpollEventBuffer(capacity: 256)
    /// Connections whose handshake is under way, by descriptor.
    private var pending: [Int32: TLSConnection] = [:]
    /// Handshaken connections, held idle with their descriptors.
    private(set) var idle: [(fd: Int32, connection: TLSConnection)] = []
    private var accepted = 0
    private var listening = true
    private var failures = 0
    private var protocols: [String: Int] = [:]

    init(context: TLSServerContext) throws {
        self.context = context
        listener = try Socket.listen(on: SocketAddress(host: "127.0.0.1", port: 0)!)
        port = try Socket.localAddress(listener).port
        epoll = try Epoll()
        try epoll.add(listener, .readable)
    }

    /// "TLSv1.3 TLS_AES_256_GCM_SHA384: 2100, 0 failed".
    var summary: String {
        protocols.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ")
            + ", \(failures) failed"
    }

    /// Accepts `count` more connections and returns once each has finished its handshake.
    func handshake(_ count: Int) throws {
        let target = accepted + count
        if !listening {
            try epoll.add(listener, .readable)
            listening = true
        }
        while accepted < target || !pending.isEmpty {
            try events.wait(on: epoll, timeoutMilliseconds: 10_000)
            guard events.count > 0 else { throw SystemError("epoll_wait (no progress for 10 s)", errno: 110) }
            for index in 0..<events.count {
                let fd = events.descriptor(at: index)
                if fd == listener {
                    try acceptAll(upTo: target)
                } else if let connection = pending[fd] {
                    try advance(connection, fd)
                }
            }
        }
    }

    private func acceptAll(upTo target: Int) throws {
        while accepted < target, case .done(let (fd, _)) = try Posix.accept(listener) {
            accepted += 1
            let connection = try context.makeConnection(socket: fd)
            pending[fd] = connection
            try epoll.add(fd, .readable)
            try advance(connection, fd)
        }
        if accepted == target {
            epoll.remove(listener)  // the next batch's clients wait in the backlog until then
            listening = false
        }
    }

    private func advance(_ connection: TLSConnection, _ fd: Int32) throws {
        switch connection.handshake() {
        case .wantRead: try epoll.modify(fd, .readable)
        case .wantWrite: try epoll.modify(fd, .writable)
        case .done:
            finish(fd)
            idle.append((fd, connection))
            let name = "\(connection.protocolVersion ?? "?") \(connection.cipher ?? "?")"
            protocols[name, default: 0] += 1
        case .closed, .failed:
            finish(fd)
            failures += 1
            Posix.close(fd)
        }
    }

    private func finish(_ fd: Int32) {
        pending[fd] = nil
        epoll.remove(fd)
    }
}
