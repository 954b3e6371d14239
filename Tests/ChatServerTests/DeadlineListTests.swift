import ChatCore
@testable import ChatServer
import Platform
import Testing

@Suite("Deadline lists")
struct DeadlineListTests {
    private func connection(_ fd: Int32) throws -> Connection {
        Connection(
            fd: fd, id: ConnectionID(loop: 0, descriptor: fd, serial: UInt64(fd)),
            address: try SocketAddress.resolve(host: "127.0.0.1", port: 1000 + Int(fd)), now: 0, maxLineBytes: 512,
            flood: FloodControl(burst: 1, linesPerSecond: 1, discardedBytesPerToken: 512, now: 0), holdsSlot: false)
    }

    @Test("entries expire in the order they were added")
    func expiresInOrder() throws {
        var list = DeadlineList(.registration, timeoutNanoseconds: 10)
        let connections = try (0..<3).map { try connection($0) }
        for (index, connection) in connections.enumerated() { list.append(connection, now: Int64(index)) }
        #expect(list.firstDeadline == 10)
        #expect(list.popExpired(now: 9) == nil)
        #expect(list.popExpired(now: 11) === connections[0])
        #expect(list.popExpired(now: 11) === connections[1])
        #expect(list.popExpired(now: 11) == nil)
        #expect(list.count == 1)
    }

    @Test("a connection removed early is let go at once, wherever it is in the list")
    func removalFreesTheConnection() throws {
        var list = DeadlineList(.registration, timeoutNanoseconds: 1_000)
        weak var released: Connection?
        var kept: [Connection] = []
        do {
            let connections = try (0..<5).map { try connection($0) }
            for connection in connections { list.append(connection, now: 0) }
            released = connections[2]
            list.remove(connections[2])
            list.remove(connections[0])
            list.remove(connections[4])
            kept = [connections[1], connections[3]]
        }
        #expect(released == nil, "nothing else holds a removed connection")
        #expect(list.count == 2)
        #expect(list.popExpired(now: 1_000) === kept[0])
        #expect(list.popExpired(now: 1_000) === kept[1])
        #expect(list.popExpired(now: 1_000) == nil)
        #expect(list.firstDeadline == nil)
    }

    @Test("removing a connection from a list it is not in does nothing")
    func removeFromTheWrongList() throws {
        var registration = DeadlineList(.registration, timeoutNanoseconds: 1)
        var linger = DeadlineList(.linger, timeoutNanoseconds: 1)
        let connection = try connection(7)
        registration.append(connection, now: 0)
        linger.remove(connection)
        #expect(registration.count == 1 && connection.timer.kind == .registration)
    }
}
