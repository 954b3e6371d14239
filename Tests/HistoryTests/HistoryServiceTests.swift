import ChatCore
import Dispatch
import Foundation
import Testing

@testable import History

/// The service: records queued and written by its thread, rings in memory, reads after the
/// writes, faults, drops, and the history surviving a restart.
@Suite struct HistoryServiceTests {
    let directory: TemporaryDirectory
    let names = TestNames()
    let path: String
    /// Message times near now: older ones would be pruned (the retention is 30 days).
    let now = Int64(Date().timeIntervalSince1970 * 1000)
    init() throws {
        directory = try TemporaryDirectory()
        path = directory.file("history.sqlite3")
    }

    @Test func aReadSeesTheRecordsQueuedBeforeIt() throws {
        let service = try HistoryService(path: path, log: { _ in })
        defer { service.shutdown() }
        for n in 1...5 { #expect(service.record(names.record("m\(n)", time: now + Int64(n)))) }
        #expect(names.of(try read(service, .latest(room: "#a", after: nil, limit: 10))) == ["m1", "m2", "m3", "m4", "m5"])
        #expect(service.status().stored == 5)
        #expect(service.status().queued == 0)
    }

    @Test func recentComesFromTheRingOldestFirstWithoutEvents() throws {
        var configuration = HistoryServiceConfiguration()
        configuration.ringSize = 3
        let service = try HistoryService(path: path, configuration: configuration, log: { _ in })
        defer { service.shutdown() }
        for n in 1...5 { service.record(names.record("m\(n)", time: now + Int64(n))) }
        service.record(names.record("j", time: now + 6, kind: .join))
        service.record(names.record("x1", room: "#b", time: now + 7))
        #expect(service.recent(room: "#a", limit: 10).map { names.name($0.msgid) } == ["m3", "m4", "m5"])
        #expect(service.recent(room: "#a", limit: 2).map { names.name($0.msgid) } == ["m4", "m5"])
        #expect(service.recent(room: "#b", limit: 10).map { names.name($0.msgid) } == ["x1"])
        #expect(service.recent(room: "#c", limit: 10).isEmpty)
    }

    @Test func historySurvivesARestart() throws {
        do {
            let service = try HistoryService(path: path, log: { _ in })
            for n in 1...5 { service.record(names.record("m\(n)", time: now + Int64(n))) }
            service.record(names.record("j1", time: now + 6, kind: .join))
            service.record(names.record("d1", room: "#dev", time: now + 7, kind: .notice))
            service.shutdown()
            service.shutdown()  // idempotent
            #expect(service.status().stored == 7)
            #expect(!service.record(names.record("late", time: now + 8)))
        }
        let service = try HistoryService(path: path, log: { _ in })
        defer { service.shutdown() }
        #expect(service.recent(room: "#a", limit: 10).map { names.name($0.msgid) } == ["m1", "m2", "m3", "m4", "m5"])
        #expect(service.recent(room: "#dev", limit: 10).map { names.name($0.msgid) } == ["d1"])
        #expect(
            names.of(try read(service, .latest(room: "#a", after: nil, limit: 10), includeEvents: true))
                == ["m1", "m2", "m3", "m4", "m5", "j1"])
        service.record(names.record("m6", time: now + 9))
        #expect(names.of(try read(service, .after(room: "#a", names.anchor("m5"), limit: 10))) == ["m6"])
    }

    @Test func aFullQueueDropsAndCountsTheRest() throws {
        var configuration = HistoryServiceConfiguration()
        configuration.queueCapacity = 10
        let service = try HistoryService(path: path, configuration: configuration, log: { _ in })
        defer { service.shutdown() }
        let paused = DispatchSemaphore(value: 0)
        let resume = DispatchSemaphore(value: 0)
        service.onHistoryThread { _ in
            paused.signal()
            resume.wait()
        }
        #expect(paused.wait(timeout: .now() + 10) == .success)
        let accepted = (1...15).map { service.record(names.record("m\($0)", time: now + Int64($0))) }
        #expect(accepted == Array(repeating: true, count: 10) + Array(repeating: false, count: 5))
        #expect(service.status().dropped == 5)
        #expect(service.status().queued == 10)
        resume.signal()
        #expect(names.of(try read(service, .latest(room: "#a", after: nil, limit: 100))).count == 10)
        #expect(service.status().stored == 10)
    }

    /// A database that may not grow (max_page_count, as a full disk: SQLITE_FULL, which fails
    /// writes under root too) keeps the records queued, marks the service degraded and logs;
    /// once it may grow again the records are written and the log says so.
    @Test func aFullDiskHoldsTheRecordsAndWritingResumes() throws {
        let log = LogLines()
        var configuration = HistoryServiceConfiguration()
        configuration.commitIntervalMilliseconds = 5
        let service = try HistoryService(path: path, configuration: configuration, log: log.sink)
        defer { service.shutdown() }
        service.record(names.record("first", time: now))
        let limited = DispatchSemaphore(value: 0)
        service.onHistoryThread { database in
            try? database.connection.execute("PRAGMA max_page_count=1;", operation: "limit the file")
            limited.signal()
        }
        #expect(limited.wait(timeout: .now() + 10) == .success)
        let text = String(repeating: "y", count: 300)
        for n in 1...500 { service.record(names.record("m\(n)", time: now + Int64(n), text: text)) }
        try waitUntil("the service to report a failed write") { service.status().degraded != nil }
        #expect(service.status().degraded?.contains("full") == true, "\(service.status())")
        // Records are held (the file's last page may have taken a few before it was full:
        // max_page_count cannot go below the pages in use); all 501 are read back below.
        try waitUntil("records held") { service.status().queued > 0 }
        try waitUntil("the failure logged") { log.all.contains { $0.contains("writing failed") } }
        service.onHistoryThread { database in
            try? database.connection.execute("PRAGMA max_page_count=1000000;", operation: "unlimit the file")
        }
        try waitUntil("writing to resume") { service.status().degraded == nil && service.status().queued == 0 }
        try waitUntil("the recovery logged") { log.all.contains { $0.contains("history writing resumed") } }
        #expect(names.of(try read(service, .latest(room: "#a", after: nil, limit: 1000))).count == 501)
        #expect(service.status().dropped == 0)
    }

    @Test func aReadAfterShutdownFailsAtOnce() throws {
        let service = try HistoryService(path: path, log: { _ in })
        service.shutdown()
        #expect(throws: HistoryError.shutDown) { try read(service, .latest(room: "#a", after: nil, limit: 1)) }
    }

    @Test func aForeignFileFailsTheStart() throws {
        try Data("not a database at all, no".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: HistoryError.self) { try HistoryService(path: path, log: { _ in }) }
    }
}
