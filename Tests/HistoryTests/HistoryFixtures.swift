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

/// Readable names for the message ids of one test: `names.record("a1", time: 1000)` stamps a
/// real id at that millisecond (later calls get higher ids, as one event loop stamps them),
/// `names.anchor("a1")` refers to it, and `names.of(result)` gives a read's records back by name.
final class TestNames: @unchecked Sendable {
    // @unchecked: one test uses it, on its own thread (the service's thread never sees it).
    private let source = MessageIDSource(loop: 7)
    private var byName: [String: String] = [:]
    private var byMsgid: [String: String] = [:]

    /// A record of room `room` called `name`, with a fresh id stamped at `time`.
    func record(
        _ name: String, room: String = "#a", time: Int64, kind: HistoryKind = .privmsg, text: String? = nil
    ) -> HistoryRecord {
        let id = source.nextID(time: time)
        byName[name] = MessageID.string(id)
        byMsgid[MessageID.string(id)] = name
        return HistoryRecord(
            id: id, time: time, room: room, roomName: room.uppercased(), kind: kind, nick: "nick",
            source: "nick!user@host", text: text ?? "text of \(name)", target: kind == .kick ? "victim" : "")
    }

    /// The anchor naming the message stamped as `name` (a name never stamped is taken as a msgid).
    func anchor(_ name: String) -> HistoryAnchor { .msgid(byName[name] ?? name) }

    /// The name a msgid was stamped as (the msgid itself if none).
    func name(_ msgid: String) -> String { byMsgid[msgid] ?? msgid }

    /// The names of a read's records, or a description of what else it returned.
    func of(_ result: HistoryReadResult) -> [String] {
        switch result {
        case .records(let records): records.map { name($0.msgid) }
        case .targets(let targets): targets.map { "target \($0.room) \($0.latest)" }
        case .unknownMessage(let msgid): ["unknown \(name(msgid))"]
        case .failed(let reason): ["failed \(reason)"]
        }
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
