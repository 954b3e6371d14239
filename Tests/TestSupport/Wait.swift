import Platform

/// Polls `condition` until it holds or `timeout` seconds pass; returns whether it held. For
/// state with no line to wait for (descriptor counts, the registry), never as a sleep.
public func waitUntil(timeout: Double = 5, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = Posix.monotonicNanoseconds() + Int64(timeout * 1e9)
    while true {
        if try condition() { return true }
        if Posix.monotonicNanoseconds() > deadline { return false }
        _ = try? Socket.waitReadable([], timeoutMilliseconds: 5)
    }
}
