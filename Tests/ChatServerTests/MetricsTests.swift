import ChatServer
import Foundation
import Platform
import TestSupport
import Testing

/// `Server.metricsText()` (the body of `GET /metrics`) over real traffic: the counters move
/// exactly as the traffic says, and the whole output is strict Prometheus text.
@Suite("Metrics", .timeLimit(.minutes(10)))
struct MetricsTests {
    /// Scrapes the server and checks the whole output against the format's rules.
    private func scrape(_ server: TestServer) throws -> PrometheusExposition {
        let text = try #require(server.server.metricsText())
        return try PrometheusExposition(text)
    }

    /// The sum of a family's samples (all its label values), or -1 when it is missing.
    private func total(_ name: String, _ scraped: PrometheusExposition) -> Int {
        guard let family = scraped.family(name) else { return -1 }
        return Int(family.samples.reduce(0) { $0 + $1.value })
    }

    /// The value of one series, or -1 when it is missing or unparsable (so waits fail cleanly).
    private func value(_ server: TestServer, _ name: String, _ labels: [String: String] = [:]) -> Int {
        guard let scraped = try? scrape(server), let value = scraped.value(name, labels) else { return -1 }
        return Int(value)
    }

    @Test("every family is there and the whole output is strict Prometheus text")
    func everyFamily() throws {
        let server = try TestServer.start(history: true)
        defer { server.stop() }
        let alice = try server.connect()
        try alice.register("alice")
        try alice.roundTrip()
        let scraped = try scrape(server)
        let expected = [
            "linechat_connections", "linechat_connections_accepted_total", "linechat_connections_refused_total",
            "linechat_registered_users", "linechat_rooms", "linechat_received_lines_total",
            "linechat_received_bytes_total", "linechat_discarded_input_bytes_total", "linechat_sent_lines_total",
            "linechat_sent_bytes_total", "linechat_messages_relayed_total", "linechat_deliveries_total",
            "linechat_output_queued_bytes", "linechat_disconnects_total", "linechat_throttled_clients",
            "linechat_flood_throttles_total", "linechat_registration_failures_total", "linechat_tls_handshakes_total",
            "linechat_tls_handshake_failures_total", "linechat_history_queue_depth",
            "linechat_history_stored_records_total", "linechat_history_dropped_records_total",
            "linechat_history_degraded", "linechat_event_loops", "linechat_event_loop_iterations_total",
            "linechat_event_loop_wakeup_seconds", "linechat_log_lines_dropped_total", "process_cpu_seconds_total",
            "process_resident_memory_bytes", "process_open_fds", "process_max_fds", "process_start_time_seconds",
        ]
        #expect(scraped.families.map(\.name) == expected)
        for family in scraped.families { #expect(family.help?.isEmpty == false, "\(family.name) has HELP") }
        #expect(scraped.value("linechat_registered_users") == 1)
        #expect(scraped.value("linechat_rooms") == 1)
        #expect(scraped.value("linechat_event_loops") == 2)
        #expect(scraped.value("linechat_connections", ["kind": "plain", "state": "registered"]) == 1)
        for kind in ["plain", "tls", "websocket"] {
            for state in ["unregistered", "registered", "closing"] {
                #expect(scraped.value("linechat_connections", ["kind": kind, "state": state]) != nil)
            }
        }
        for reason in ["quit", "closed", "sendq", "flood", "timeout", "kicked", "error", "shutdown"] {
            #expect(scraped.value("linechat_disconnects_total", ["reason": reason]) == 0)
        }
        for numeric in ["431", "432", "433", "451"] {
            #expect(scraped.value("linechat_registration_failures_total", ["numeric": numeric]) == 0)
        }
        // The wakeup histogram: 16 bounds from 10 µs to 1 s, then +Inf; its count is the
        // iterations.
        let buckets = try #require(scraped.family("linechat_event_loop_wakeup_seconds")).samples
            .filter { $0.name.hasSuffix("_bucket") }.compactMap { $0.labels["le"] }
        #expect(buckets.first == "1e-05" && buckets.count == 17 && buckets.dropLast().last == "1.0")
        let iterations = try #require(scraped.value("linechat_event_loop_iterations_total"))
        #expect(iterations > 0 && scraped.value("linechat_event_loop_wakeup_seconds_count") == iterations)
        // The process.
        let openFDs = try #require(scraped.value("process_open_fds"))
        #expect(openFDs > 0 && openFDs <= (scraped.value("process_max_fds") ?? 0))
        #expect((scraped.value("process_resident_memory_bytes") ?? 0) > 1_048_576)
        let started = try #require(scraped.value("process_start_time_seconds"))
        let now = Date().timeIntervalSince1970
        #expect(started <= now + 1 && started > now - 86_400, "started \(started), now \(now)")
        #expect(scraped.value("linechat_history_degraded") == 0)
    }

    @Test("deliveries, lines and bytes grow by exactly what a known broadcast and round trips sent")
    func trafficCounters() throws {
        let server = try TestServer.start(history: false)
        defer { server.stop() }
        let count = 6
        var clients: [TestClient] = []
        for index in 0..<count {
            let client = try server.connect()
            try client.register("user\(index)")
            clients.append(client)
        }
        for (index, client) in clients.enumerated() {
            for later in (index + 1)..<count { try client.expect(":user\(later) JOIN #lobby") }
            try client.roundTrip()
        }
        // Every line the clients sent so far (a NICK and a PING each) is handled and published,
        // and with it everything queued before.
        #expect(waitUntil { value(server, "linechat_received_lines_total") == 2 * count })
        let before = try scrape(server)
        func delta(_ name: String, _ scraped: PrometheusExposition) -> Int {
            Int((scraped.value(name) ?? -1) - (before.value(name) ?? 0))
        }

        let message = "PRIVMSG #lobby :hello metrics"
        try clients[0].send(message)
        let delivered = ":user0 PRIVMSG #lobby :hello metrics"
        for client in clients.dropFirst() { try client.expect(delivered) }
        for client in clients { try client.roundTrip() }  // each sends PING sync-2 and reads its PONG
        #expect(waitUntil { value(server, "linechat_received_lines_total") == 2 * count + 1 + count })
        let after = try scrape(server)

        let ping = "PING sync-2\r\n".utf8.count
        let pong = ":linechat PONG linechat :sync-2\r\n".utf8.count
        #expect(delta("linechat_deliveries_total", after) == count - 1)
        #expect(delta("linechat_messages_relayed_total", after) == 1)
        #expect(delta("linechat_received_lines_total", after) == 1 + count)
        #expect(delta("linechat_received_bytes_total", after) == (message + "\r\n").utf8.count + count * ping)
        #expect(delta("linechat_sent_lines_total", after) == (count - 1) + count)
        #expect(
            delta("linechat_sent_bytes_total", after) == (count - 1) * (delivered + "\r\n").utf8.count + count * pong)
        #expect(total("linechat_disconnects_total", after) == total("linechat_disconnects_total", before))
        // The operator console's figures are the same sums.
        let snapshot = try #require(server.server.statisticsSnapshot())
        #expect(snapshot.deliveries == Int(after.value("linechat_deliveries_total") ?? -1))
        #expect(snapshot.linesIn == Int(after.value("linechat_received_lines_total") ?? -1))
        #expect(snapshot.bytesOut == Int(after.value("linechat_sent_bytes_total") ?? -1))
        #expect(after.value("linechat_connections", ["kind": "plain", "state": "registered"]) == Double(count))
        #expect(after.value("linechat_registered_users") == Double(count))
    }

    @Test("error numerics to an unregistered client are counted by numeric: 433, 432, 451")
    func registrationFailures() throws {
        let server = try TestServer.start(history: false)
        defer { server.stop() }
        let alice = try server.connect()
        try alice.register("alice")
        let other = try server.connect()
        try other.expect(where: { $0.hasPrefix(":linechat NOTICE * :") })
        try other.send("NICK alice")
        try other.expect(where: { $0.hasPrefix(":linechat 433 * alice ") })
        try other.send("NICK ALICE")
        try other.expect(where: { $0.hasPrefix(":linechat 433 * ALICE ") })
        try other.send("NICK 9lives")
        try other.expect(where: { $0.hasPrefix(":linechat 432 * 9lives ") })
        try other.send("PRIVMSG alice :hi")
        try other.expect(where: { $0.hasPrefix(":linechat 451 * ") })
        try other.send("NICK bob")
        try other.expect(":linechat 001 bob :Welcome to the chat room, bob!")
        func failures(_ numeric: String) -> Int {
            value(server, "linechat_registration_failures_total", ["numeric": numeric])
        }
        #expect(waitUntil { failures("433") == 2 && failures("432") == 1 && failures("451") == 1 })
        #expect(failures("431") == 0)
        // A registered user's 433 is not a registration failure.
        try alice.send("NICK bob")
        try alice.expect(where: { $0.hasPrefix(":linechat 433 alice bob ") })
        try alice.roundTrip()
        // alice: NICK, NICK, PING; the other: four NICKs and a PRIVMSG.
        #expect(waitUntil { value(server, "linechat_received_lines_total") == 8 })
        #expect(failures("433") == 2)
    }

    @Test("each disconnect is counted once under its reason: quit, closed, kicked, timeout, sendq")
    func disconnectsByReason() throws {
        let server = try TestServer.start(history: false) {
            $0.registrationTimeoutSeconds = 1
            $0.sendQueueBytes = 64 * 1024
        }
        defer { server.stop() }
        func disconnects(_ reason: String) -> Int { value(server, "linechat_disconnects_total", ["reason": reason]) }
        let watcher = try server.connect()
        try watcher.register("watcher")

        let quitter = try server.connect()
        try quitter.register("quitter")
        try quitter.send("QUIT bye")
        try quitter.expect("ERROR :Closing link: quitter (Quit: bye)", skippingOthers: true)
        #expect(quitter.waitForClose())
        quitter.close()
        try watcher.expect(":quitter QUIT :Quit: bye", skippingOthers: true)

        let closer = try server.connect()
        try closer.register("closer")
        closer.close()
        try watcher.expect(":closer QUIT :Connection closed", skippingOthers: true)

        let kicked = try server.connect()
        try kicked.register("kicked")
        try server.server.kick("kicked", reason: "metrics")
        try kicked.expect("ERROR :Kicked by operator: metrics", skippingOthers: true)
        kicked.close()
        try watcher.expect(":kicked QUIT :Kicked by operator: metrics", skippingOthers: true)

        let idle = try server.connect()
        try idle.expect("ERROR :Registration timeout", skippingOthers: true)
        idle.close()

        // A reader that stops reading while another sends it private messages.
        let sleeper = try server.connect()
        try sleeper.register("sleeper")
        try watcher.expect(":sleeper JOIN #lobby", skippingOthers: true)
        let filler = String(repeating: "z", count: 400)
        var sequence = 0
        var dropped = false
        while !dropped && sequence < 400_000 {
            var batch: [UInt8] = []
            for _ in 0..<200 {
                sequence += 1
                batch += Array("PRIVMSG sleeper :\(sequence) \(filler)\r\n".utf8)
            }
            try watcher.sendRaw(batch)
            while let line = try? watcher.readLine(timeout: 0.001) {
                if line == ":sleeper QUIT :SendQ exceeded" { dropped = true }
            }
        }
        #expect(dropped)
        sleeper.close()

        #expect(
            waitUntil {
                disconnects("quit") == 1 && disconnects("closed") == 1 && disconnects("kicked") == 1
                    && disconnects("timeout") == 1 && disconnects("sendq") == 1
            })
        let scraped = try scrape(server)
        for reason in ["flood", "error", "shutdown"] {
            #expect(scraped.value("linechat_disconnects_total", ["reason": reason]) == 0, "\(reason)")
        }
        #expect(server.server.statisticsSnapshot()?.sendQueueDisconnects == 1)
        // Every closed connection leaves the gauges (the closing ones once their linger ends):
        // only the watcher is left, and everything accepted is open or counted as ended.
        #expect(
            waitUntil(timeout: 10) {
                guard let scraped = try? scrape(server) else { return false }
                let open = total("linechat_connections", scraped)
                return open == 1
                    && scraped.value("linechat_connections", ["kind": "plain", "state": "registered"]) == 1
                    && total("linechat_connections_accepted_total", scraped)
                        == open + total("linechat_disconnects_total", scraped)
            })
    }

    @Test("connections are counted by kind (plain, TLS) and state; TLS handshakes are counted")
    func connectionKinds() throws {
        let server = try TestServer.start(history: false) {
            $0.tls = TLSSettings(certificate: .selfSigned(commonName: "localhost"), port: 0)
        }
        defer { server.stop() }
        let alice = try server.connect()
        try alice.register("alice")
        let bob = try server.connectTLS()
        try bob.register("bob")
        let carol = try server.connect()  // stays unregistered
        try carol.expect(where: { $0.hasPrefix(":linechat NOTICE * :") })
        let dave = try server.connectTLS()  // handshake done, unregistered
        try dave.expect(where: { $0.hasPrefix(":linechat NOTICE * :") })
        func connections(_ kind: String, _ state: String) -> Int {
            value(server, "linechat_connections", ["kind": kind, "state": state])
        }
        #expect(
            waitUntil {
                connections("plain", "registered") == 1 && connections("tls", "registered") == 1
                    && connections("plain", "unregistered") == 1 && connections("tls", "unregistered") == 1
            })
        let scraped = try scrape(server)
        for state in ["unregistered", "registered", "closing"] {
            #expect(scraped.value("linechat_connections", ["kind": "websocket", "state": state]) == 0)
        }
        #expect(scraped.value("linechat_tls_handshakes_total") == 2)
        #expect(scraped.value("linechat_tls_handshake_failures_total") == 0)
        bob.close()
        #expect(waitUntil { connections("tls", "registered") == 0 && connections("tls", "closing") == 0 })
        #expect(value(server, "linechat_disconnects_total", ["reason": "closed"]) == 1)
    }
}
