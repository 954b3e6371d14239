/// The figures of one run, printed as a table or one JSON line.
public struct BenchResult: Sendable {
    public var options: BenchOptions
    /// Connections that completed the handshake (connect: handshakes completed).
    public var connectionsReady = 0
    public var connectionFailures = 0
    /// Handshakes tried again after the server reset them (fanout, pairs, idle; at most 3 each).
    public var handshakeRetries = 0
    /// Messages sent by all senders.
    public var sent = 0
    public var expected = 0
    /// Payload lines received from another client, duplicates included.
    public var received = 0
    public var lost = 0
    public var duplicated = 0
    /// Arrivals that skipped ahead of the next sequence number expected from their sender.
    public var outOfOrder = 0
    /// A sender's own messages coming back (LineChat's BROADCAST reaches the sender too).
    public var echoes = 0
    /// Payloads that reached a client they were not meant for.
    public var misdirected = 0
    /// Ready connections the server closed (a slow consumer, a flood limit).
    public var disconnects = 0
    /// fanout/pairs: first send to last delivery. idle: connecting and registering everyone.
    /// connect: the whole run.
    public var wallSeconds = 0.0
    public var deliveriesPerSecond = 0.0
    public var connectsPerSecond = 0.0
    /// One-way delivery latency (fanout, pairs) or connect-to-welcome time (connect), in ns.
    public var latency = LatencyHistogram()
    public var errors = 0
    public var errorMessages: [String] = []
    public var serverCPUSeconds: Double? = nil
    /// idle: connections still up at the end of the hold.
    public var held = 0
    public var serverRSSBefore: Int? = nil
    public var serverRSSRegistered: Int? = nil
    public var serverRSSAfter: Int? = nil
    /// joinstorm: from the first connect until the last byte of the storm arrived.
    public var stormSeconds: Double? = nil

    public init(options: BenchOptions) { self.options = options }

    /// Deliveries (fanout, pairs) or handshakes (connect) per second of server CPU time.
    public var perServerCPUSecond: Double? {
        guard let cpu = serverCPUSeconds, cpu > 0 else { return nil }
        switch options.scenario {
        case .fanout, .pairs: return Double(expected - lost) / cpu
        case .connect: return Double(connectionsReady) / cpu
        case .idle, .joinstorm: return nil
        }
    }

    /// Server RSS growth per held connection, in bytes (idle with --server-pid).
    public var rssPerConnection: Double? {
        guard let before = serverRSSBefore, let after = serverRSSAfter, options.clients > 0 else { return nil }
        return Double(after - before) / Double(options.clients)
    }

    /// True when nothing was lost, duplicated, reordered or misdirected and nothing failed.
    public var isClean: Bool {
        lost == 0 && duplicated == 0 && outOfOrder == 0 && misdirected == 0 && errors == 0 && disconnects == 0
            && connectionFailures == 0
    }

    // MARK: Output

    /// The human-readable table.
    public func table() -> String {
        var rows: [(String, String)] = []
        let o = options
        var header =
            "linechat-bench \(o.scenario.rawValue) · adapter \(o.adapter.rawValue) · \(o.host):\(o.port)"
            + (o.tls ? " · TLS (not verified)\n" : o.websocket ? " · WebSocket\n" : "\n")
        switch o.scenario {
        case .fanout:
            header += "  \(o.clients) clients, \(o.senders) senders x \(o.messages) messages of \(o.payloadBytes) B, "
        case .pairs:
            header += "  \(o.clients) clients in pairs, \(o.messages) messages each of \(o.payloadBytes) B, "
        case .idle:
            header += "  \(o.clients) connections held \(Format.seconds(o.holdSeconds))\n"
        case .connect:
            header += "  \(o.clients) handshakes, \(o.concurrency) at a time\n"
        case .joinstorm:
            header += "  \(o.clients) users in rooms of \(o.roomSize) and one room of everyone, "
            header += "held \(Format.seconds(o.holdSeconds))\n"
        }
        if o.scenario == .fanout || o.scenario == .pairs {
            header += o.rate > 0 ? "\(Format.count(Int(o.rate))) msgs/s" : "unthrottled"
            header += o.window > 0 ? " (window \(o.window))\n" : " (no window)\n"
            rows += [
                ("deliveries expected", Format.count(expected)),
                ("received", Format.count(received)),
                ("lost", Format.count(lost)),
                ("duplicated", Format.count(duplicated)),
                ("out of order", Format.count(outOfOrder)),
                ("deliveries/s", Format.rate(deliveriesPerSecond)),
                ("latency p50/p90/p99/max", latencyText()),
                ("wall time", Format.seconds(wallSeconds)),
            ]
            if misdirected > 0 { rows.append(("misdirected", Format.count(misdirected))) }
        }
        if o.scenario == .idle {
            rows += [
                ("registered", "\(Format.count(connectionsReady)) of \(Format.count(o.clients))"),
                ("still up after hold", Format.count(held)),
                ("registration time", "\(Format.seconds(wallSeconds)) (\(Format.rate(connectsPerSecond))/s)"),
            ]
            if let before = serverRSSBefore, let after = serverRSSAfter {
                rows.append(("server RSS", "\(Format.bytes(before)) -> \(Format.bytes(after))"))
            }
            if let perConnection = rssPerConnection {
                rows.append(("server RSS per connection", Format.bytes(Int(perConnection.rounded()))))
            }
        }
        if o.scenario == .joinstorm {
            rows += [
                ("registered and joined", "\(Format.count(connectionsReady)) of \(Format.count(o.clients))"),
                ("everyone joined after", Format.seconds(wallSeconds)),
                ("storm over after", stormSeconds.map(Format.seconds) ?? "-"),
                ("still up after hold", Format.count(held)),
            ]
            if let before = serverRSSBefore, let after = serverRSSAfter {
                rows.append(("server RSS", "\(Format.bytes(before)) -> \(Format.bytes(after))"))
            }
            if let perConnection = rssPerConnection {
                rows.append(("server RSS per connection", Format.bytes(Int(perConnection.rounded()))))
            }
        }
        if o.scenario == .connect {
            rows += [
                ("handshakes", Format.count(connectionsReady)),
                ("handshakes/s", Format.rate(connectsPerSecond)),
                ("handshake p50/p90/p99/max", latencyText()),
                ("wall time", Format.seconds(wallSeconds)),
            ]
        }
        rows.append(("connection failures", Format.count(connectionFailures)))
        if handshakeRetries > 0 { rows.append(("handshakes retried", Format.count(handshakeRetries))) }
        rows.append(("disconnected by server", Format.count(disconnects)))
        rows.append(("errors", Format.count(errors)))
        if let cpu = serverCPUSeconds {
            var text = Format.seconds(cpu)
            if let per = perServerCPUSecond {
                text += " (\(Format.rate(per)) \(o.scenario == .connect ? "handshakes" : "deliveries") per CPU-second)"
            }
            rows.append(("server CPU", text))
        }
        let width = rows.map(\.0.count).max() ?? 0
        var text = header
        for (name, value) in rows {
            text += "  " + name + String(repeating: " ", count: width - name.count + 2) + value + "\n"
        }
        for message in errorMessages { text += "  ! " + message + "\n" }
        return text
    }

    private func latencyText() -> String {
        guard latency.count > 0 else { return "-" }
        let values = [50.0, 90, 99].map { latency.value(atPercentile: $0) } + [latency.maximum]
        return values.map { Format.milliseconds($0) }.joined(separator: " / ") + " ms"
    }

    /// One line of JSON with every figure (times in seconds, latencies in microseconds).
    public func json() -> String {
        var fields: [(String, String)] = [
            ("scenario", JSON.string(options.scenario.rawValue)),
            ("adapter", JSON.string(options.adapter.rawValue)),
            ("host", JSON.string(options.host)),
            ("port", "\(options.port)"),
            ("tls", options.tls ? "true" : "false"),
            ("websocket", options.websocket ? "true" : "false"),
            ("clients", "\(options.clients)"),
        ]
        switch options.scenario {
        case .fanout, .pairs:
            fields += [
                ("senders", "\(options.scenario == .fanout ? options.senders : options.clients)"),
                ("messages", "\(options.messages)"),
                ("payload", "\(options.payloadBytes)"),
                ("rate", JSON.number(options.rate)),
                ("window", "\(options.window)"),
                ("sent", "\(sent)"),
                ("expected", "\(expected)"),
                ("received", "\(received)"),
                ("lost", "\(lost)"),
                ("duplicated", "\(duplicated)"),
                ("out_of_order", "\(outOfOrder)"),
                ("misdirected", "\(misdirected)"),
                ("echoes", "\(echoes)"),
                ("deliveries_per_second", JSON.number(deliveriesPerSecond)),
            ]
        case .idle:
            fields += [
                ("hold", JSON.number(options.holdSeconds)),
                ("held", "\(held)"),
                ("connects_per_second", JSON.number(connectsPerSecond)),
                ("server_rss_before", JSON.optional(serverRSSBefore)),
                ("server_rss_registered", JSON.optional(serverRSSRegistered)),
                ("server_rss_after", JSON.optional(serverRSSAfter)),
                ("rss_per_connection", rssPerConnection.map(JSON.number) ?? "null"),
            ]
        case .joinstorm:
            fields += [
                ("room_size", "\(options.roomSize)"),
                ("hold", JSON.number(options.holdSeconds)),
                ("held", "\(held)"),
                ("storm_seconds", stormSeconds.map(JSON.number) ?? "null"),
                ("server_rss_before", JSON.optional(serverRSSBefore)),
                ("server_rss_settled", JSON.optional(serverRSSRegistered)),
                ("server_rss_after", JSON.optional(serverRSSAfter)),
                ("rss_per_connection", rssPerConnection.map(JSON.number) ?? "null"),
            ]
        case .connect:
            fields += [
                ("concurrency", "\(options.concurrency)"),
                ("handshakes", "\(connectionsReady)"),
                ("handshakes_per_second", JSON.number(connectsPerSecond)),
            ]
        }
        if options.scenario != .idle && options.scenario != .joinstorm {
            let micro = { (value: Int64) in JSON.number(Double(value) / 1000) }
            fields += [
                ("latency_p50_us", micro(latency.value(atPercentile: 50))),
                ("latency_p90_us", micro(latency.value(atPercentile: 90))),
                ("latency_p99_us", micro(latency.value(atPercentile: 99))),
                ("latency_max_us", micro(latency.maximum)),
            ]
        }
        fields += [
            ("wall_seconds", JSON.number(wallSeconds)),
            ("connections_ready", "\(connectionsReady)"),
            ("connection_failures", "\(connectionFailures)"),
            ("handshake_retries", "\(handshakeRetries)"),
            ("disconnects", "\(disconnects)"),
            ("errors", "\(errors)"),
            ("error_messages", "[" + errorMessages.map(JSON.string).joined(separator: ",") + "]"),
            ("server_cpu_seconds", serverCPUSeconds.map(JSON.number) ?? "null"),
            ("per_server_cpu_second", perServerCPUSecond.map(JSON.number) ?? "null"),
            ("clean", isClean ? "true" : "false"),
        ]
        return "{" + fields.map { JSON.string($0.0) + ":" + $0.1 }.joined(separator: ",") + "}"
    }
}

/// Just enough JSON writing for one flat line.
enum JSON {
    static func string(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    static func number(_ value: Double) -> String {
        guard value.isFinite else { return "null" }
        if value == value.rounded() && abs(value) < 1e15 { return String(Int64(value)) }
        return String((value * 1000).rounded() / 1000)
    }

    static func optional(_ value: Int?) -> String { value.map { "\($0)" } ?? "null" }
}

/// Human formatting of counts, rates, times and sizes.
enum Format {
    /// 1234567 -> "1,234,567".
    static func count(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var out = ""
        for (offset, character) in digits.enumerated() {
            if offset > 0 && (digits.count - offset) % 3 == 0 { out += "," }
            out.append(character)
        }
        return (value < 0 ? "-" : "") + out
    }

    /// 5_612_000 -> "5.61 M".
    static func rate(_ value: Double) -> String {
        if value >= 1e6 { return fixed(value / 1e6, 2) + " M" }
        if value >= 1e3 { return fixed(value / 1e3, 1) + " k" }
        return fixed(value, 0)
    }

    static func seconds(_ value: Double) -> String {
        value < 10 ? fixed(value, 3) + " s" : fixed(value, 1) + " s"
    }

    static func milliseconds(_ nanoseconds: Int64) -> String {
        let ms = Double(nanoseconds) / 1e6
        return ms < 10 ? fixed(ms, 3) : fixed(ms, 1)
    }

    static func bytes(_ value: Int) -> String {
        let magnitude = Double(value.magnitude)
        let sign = value < 0 ? "-" : ""
        if magnitude >= 1_048_576 { return sign + fixed(magnitude / 1_048_576, 1) + " MiB" }
        if magnitude >= 1024 { return sign + fixed(magnitude / 1024, 2) + " KiB" }
        return "\(value) B"
    }

    /// `value` with `decimals` digits after the point (no Foundation).
    static func fixed(_ value: Double, _ decimals: Int) -> String {
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let scaled = Int64((abs(value) * scale).rounded())
        let whole = scaled / Int64(scale)
        var text = (value < 0 && scaled != 0 ? "-" : "") + String(whole)
        if decimals > 0 {
            let fraction = String(scaled % Int64(scale))
            text += "." + String(repeating: "0", count: decimals - fraction.count) + fraction
        }
        return text
    }
}
