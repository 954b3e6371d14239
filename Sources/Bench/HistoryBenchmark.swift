import ChatCore
import History
import Platform

/// `linechat-bench history [--records N] [--rooms R] [--payload BYTES]`: writes N room
/// messages through a `HistoryService` into a database in a fresh temporary directory and
/// prints how many it stored per second (from the first `record` until `shutdown` returned,
/// with everything written) and what one `record` call cost the caller. No server involved.
public enum HistoryBenchmark {
    /// Runs the subcommand with `arguments` (after "history"); returns the exit status.
    public static func run(_ arguments: [String]) -> Int32 {
        var records = 200_000
        var rooms = 10
        var payload = 64
        var index = 0
        while index < arguments.count {
            let flag = arguments[index]
            guard index + 1 < arguments.count, let value = Int(arguments[index + 1]), value > 0 else {
                Posix.write("linechat-bench history: \(flag) needs a positive number\n", to: 2)
                return 64
            }
            switch flag {
            case "--records": records = value
            case "--rooms": rooms = value
            case "--payload": payload = value
            default:
                Posix.write("linechat-bench history: unknown option \(flag)\n", to: 2)
                return 64
            }
            index += 2
        }
        do {
            let directory = try Posix.makeTemporaryDirectory(prefix: "linechat-history-bench-")
            let path = directory + "/history.sqlite3"
            defer {
                for suffix in ["", "-wal", "-shm"] { try? Posix.removeFile(path + suffix) }
                try? Posix.removeDirectory(directory)
            }
            var configuration = HistoryServiceConfiguration()
            configuration.queueCapacity = records  // measures the writing, not the dropping
            let service = try HistoryService(path: path, configuration: configuration, log: { _ in })
            let text = String(repeating: "x", count: payload)
            let roomKeys = (0..<rooms).map { "#room\($0)" }
            let now = Posix.wallClockMilliseconds()
            let ids = MessageIDSource(loop: 0)
            let started = Posix.monotonicNanoseconds()
            for n in 0..<records {
                let room = roomKeys[n % rooms]
                service.record(
                    HistoryRecord(
                        id: ids.nextID(time: now + Int64(n / 1000)), time: now + Int64(n / 1000), room: room, roomName: room, kind: .privmsg,
                        nick: "sender", source: "sender!user@127.0.0.1", text: text))
            }
            let queued = Posix.monotonicNanoseconds()
            // Committed (in the WAL): what a reader sees. Polled every millisecond.
            while service.status().stored < records && service.status().queued > 0 { Posix.sleep(milliseconds: 1) }
            let committed = Posix.monotonicNanoseconds()
            service.shutdown()  // closing checkpoints the WAL into the file, with an fsync
            let finished = Posix.monotonicNanoseconds()
            let stats = service.status()
            let seconds = Double(committed - started) / 1e9
            let perCall = Double(queued - started) / Double(records)
            Posix.write(
                """
                history: \(stats.stored) of \(records) records committed in \(format(seconds)) s: \
                \(Int(Double(stats.stored) / seconds)) records/s (shutdown and checkpoint: \
                \(format(Double(finished - committed) / 1e9)) s more)
                record(): \(format(perCall)) ns per call (message construction included); \
                commits: \(stats.commits), longest \(stats.maxCommitMicroseconds) µs; dropped: \(stats.dropped)

                """, to: 1)
            return stats.stored == records ? 0 : 1
        } catch {
            Posix.write("linechat-bench history: \(error)\n", to: 2)
            return 1
        }
    }

    private static func format(_ value: Double) -> String {
        let hundredths = Int((value * 100).rounded())
        let fraction = hundredths % 100
        return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }
}
