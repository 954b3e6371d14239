import Foundation
import Locking
import Platform
import TestSupport

/// A listening socket on 127.0.0.1 and a free port that plays a misbehaving Redis server: the
/// test accepts the client's connection and writes whatever bytes it wants to.
final class FakeServer {
    let listener: Int32
    let port: Int
    private var accepted: [Int32] = []

    init(backlog: Int32 = 16) throws {
        listener = try Socket.listen(on: SocketAddress(host: "127.0.0.1", port: 0)!, backlog: backlog)
        port = try Socket.localAddress(listener).port
    }

    deinit {
        for fd in accepted { Posix.close(fd) }
        Posix.close(listener)
    }

    struct NoConnection: Error {}

    /// The server side of the next connection, within `timeout` seconds.
    func accept(timeout: Double = 5) throws -> Int32 {
        let deadline = Posix.monotonicNanoseconds() + Int64(timeout * 1e9)
        while Posix.monotonicNanoseconds() < deadline {
            if case .done(let (fd, _)) = try Posix.accept(listener) {
                accepted.append(fd)
                return fd
            }
            _ = try Socket.waitReadable([listener], timeoutMilliseconds: 50)
        }
        throw NoConnection()
    }

    /// Writes `bytes` to an accepted connection.
    func write(_ fd: Int32, _ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            switch ByteIO.send(fd, bytes, from: offset) {
            case .success(.done(let count)): offset += count
            case .success(.wouldBlock): _ = try Socket.waitReady([(fd, .writable)], timeoutMilliseconds: 1000)
            case .failure(let error): throw error
            }
        }
    }

    /// Closes an accepted connection.
    func close(_ fd: Int32) {
        accepted.removeAll { $0 == fd }
        Posix.close(fd)
    }
}

extension FakeServer {
    /// Accepts the next connection on a thread of its own, for a client that blocks until it
    /// has answers (one logging in): see `BackgroundPeer`.
    func acceptInBackground(replies: String) throws -> BackgroundPeer {
        BackgroundPeer(listener: listener, replies: Array(replies.utf8))
    }
}

/// The server side of one connection, run on its own thread: accepts it, writes `replies` at
/// once, then records what the client sends until the client closes (or 10 s pass).
final class BackgroundPeer: Sendable {
    private let bytes = Locked<[UInt8]>([])

    struct TooFew: Error, CustomStringConvertible {
        let description: String
    }

    init(listener: Int32, replies: [UInt8]) {
        let thread = Thread { [bytes] in
            let deadline = Posix.monotonicNanoseconds() + 10_000_000_000
            var connection: Int32?
            while connection == nil && Posix.monotonicNanoseconds() < deadline {
                if case .done(let (fd, _)) = try? Posix.accept(listener) { connection = fd }
                _ = try? Socket.waitReadable([listener], timeoutMilliseconds: 50)
            }
            guard let fd = connection else { return }
            defer { Posix.close(fd) }
            _ = ByteIO.send(fd, replies, from: 0)
            var chunk = [UInt8](repeating: 0, count: 4096)
            while Posix.monotonicNanoseconds() < deadline {
                _ = try? Socket.waitReadable([fd], timeoutMilliseconds: 50)
                switch ByteIO.read(fd, into: &chunk) {
                case .success(.done(0)), .failure: return
                case .success(.done(let count)): bytes.withLock { $0 += chunk[..<count] }
                case .success(.wouldBlock): continue
                }
            }
        }
        thread.start()
    }

    /// The first `count` bytes the client sent, waiting up to 5 s for them.
    func received(count: Int) throws -> [UInt8] {
        guard waitUntil({ bytes.withLock { $0.count } >= count }) else {
            throw TooFew(description: "the client sent \(bytes.withLock { $0 }), fewer than \(count) bytes")
        }
        return bytes.withLock { Array($0.prefix(count)) }
    }
}
