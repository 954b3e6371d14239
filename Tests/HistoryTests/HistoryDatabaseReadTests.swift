import ChatCore
import Testing

@testable import History

/// CHATHISTORY reads against a database holding, in this order:
/// a1 a2 b1 a3(join) a4 a5(notice) a6 b2 a7(part) a8 a9 a10, with a1-a4 and b1 at the same
/// millisecond (1000), then a5 1001, a6 1002, b2 and a7 1003, a8 1004, a9 1005, a10 1006.
/// Messages only, #a is a1 a2 a4 a5 a6 a8 a9 a10.
@Suite struct HistoryDatabaseReadTests {
    let directory: TemporaryDirectory
    let names = TestNames()
    let database: HistoryDatabase
    /// What `init` stored, by name.
    let stored: [String: HistoryRecord]

    init() throws {
        directory = try TemporaryDirectory()
        database = try HistoryDatabase(path: directory.file("history.sqlite3"))
        let records = [
            names.record("a1", time: 1000), names.record("a2", time: 1000), names.record("b1", room: "#b", time: 1000),
            names.record("a3", time: 1000, kind: .join), names.record("a4", time: 1000), names.record("a5", time: 1001, kind: .notice),
            names.record("a6", time: 1002), names.record("b2", room: "#b", time: 1003), names.record("a7", time: 1003, kind: .part),
            names.record("a8", time: 1004), names.record("a9", time: 1005), names.record("a10", time: 1006),
        ]
        try database.insert(records)
        stored = Dictionary(uniqueKeysWithValues: records.map { [names] in (names.name($0.msgid), $0) })
    }

    func ids(_ query: HistoryQuery, events: Bool = false) throws -> [String] {
        names.of(try database.read(query, includeEvents: events))
    }

    @Test func latestReturnsTheNewestOldestFirst() throws {
        #expect(try ids(.latest(room: "#a", after: nil, limit: 3)) == ["a8", "a9", "a10"])
        #expect(try ids(.latest(room: "#a", after: nil, limit: 5)) == ["a5", "a6", "a8", "a9", "a10"])
        #expect(try ids(.latest(room: "#a", after: nil, limit: 5), events: true) == ["a6", "a7", "a8", "a9", "a10"])
    }

    @Test func messagesOfOneMillisecondKeepTheirInsertionOrder() throws {
        #expect(
            try ids(.latest(room: "#a", after: nil, limit: 100), events: true)
                == ["a1", "a2", "a3", "a4", "a5", "a6", "a7", "a8", "a9", "a10"])
        #expect(try ids(.before(room: "#a", .timestamp(1001), limit: 2)) == ["a2", "a4"])
    }

    @Test func latestAfterAnAnchorStopsThere() throws {
        #expect(try ids(.latest(room: "#a", after: names.anchor("a6"), limit: 10)) == ["a8", "a9", "a10"])
        #expect(try ids(.latest(room: "#a", after: names.anchor("a6"), limit: 10), events: true) == ["a7", "a8", "a9", "a10"])
        #expect(try ids(.latest(room: "#a", after: names.anchor("a6"), limit: 2)) == ["a9", "a10"])
        #expect(try ids(.latest(room: "#a", after: .timestamp(1004), limit: 10)) == ["a9", "a10"])
    }

    @Test func beforeIsExclusiveAndClosestToTheAnchor() throws {
        #expect(try ids(.before(room: "#a", names.anchor("a5"), limit: 2)) == ["a2", "a4"])
        #expect(try ids(.before(room: "#a", names.anchor("a5"), limit: 2), events: true) == ["a3", "a4"])
        #expect(try ids(.before(room: "#a", .timestamp(1001), limit: 10)) == ["a1", "a2", "a4"])
        #expect(try ids(.before(room: "#a", .timestamp(1001), limit: 10), events: true) == ["a1", "a2", "a3", "a4"])
        #expect(try ids(.before(room: "#a", names.anchor("a1"), limit: 10)) == [])
    }

    @Test func afterIsExclusiveAndClosestToTheAnchor() throws {
        #expect(try ids(.after(room: "#a", names.anchor("a2"), limit: 2)) == ["a4", "a5"])
        #expect(try ids(.after(room: "#a", names.anchor("a2"), limit: 2), events: true) == ["a3", "a4"])
        #expect(try ids(.after(room: "#a", .timestamp(1000), limit: 2)) == ["a5", "a6"])
        #expect(try ids(.after(room: "#a", names.anchor("a10"), limit: 5)) == [])
    }

    @Test func aroundTakesHalfBeforeAndTheAnchorOnwards() throws {
        #expect(try ids(.around(room: "#a", names.anchor("a6"), limit: 4)) == ["a4", "a5", "a6", "a8"])
        #expect(try ids(.around(room: "#a", names.anchor("a6"), limit: 4), events: true) == ["a4", "a5", "a6", "a7"])
        #expect(try ids(.around(room: "#a", names.anchor("a1"), limit: 4)) == ["a1", "a2", "a4", "a5"])
        #expect(try ids(.around(room: "#a", names.anchor("a6"), limit: 1)) == ["a6"])
        #expect(try ids(.around(room: "#a", .timestamp(1002), limit: 3)) == ["a5", "a6", "a8"])
    }

    @Test func betweenIsExclusiveAndCountsFromTheFirstAnchor() throws {
        #expect(try ids(.between(room: "#a", names.anchor("a2"), names.anchor("a9"), limit: 10)) == ["a4", "a5", "a6", "a8"])
        #expect(try ids(.between(room: "#a", names.anchor("a2"), names.anchor("a9"), limit: 2)) == ["a4", "a5"])
        #expect(try ids(.between(room: "#a", names.anchor("a9"), names.anchor("a2"), limit: 2)) == ["a6", "a8"])
        #expect(try ids(.between(room: "#a", .timestamp(1000), .timestamp(1005), limit: 10)) == ["a5", "a6", "a8"])
        #expect(
            try ids(.between(room: "#a", .timestamp(1000), .timestamp(1005), limit: 10), events: true)
                == ["a5", "a6", "a7", "a8"])
        #expect(try ids(.between(room: "#a", .timestamp(1005), .timestamp(1000), limit: 1)) == ["a8"])
        #expect(try ids(.between(room: "#a", names.anchor("a4"), .timestamp(1005), limit: 10)) == ["a5", "a6", "a8"])
    }

    @Test func aMsgidNotInTheRoomIsUnknown() throws {
        #expect(try ids(.before(room: "#a", names.anchor("nope"), limit: 5)) == ["unknown nope"])
        #expect(try ids(.before(room: "#a", .msgid("zzzzzzzzzzzzzzzz"), limit: 5)) == ["unknown zzzzzzzzzzzzzzzz"])
        #expect(try ids(.after(room: "#a", names.anchor("b1"), limit: 5)) == ["unknown b1"])
        #expect(
            try database.read(.between(room: "#a", names.anchor("a1"), names.anchor("zz"), limit: 5), includeEvents: false)
                == .unknownMessage(msgid: "zz"))
        #expect(try database.read(.latest(room: "#a", after: names.anchor("x"), limit: 5), includeEvents: false) == .unknownMessage(msgid: "x"))
    }

    @Test func aLimitOfZeroReadsNothingAndAnUnknownRoomIsEmpty() throws {
        #expect(try ids(.latest(room: "#a", after: nil, limit: 0)) == [])
        #expect(try ids(.latest(room: "#nobody", after: nil, limit: 10)) == [])
    }

    @Test func recordsComeBackWhole() throws {
        guard case .records(let records) = try database.read(.after(room: "#a", names.anchor("a6"), limit: 1), includeEvents: true)
        else { Issue.record("not records"); return }
        #expect(records == [stored["a7"]])
    }

    @Test func targetsListRoomsByTheirLatestMessage() throws {
        let all = try database.read(.targets(from: 999, to: 2000, rooms: ["#a", "#b", "#c", "#a"], limit: 10), includeEvents: false)
        #expect(
            all == .targets([
                HistoryTarget(room: "#b", roomName: "#B", latest: 1003), HistoryTarget(room: "#a", roomName: "#A", latest: 1006),
            ]))
        #expect(try ids(.targets(from: 999, to: 2000, rooms: ["#a", "#b"], limit: 1)) == ["target #b 1003"])
        #expect(try ids(.targets(from: 2000, to: 999, rooms: ["#a", "#b"], limit: 1)) == ["target #a 1006"])
        #expect(try ids(.targets(from: 999, to: 1003, rooms: ["#a", "#b"], limit: 5)) == ["target #b 1000", "target #a 1002"])
    }

    @Test func latestPerRoomHoldsMessagesOnly() throws {
        let latest = try database.latestPerRoom(limit: 3, since: 0)
        #expect(latest.mapValues { $0.map { names.name($0.msgid) } } == ["#a": ["a8", "a9", "a10"], "#b": ["b1", "b2"]])
        #expect(try database.latestPerRoom(limit: 3, since: 1004).mapValues { $0.map { names.name($0.msgid) } } == ["#a": ["a8", "a9", "a10"]])
    }

    @Test func pruneDropsOldMessagesAndKeepsEachRoomBounded() throws {
        #expect(try database.prune(olderThan: 1001, maxPerRoom: 100) == 5)  // a1 a2 b1 a3 a4
        #expect(try database.count() == 7)
        // A prune trims the rooms written to since the last one, and every room the first time.
        #expect(try database.prune(olderThan: 0, maxPerRoom: 2) == 0)
        let reopened = try HistoryDatabase(path: directory.file("history.sqlite3"))
        #expect(try reopened.prune(olderThan: 0, maxPerRoom: 2) == 4)  // a5 a6 a7 a8
        #expect(try ids(.latest(room: "#a", after: nil, limit: 10), events: true) == ["a9", "a10"])
        #expect(try ids(.latest(room: "#b", after: nil, limit: 10)) == ["b2"])
    }

    @Test func aRecordStoredAlreadyIsSkipped() throws {
        try database.insert([stored["a1"]!, stored["a10"]!, names.record("a11", time: 5000)])
        #expect(try database.count() == 13)
        #expect(try ids(.latest(room: "#a", after: nil, limit: 3)) == ["a9", "a10", "a11"])
    }

    @Test func aRecordStampedEarlierOnAnotherLoopTakesItsPlace() throws {
        // Another event loop (3) stamped it in a6's millisecond; it reaches the store after a10.
        // Ids of one millisecond, each the first of its loop there, go by loop: it comes before a6.
        let other = MessageIDSource(loop: 3)
        let late = HistoryRecord(
            id: other.nextID(time: 1002), time: 1002, room: "#a", roomName: "#A", kind: .privmsg,
            nick: "late", source: "late!late@host", text: "late")
        try database.insert([late, names.record("a11", time: 1007)])
        #expect(try ids(.after(room: "#a", names.anchor("a5"), limit: 3)) == [late.msgid, "a6", "a8"])
        #expect(try ids(.latest(room: "#a", after: nil, limit: 2)) == ["a10", "a11"])
        #expect(try database.count() == 14)
    }

    @Test func chunksHoldAtMostTheirCapacityAndReadAcrossTheirBorders() throws {
        let many = (0..<600).map { names.record("c\($0)", room: "#c", time: 2000 + Int64($0 / 7)) }
        try database.insert(many)
        #expect(try ids(.latest(room: "#c", after: nil, limit: 500)) == (100..<600).map { "c\($0)" })
        #expect(try ids(.before(room: "#c", names.anchor("c300"), limit: 3)) == ["c297", "c298", "c299"])
        #expect(try ids(.after(room: "#c", names.anchor("c255"), limit: 2)) == ["c256", "c257"])
        #expect(try ids(.around(room: "#c", names.anchor("c512"), limit: 4)) == ["c510", "c511", "c512", "c513"])
        #expect(try database.prune(olderThan: 0, maxPerRoom: 333) == 267)
        #expect(try database.count() == 12 + 333)
        #expect(try ids(.latest(room: "#c", after: nil, limit: 500)).first == "c267")
    }
}
