import ChatCore
import Foundation
import Platform
import Testing

@testable import ChatServer

/// What a reload changes inside a loop, without threads: deadline lists, flood buckets, the
/// admission limits.
@Suite("Reload pieces")
struct ReloadPieceTests {
    private func connection(_ fd: Int32) throws -> Connection {
        Connection(
            fd: fd, id: ConnectionID(loop: 0, descriptor: fd, serial: UInt64(fd)),
            address: try SocketAddress.resolve(host: "127.0.0.1", port: 1000 + Int(fd)), now: 0, maxLineBytes: 512,
            flood: FloodControl(burst: 1, linesPerSecond: 1, discardedBytesPerToken: 512, now: 0), holdsSlot: false)
    }

    @Test("a new timeout moves every waiting deadline by the difference, in order, and applies to new entries")
    func deadlineListTimeout() throws {
        var list = DeadlineList(.registration, timeoutNanoseconds: 100)
        let connections = try (0..<3).map { try connection($0) }
        for (index, connection) in connections.enumerated() { list.append(connection, now: Int64(index * 10)) }
        list.changeTimeout(to: 30)
        #expect(connections.map(\.timer.deadline) == [30, 40, 50])
        #expect(list.firstDeadline == 30)
        let late = try connection(3)
        list.append(late, now: 25)
        #expect(late.timer.deadline == 55)
        #expect(list.popExpired(now: 45) === connections[0])
        #expect(list.popExpired(now: 45) === connections[1])
        #expect(list.popExpired(now: 45) == nil)
        list.changeTimeout(to: 1_000)
        #expect(list.firstDeadline == 1_020)
    }

    @Test("new flood limits keep the tokens earned, up to the new burst, and refill at the new rate")
    func floodReconfigure() {
        let second: Int64 = 1_000_000_000
        var flood = FloodControl(burst: 100, linesPerSecond: 100, discardedBytesPerToken: 512, now: 0)
        flood.reconfigure(burst: 2, linesPerSecond: 1, now: 0)
        #expect(flood.burst == 2 && flood.tokensPerSecond == 1)
        #expect([flood.take(now: 0), flood.take(now: 0), flood.take(now: 0)] == [true, true, false])
        #expect(flood.nanosecondsUntilToken(now: 0) == second)
        flood.reconfigure(burst: 50, linesPerSecond: 10, now: second / 2)
        // Half a token earned at the old rate, then a tenth of a second for the other half.
        #expect(abs(flood.nanosecondsUntilToken(now: second / 2) - second / 20) <= 1)
    }

    @Test("new admission limits refuse newcomers past them and keep those already counted")
    func admissionLimits() {
        let admission = Admission(maxClients: 10, maxPerAddress: 5)
        for _ in 0..<3 { #expect(admission.admit(host: "a") == nil) }
        admission.setLimits(maxClients: 10, maxPerAddress: 2)
        #expect(admission.admit(host: "a") == .tooManyFromAddress(limit: 2))
        #expect(admission.admit(host: "b") == nil)
        admission.setLimits(maxClients: 4, maxPerAddress: 2)
        #expect(admission.admit(host: "c") == .serverFull)
        #expect(admission.count == 4)
        admission.release(host: "a")
        admission.release(host: "a")
        #expect(admission.admit(host: "c") == nil)
        #expect(admission.limits.maxClients == 4 && admission.limits.maxPerAddress == 2)
    }
}

@Suite("Log notes in JSON")
struct LogNoteFormatTests {
    @Test("the note of dropped log lines is a JSON line when the log is JSON, text otherwise")
    func droppedNote() throws {
        let json = LogWriter.droppedNote(3, format: .json)
        let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: String]
        #expect(object?["level"] == "warning")
        #expect(object?["message"] == "(3 log lines dropped: the log output was not keeping up)")
        let text = LogWriter.droppedNote(1, format: .text)
        #expect(text.hasSuffix(" warning (1 log line dropped: the log output was not keeping up)\n"))
    }
}

@Suite("Connection address")
struct ConnectionAddressTests {
    @Test(
        "the host a connection's --max-per-ip slot is released under is the host it was taken under",
        arguments: ["127.0.0.1", "::1", "2001:db8::7", "10.1.2.3"])
    func hostFromTheSessionsAddress(host: String) throws {
        let address = try SocketAddress.resolve(host: host, port: 4242)
        let connection = Connection(
            fd: 9, id: ConnectionID(loop: 0, descriptor: 9, serial: 9), address: address, now: 0, maxLineBytes: 512,
            flood: FloodControl(burst: 1, linesPerSecond: 1, discardedBytesPerToken: 512, now: 0), holdsSlot: false)
        #expect(connection.host == address.host)
        #expect(connection.host == host)
        #expect(connection.id == ConnectionID(loop: 0, descriptor: 9, serial: 9))
    }
}
