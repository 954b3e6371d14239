import ChatCore
import LineProtocol
import Testing

@testable import Cluster

/// What a node appends to the streams reads back as it was written (no Redis needed).
@Suite("Cluster: stream entries")
struct ClusterEncodingTests {
    let alice = Nickname(alreadyValidated: "alice")
    let id = ConnectionID(loop: 3, descriptor: 41, serial: 9_000_000_001, node: 7)

    private func roundTrip(_ operation: ClusterOperation) throws -> ClusterOperation {
        var entry = StreamEntryWriter()
        entry.add("o", 7)
        operation.write(to: &entry)
        let reader = try #require(StreamEntryReader(packed: entry.bytes[...]))
        #expect(reader.int("o") == 7)
        return try #require(ClusterOperation(reading: reader, now: 0))
    }

    @Test("every directory change reads back with its fields")
    func operations() throws {
        let room = try RoomName(validating: "#Rust")
        guard case .join(let name, let nick, let mask, let joiner, let key, let founder, let clock) = try roundTrip(
            .join(room, nickname: alice, hostmask: "alice!a@h", id: id, key: "s3cret", founderIsOperator: true,
                  wallClock: 1_700_000_000))
        else { Issue.record("not a join"); return }
        #expect(name.name == "#Rust" && nick.name == "alice" && mask == "alice!a@h" && joiner == id)
        #expect(key == "s3cret" && founder && clock == 1_700_000_000)

        let changes: [ModeChange] = [
            .flag(.moderated, on: true), .key("k e y"), .key(nil), .limit(5), .limit(nil),
            .member(.operator, target: "bob", on: true), .member(.voice, target: "carol", on: false),
            .ban("*!*@evil", on: true),
        ]
        guard case .changeModes(let modeRoom, let by, let setter, let read, _) = try roundTrip(
            .changeModes("#rust", by: alice, setter: "alice", changes: changes, wallClock: 1))
        else { Issue.record("not modes"); return }
        #expect(modeRoom == "#rust" && by?.name == "alice" && setter == "alice" && read == changes)

        guard case .setTopic(_, let server, _, let text, _) = try roundTrip(
            .setTopic("#rust", by: nil, setter: "linechat", text: "ünïcode, spaces: and :colons", wallClock: 2))
        else { Issue.record("not a topic"); return }
        #expect(server == nil && text == "ünïcode, spaces: and :colons")

        guard case .setAway(_, let away) = try roundTrip(.setAway(alice, message: nil)) else {
            Issue.record("not away")
            return
        }
        #expect(away == nil)
        guard case .nodeLost(let node, let reason) = try roundTrip(.nodeLost(node: 3, reason: "Node c lost")) else {
            Issue.record("not nodeLost")
            return
        }
        #expect(node == 3 && reason == "Node c lost")
    }

    @Test("a line keeps its four forms and its except; a record all its fields")
    func chatEntries() throws {
        let line = OutboundLine(plain: Array(":a PRIVMSG #r :x\r\n".utf8), full: Array(":a!a@h PRIVMSG #r :x\r\n".utf8),
            timed: Array("@time=t :a!a@h PRIVMSG #r :x\r\n".utf8), tagged: [])
        var entry = StreamEntryWriter()
        ChatEntry.outbound(.toRoom("#r", line: line, except: id)).write(to: &entry)
        let reader = try #require(StreamEntryReader(packed: entry.bytes[...]))
        guard case .outbound(.toRoom(let key, let read, let except))? = ChatEntry(reading: reader) else {
            Issue.record("not a room line")
            return
        }
        #expect(key == "#r" && except == id)
        #expect(read.plain == line.plain && read.full == line.full && read.timed == line.timed && read.tagged.isEmpty)

        let record = HistoryRecord(
            id: 123_456_789, time: 1_700_000_000_123, room: "#r", roomName: "#R", kind: .kick, nick: "op",
            source: "op!o@h", text: "bye", target: "alice")
        var recordEntry = StreamEntryWriter()
        ChatEntry.record(record).write(to: &recordEntry)
        guard case .record(let readRecord)? = ChatEntry(reading: try #require(StreamEntryReader(packed: recordEntry.bytes[...])))
        else {
            Issue.record("not a record")
            return
        }
        #expect(readRecord == record)
    }

    @Test("a batch of entries, and bytes cut anywhere or garbage, never crash the reader")
    func batchesAndGarbage() throws {
        var batch: [UInt8] = []
        for index in 0..<50 {
            var entry = StreamEntryWriter()
            ChatEntry.outbound(.send(to: id, line: OutboundLine(Array("line \(index)\r\n".utf8)))).write(to: &entry)
            ChatBatch.append(entry.bytes, to: &batch)
        }
        var lines: [String] = []
        ChatBatch.forEach(batch) { packed in
            if let reader = StreamEntryReader(packed: packed), case .outbound(.send(_, let line))? = ChatEntry(reading: reader) {
                lines.append(String(decoding: line.plain, as: UTF8.self))
            }
        }
        #expect(lines == (0..<50).map { "line \($0)\r\n" })
        // Every prefix, and random bytes: entries read or skipped, no crash.
        var generator = SystemRandomNumberGenerator()
        for cut in stride(from: 0, to: batch.count, by: 7) {
            ChatBatch.forEach(Array(batch[..<cut])) { packed in _ = StreamEntryReader(packed: packed).flatMap { ChatEntry(reading: $0) } }
        }
        for _ in 0..<2000 {
            let noise = (0..<Int.random(in: 0..<200, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            ChatBatch.forEach(noise) { packed in _ = StreamEntryReader(packed: packed).flatMap { ChatEntry(reading: $0) } }
            if let reader = StreamEntryReader(packed: noise[...]) { _ = ClusterOperation(reading: reader, now: 0) }
        }
    }
}
