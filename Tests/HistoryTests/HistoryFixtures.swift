import ChatCore
import Dispatch
import Foundation
import Locking
import Testing

@testable import History

/// A directory of its own under /tmp for one test, removed with everything in it.
final class TemporaryDirectory {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "linechat-history-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    func file(_ name: String) -> String { path + "/" + name }
}

/// A record of room `room`, numbered `n` (msgid "<prefix><n>").
func record(
    _ msgid: String, room: String = "#a", time: Int64, kind: HistoryKind = .privmsg, text: String? = nil
) -> HistoryRecord {
    HistoryRecord(
        msgid: msgid, time: time, room: room, roomName: room.uppercased(), kind: kind, nick: "nick",
        source: "nick!user@host", text: text ?? "text of \(msgid)", target: kind == .kick ? "victim" : "")
}

/// The msgids of a read's records, or a description of what else it returned.
func msgids(_ result: HistoryReadResult) -> [String] {
    switch result {
    case .records(let records): records.map(\.msgid)
    case .targets(let targets): targets.map { "target \($0.room) \($0.latest)" }
    case .unknownMessage(let msgid): ["unknown \(msgid)"]
    case .failed(let reason): ["failed \(reason)"]
    }
}

struct TimedOut: Error, CustomStringConvertible {
    let what: String
    var description: String { "timed out waiting for \(what)" }
}

/// Reads through the service and waits (10 s at most) for the reply.
func read(_ service: HistoryService, _ query: HistoryQuery, includeEvents: Bool = false) throws -> HistoryReadResult {
    let answer = Locked<Result<HistoryReadResult, HistoryError>?>(nil)
    let done = DispatchSemaphore(value: 0)
    service.read(query, includeEvents: includeEvents) { result in
        answer.withLock { $0 = result }
        done.signal()
    }
    guard done.wait(timeout: .now() + 10) == .success else { throw TimedOut(what: "a history read") }
    return try answer.withLock { $0 }!.get()
}

/// Waits up to 10 s until `condition` holds, checking every few milliseconds.
func waitUntil(_ what: String, _ condition: () -> Bool) throws {
    let deadline = DispatchTime.now() + 10
    while !condition() {
        guard DispatchTime.now() < deadline else { throw TimedOut(what: what) }
        usleep(2_000)
    }
}

/// Log lines a service wrote, for assertions.
final class LogLines: Sendable {
    private let lines = Locked<[String]>([])
    var all: [String] { lines.withLock { $0 } }
    var sink: @Sendable (String) -> Void { { [lines] line in lines.withLock { $0.append(line) } } }
}
