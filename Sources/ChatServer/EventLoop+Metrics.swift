import LineProtocol
import Platform

/// Keeping this loop's `LoopCounters`: the gauges of connections by kind and state, and what
/// is published at the end of each wakeup. Nothing here runs per delivery.
extension EventLoop {
    /// Counts `connection` in the connections gauge of its kind and current state (none once
    /// closed). Idempotent: called wherever the state may have changed (accept, registration,
    /// a close request, the final close) and after the kind changes (a WebSocket upgrade).
    func refreshGauge(_ connection: Connection) {
        let cell: Int
        if connection.isClosed {
            cell = -1
        } else {
            let state: LoopCounters.ConnectionState =
                !connection.isOpen ? .closing : connection.registeredIndex >= 0 ? .registered : .unregistered
            cell = LoopCounters.connectionCell(connection.kind, state)
        }
        guard cell != connection.gaugeCell else { return }
        counters.moveConnection(from: Int(connection.gaugeCell), to: cell)
        connection.gaugeCell = Int32(cell)
    }

    /// A requested close is carried out: counts the disconnect under the reason the request
    /// named (once: lingering connections closed again have none) and moves the connection to
    /// the closing gauge. Kept out of `requestClose`, which the fan-out's slow path inlines.
    func countClose(_ connection: Connection) {
        if let reason = connection.disconnectReason {
            counters.countDisconnect(reason)
            connection.disconnectReason = nil
        }
        refreshGauge(connection)
    }

    /// Counts the error numeric the chat logic sent a client that has not registered.
    func countRegistrationFailure(_ numeric: Numeric) {
        counters.countRegistrationFailure(numeric: numeric.rawValue)
    }

    /// The end of a wakeup: the tallies go to this loop's counters, the gauges are set, and the
    /// time the wakeup worked (since epoll_wait returned) goes to the histogram.
    func publishMetrics() {
        statistics.publish(to: counters)
        counters.set(.throttledClients, throttled.count)
        counters.set(.queuedOutputBytes, queuedOutputBytes)
        counters.recordWakeup(nanoseconds: max(0, Posix.monotonicNanoseconds() - context.now))
    }
}

extension CloseCause {
    /// The reason counted when a close request does not name one.
    var defaultDisconnectReason: DisconnectReason {
        switch self {
        case .sendQueueExceeded: .sendq
        case .error, .gone, .abandon: .error
        }
    }
}
