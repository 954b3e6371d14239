import ChatCore
import Platform

extension ServerState {
    /// The body of `GET /metrics`: every counter and gauge in the Prometheus text format 0.0.4
    /// (`PrometheusText.contentType`). Reads each loop's counters (relaxed atomic loads, summed
    /// here), the registry's counts (its lock, briefly), the history store's status and procfs;
    /// never waits for an event loop. README.md, Metrics, lists the series.
    func metricsExposition() -> [UInt8] {
        var text = PrometheusText()
        let loops = loopCounters

        // Connections.
        text.family(
            "linechat_connections", .gauge, help: "Open client connections by how they came in and their state.")
        for kind in ConnectionKind.allCases {
            for state in LoopCounters.ConnectionState.allCases {
                text.sample(
                    "linechat_connections", [("kind", kind.label), ("state", state.label)],
                    loops.sum { $0.connections(kind, state) })
            }
        }
        text.metric(
            "linechat_connections_accepted_total", .counter,
            help: "Connections accepted and admitted (within --max-clients and --max-per-ip).",
            loops.sum(.connectionsAccepted))
        text.metric(
            "linechat_connections_refused_total", .counter,
            help: "Connections refused at accept: server full, too many from one address, or shutting down.",
            loops.sum(.connectionsRefused))
        text.metric(
            "linechat_registered_users", .gauge, help: "Users with a nickname.", registry.count)
        text.metric(
            "linechat_rooms", .gauge, help: "Rooms that exist (a room ends with its last member).", registry.roomCount)

        // Traffic.
        text.metric(
            "linechat_received_lines_total", .counter, help: "Lines received from clients and handled.",
            loops.sum(.linesIn))
        text.metric(
            "linechat_received_bytes_total", .counter, help: "Bytes read from clients (after TLS decryption).",
            loops.sum(.bytesIn))
        text.metric(
            "linechat_discarded_input_bytes_total", .counter,
            help: "Input bytes thrown away unread: the rest of overlong lines, telnet negotiation.",
            loops.sum(.bytesDiscarded))
        let deliveries = loops.sum(.deliveries)
        text.metric(
            "linechat_sent_lines_total", .counter,
            help: "Lines queued for clients: deliveries, and replies to a client's own lines.",
            deliveries + loops.sum(.replyLines))
        text.metric(
            "linechat_sent_bytes_total", .counter, help: "Bytes written to clients (before TLS encryption).",
            loops.sum(.bytesOut))
        text.metric(
            "linechat_messages_relayed_total", .counter,
            help: "Lines relayed from one user to others (a message, a join, a quit), before fan-out.",
            loops.sum(.messagesRelayed))
        text.metric(
            "linechat_deliveries_total", .counter, help: "Relayed lines queued for one recipient.", deliveries)
        text.metric(
            "linechat_output_queued_bytes", .gauge, help: "Output bytes queued for clients and not yet sent.",
            loops.sum(.queuedOutputBytes))

        // Disconnects, flood control, registration.
        text.metric(
            "linechat_disconnects_total", .counter, help: "Connections ended, by reason.", label: "reason",
            DisconnectReason.counted.map { reason in (reason.label, loops.sum { $0.disconnects(reason) }) })
        text.metric(
            "linechat_throttled_clients", .gauge, help: "Clients over the flood rate, not read until it allows.",
            loops.sum(.throttledClients))
        text.metric(
            "linechat_flood_throttles_total", .counter,
            help: "Times a client went over the flood rate and was throttled.",
            loops.sum(.throttleEvents))
        var failures: [(String, Int)] = []
        for numeric in LoopCounters.numerics {
            let count = loops.sum { $0.registrationFailures(numeric: numeric) }
            if count > 0 || Self.alwaysShownNumerics.contains(numeric) { failures.append((String(numeric), count)) }
        }
        text.metric(
            "linechat_registration_failures_total", .counter,
            help: "Error numerics sent to clients that had not registered (433 nickname in use, 432 erroneous, ...).",
            label: "numeric", failures)

        // TLS.
        text.metric(
            "linechat_tls_handshakes_total", .counter, help: "TLS handshakes completed.", loops.sum(.tlsHandshakes))
        text.metric(
            "linechat_tls_handshake_failures_total", .counter,
            help: "TLS handshakes that failed or did not finish within the registration timeout.",
            loops.sum(.tlsHandshakeFailures))

        // History.
        if let status = configuration.history?.status() {
            text.metric(
                "linechat_history_queue_depth", .gauge, help: "History records waiting to be written.", status.queued)
            text.metric(
                "linechat_history_stored_records_total", .counter, help: "History records written.", status.stored)
            text.metric(
                "linechat_history_dropped_records_total", .counter,
                help: "History records dropped because the queue was full (the disk slow or failing).", status.dropped)
            text.metric(
                "linechat_history_degraded", .gauge, help: "1 while writing history fails, else 0.",
                status.degraded == nil ? 0 : 1)
        }

        // Cluster.
        if let status = cluster?.status {
            text.metric(
                "linechat_cluster_connected", .gauge, help: "1 while this node reaches the cluster's Redis, else 0.",
                status.connected ? 1 : 0)
            text.metric(
                "linechat_cluster_redis_commands_total", .counter, help: "Redis commands this node sent.",
                status.commands)
            text.metric(
                "linechat_cluster_redis_round_trips_total", .counter,
                help: "Pipelined round trips to Redis that carried them.", status.roundTrips)
            text.metric(
                "linechat_cluster_entries_appended_total", .counter,
                help: "Stream entries this node appended (directory changes, lines, history records).",
                status.entriesAppended)
            text.metric(
                "linechat_cluster_entries_read_total", .counter, help: "Stream entries this node read.",
                status.entriesRead)
            text.metric(
                "linechat_cluster_lines_dropped_total", .counter,
                help: "Lines for other nodes dropped while Redis was unreachable.", status.linesDropped)
            text.metric(
                "linechat_cluster_reconnects_total", .counter, help: "Times a link to Redis was lost.",
                status.reconnects)
            text.metric(
                "linechat_cluster_users", .gauge, help: "Registered users by cluster node index.", label: "node",
                status.nodes.keys.sorted().map { (String($0), status.nodes[$0] ?? 0) })
        }

        // Event loops.
        text.metric("linechat_event_loops", .gauge, help: "Event-loop threads.", loops.count)
        let bucketCount = LoopCounters.wakeupBounds.count + 1
        let counts = (0..<bucketCount).map { index in loops.sum { $0.wakeupBucket(index) } }
        text.metric(
            "linechat_event_loop_iterations_total", .counter, help: "Event-loop wakeups (epoll_wait returns).",
            counts.reduce(0, +))
        text.histogram(
            "linechat_event_loop_wakeup_seconds",
            help: "Time an event loop works per wakeup, from epoll_wait's return.",
            bounds: LoopCounters.wakeupBounds.map { Double($0) / 1e9 }, counts: counts,
            sum: Double(loops.sum(.wakeupNanoseconds)) / 1e9)

        // Logging.
        text.metric(
            "linechat_log_lines_dropped_total", .counter, help: "Log lines dropped because standard error stalled.",
            LogWriter.standardError.droppedLines)

        // The process.
        let pid = Posix.processID
        if let seconds = ProcessStats.cpuSeconds(pid: pid) {
            text.metric(
                "process_cpu_seconds_total", .counter, help: "User and system CPU time spent in seconds.", seconds)
        }
        text.metric(
            "process_resident_memory_bytes", .gauge, help: "Resident memory size in bytes.", Posix.residentMemoryBytes()
        )
        text.metric("process_open_fds", .gauge, help: "Number of open file descriptors.", Posix.openDescriptorCount())
        if let limit = ProcessStats.maxOpenDescriptors() {
            text.metric("process_max_fds", .gauge, help: "Maximum number of open file descriptors.", limit)
        }
        if let start = ProcessStats.startTimeSeconds(pid: pid) {
            text.metric(
                "process_start_time_seconds", .gauge, help: "Start time of the process since unix epoch in seconds.",
                start)
        }
        return text.bytes
    }

    /// Registration-failure numerics shown even at zero (the others appear once counted).
    static let alwaysShownNumerics: Set<Int> = [431, 432, 433, 451]
}
