import ChatCore
import Testing

@testable import History

/// CHATHISTORY reads against a database holding, in this order:
/// a1 a2 b1 a3(join) a4 a5(notice) a6 b2 a7(part) a8 a9 a10, with a1-a4 and b1 at the same
/// millisecond (1000), then a5 1001, a6 1002, b2 and a7 1003, a8 1004, a9 1005, a10 1006.
/// Messages only, #a is a1 a2 a4 a5 a6 a8 a9 a10.
@Suite struct HistoryDatabaseReadTests {
    let directory: TemporaryDirectory
    let database: HistoryDatabase

    init() throws {
        directory = try TemporaryDirectory()
        database = try HistoryDatabase(path: directory.file("history.sqlite3"))
        try database.insert([
            record("a1", time: 1000), record("a2", time: 1000), record("b1", room: "#b", time: 1000),
            record("a3", time: 1000, kind: .join), record("a4", time: 1000), record("a5", time: 1001, kind: .notice),
            record("a6", time: 1002), record("b2", room: "#b", time: 1003), record("a7", time: 1003, kind: .part),
            record("a8", time: 1004), record("a9", time: 1005), record("a10", time: 1006),
        ])
    }

    func ids(_ query: HistoryQuery, events: Bool = false) throws -> [String] {
        msgids(try database.read(query, includeEvents: events))
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
        #expect(try ids(.latest(room: "#a", after: .msgid("a6"), limit: 10)) == ["a8", "a9", "a10"])
        #expect(try ids(.latest(room: "#a", after: .msgid("a6"), limit: 10), events: true) == ["a7", "a8", "a9", "a10"])
        #expect(try ids(.latest(room: "#a", after: .msgid("a6"), limit: 2)) == ["a9", "a10"])
        #expect(try ids(.latest(room: "#a", after: .timestamp(1004), limit: 10)) == ["a9", "a10"])
    }

    @Test func beforeIsExclusiveAndClosestToTheAnchor() throws {
        #expect(try ids(.before(room: "#a", .msgid("a5"), limit: 2)) == ["a2", "a4"])
        #expect(try ids(.before(room: "#a", .msgid("a5"), limit: 2), events: true) == ["a3", "a4"])
        #expect(try ids(.before(room: "#a", .timestamp(1001), limit: 10)) == ["a1", "a2", "a4"])
        #expect(try ids(.before(room: "#a", .timestamp(1001), limit: 10), events: true) == ["a1", "a2", "a3", "a4"])
        #expect(try ids(.before(room: "#a", .msgid("a1"), limit: 10)) == [])
    }

    @Test func afterIsExclusiveAndClosestToTheAnchor() throws {
        #expect(try ids(.after(room: "#a", .msgid("a2"), limit: 2)) == ["a4", "a5"])
        #expect(try ids(.after(room: "#a", .msgid("a2"), limit: 2), events: true) == ["a3", "a4"])
        #expect(try ids(.after(room: "#a", .timestamp(1000), limit: 2)) == ["a5", "a6"])
        #expect(try ids(.after(room: "#a", .msgid("a10"), limit: 5)) == [])
    }

    @Test func aroundTakesHalfBeforeAndTheAnchorOnwards() throws {
        #expect(try ids(.around(room: "#a", .msgid("a6"), limit: 4)) == ["a4", "a5", "a6", "a8"])
        #expect(try ids(.around(room: "#a", .msgid("a6"), limit: 4), events: true) == ["a4", "a5", "a6", "a7"])
        #expect(try ids(.around(room: "#a", .msgid("a1"), limit: 4)) == ["a1", "a2", "a4", "a5"])
        #expect(try ids(.around(room: "#a", .msgid("a6"), limit: 1)) == ["a6"])
        #expect(try ids(.around(room: "#a", .timestamp(1002), limit: 3)) == ["a5", "a6", "a8"])
    }

    @Test func betweenIsExclusiveAndCountsFromTheFirstAnchor() throws {
        #expect(try ids(.between(room: "#a", .msgid("a2"), .msgid("a9"), limit: 10)) == ["a4", "a5", "a6", "a8"])
        #expect(try ids(.between(room: "#a", .msgid("a2"), .msgid("a9"), limit: 2)) == ["a4", "a5"])
        #expect(try ids(.between(room: "#a", .msgid("a9"), .msgid("a2"), limit: 2)) == ["a6", "a8"])
        #expect(try ids(.between(room: "#a", .timestamp(1000), .timestamp(1005), limit: 10)) == ["a5", "a6", "a8"])
        #expect(
            try ids(.between(room: "#a", .timestamp(1000), .timestamp(1005), limit: 10), events: true)
                == ["a5", "a6", "a7", "a8"])
        #expect(try ids(.between(room: "#a", .timestamp(1005), .timestamp(1000), limit: 1)) == ["a8"])
        #expect(try ids(.between(room: "#a", .msgid("a4"), .timestamp(1005), limit: 10)) == ["a5", "a6", "a8"])
    }

    @Test func aMsgidNotInTheRoomIsUnknown() throws {
        #expect(try database.read(.before(room: "#a", .msgid("nope"), limit: 5), includeEvents: false) == .unknownMessage(msgid: "nope"))
        #expect(try database.read(.after(room: "#a", .msgid("b1"), limit: 5), includeEvents: false) == .unknownMessage(msgid: "b1"))
        #expect(
            try database.read(.between(room: "#a", .msgid("a1"), .msgid("zz"), limit: 5), includeEvents: false)
                == .unknownMessage(msgid: "zz"))
        #expect(try database.read(.latest(room: "#a", after: .msgid("x"), limit: 5), includeEvents: false) == .unknownMessage(msgid: "x"))
    }

    @Test func aLimitOfZeroReadsNothingAndAnUnknownRoomIsEmpty() throws {
        #expect(try ids(.latest(room: "#a", after: nil, limit: 0)) == [])
        #expect(try ids(.latest(room: "#nobody", after: nil, limit: 10)) == [])
    }

    @Test func recordsComeBackWhole() throws {
        guard case .records(let records) = try database.read(.after(room: "#a", .msgid("a6"), limit: 1), includeEvents: true)
        else { Issue.record("not records"); return }
        #expect(records == [record("a7", time: 1003, kind: .part)])
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
        #expect(latest.mapValues { $0.map(\.msgid) } == ["#a": ["a8", "a9", "a10"], "#b": ["b1", "b2"]])
        #expect(try database.latestPerRoom(limit: 3, since: 1004).mapValues { $0.map(\.msgid) } == ["#a": ["a8", "a9", "a10"]])
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

    @Test func aDuplicateMsgidIsSkipped() throws {
        try database.insert([record("a1", time: 5000), record("a11", time: 5000)])
        #expect(try database.count() == 13)
    }
}
