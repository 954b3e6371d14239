import Platform

/// Runs one scenario from its options and returns the figures.
public enum BenchRunner {
    /// Runs `options.scenario` against the server; `progress` gets a status line now and then.
    public static func run(_ options: BenchOptions, progress: ProgressLine? = nil) throws(BenchFailure) -> BenchResult {
        if let pid = options.serverPID, !ProcessStats.isRunning(pid: pid) {
            throw BenchFailure("no process with id \(pid) (--server-pid)")
        }
        let generator = try LoadGenerator(options: options)
        let started = Posix.monotonicNanoseconds()
        let deadline = started + Int64(options.timeoutSeconds * 1e9)
        var result: BenchResult
        switch options.scenario {
        case .fanout, .pairs: result = generator.runTraffic(deadline: deadline, progress: progress)
        case .idle: result = generator.runIdle(deadline: deadline, progress: progress)
        case .connect: result = generator.runConnect(deadline: deadline, progress: progress)
        case .joinstorm: result = generator.runJoinStorm(deadline: deadline, progress: progress)
        }
        generator.closeAll()
        progress?.finish()
        result.errorMessages = generator.errors.summary()
        result.errors = generator.errors.total
        return result
    }
}

extension LoadGenerator {
    // MARK: Phases shared by the scenarios

    /// Connects and registers clients 0..<count, `options.concurrency` at a time. False when
    /// any failed or the deadline passed.
    func establish(_ count: Int, deadline: Int64, progress: ProgressLine?) -> Bool {
        var next = 0
        var lastStuckCheck = Posix.monotonicNanoseconds()
        retriesAllowed = 3
        defer { retriesAllowed = 0 }
        while counters.pointee.readyCount + counters.pointee.failedCount < count {
            while counters.pointee.handshakesInFlight < options.concurrency {
                if !retryQueue.isEmpty {
                    open(retryQueue.removeFirst())
                } else if next < count {
                    open(next)
                    next += 1
                } else {
                    break
                }
            }
            let now = Posix.monotonicNanoseconds()
            if now > deadline {
                errors.add("timed out with \(count - counters.pointee.readyCount) of \(count) connections not registered")
                return false
            }
            if now - lastStuckCheck > 500_000_000 {
                lastStuckCheck = now
                retryStuckHandshakes(count, now: now)
            }
            pump(timeoutMilliseconds: 5)
            progress?.update("connecting: \(counters.pointee.readyCount) of \(count) registered")
        }
        return counters.pointee.failedCount == 0
    }

    /// Starts again every handshake of clients 0..<count that has taken more than 10 s. A
    /// connect the server's full accept queue left half-open (ngIRCd's backlog is 10) can
    /// otherwise hang for minutes in TCP retransmission back-off.
    private func retryStuckHandshakes(_ count: Int, now: Int64) {
        for index in 0..<count {
            switch clients[index].phase {
            case .connecting, .tlsHandshake, .upgrading, .registering, .joining:
                if now - clients[index].startedAt > 10_000_000_000 {
                    fail(index, "handshake timed out after 10 s")
                }
            default: continue
            }
        }
    }

    /// Reads and discards until nothing has arrived for `quietMilliseconds` (the server's join
    /// notices and welcome bursts), so traffic starts on a quiet server. Returns when the last
    /// bytes arrived (monotonic ns).
    @discardableResult
    func settle(quietMilliseconds: Int, deadline: Int64, progress: ProgressLine?) -> Int64 {
        var lastBytes = counters.pointee.bytesRead
        var quietSince = Posix.monotonicNanoseconds()
        while true {
            let now = Posix.monotonicNanoseconds()
            if now - quietSince >= Int64(quietMilliseconds) * 1_000_000 || now > deadline { return quietSince }
            pump(timeoutMilliseconds: 10)
            if counters.pointee.bytesRead != lastBytes {
                lastBytes = counters.pointee.bytesRead
                quietSince = Posix.monotonicNanoseconds()
            }
            progress?.update("settling: \(lastBytes / 1024) KiB of notices read")
        }
    }

    private func baseResult() -> BenchResult {
        var result = BenchResult(options: options)
        result.handshakeRetries = counters.pointee.retries
        result.connectionsReady = counters.pointee.readyCount
        result.connectionFailures = counters.pointee.failedCount
        return result
    }

    // MARK: fanout and pairs

    func runTraffic(deadline: Int64, progress: ProgressLine?) -> BenchResult {
        let clientCount = options.clients
        guard establish(clientCount, deadline: deadline, progress: progress) else {
            var result = baseResult()
            result.expected = options.expectedDeliveries
            result.lost = result.expected
            return result
        }
        settle(quietMilliseconds: 300, deadline: deadline, progress: progress)

        let isFanout = options.scenario == .fanout
        for sender in 0..<senderCount {
            let prefix = isFanout ? adapter.broadcastPrefix : adapter.privatePrefix(to: nick(of: sender ^ 1))
            linePrefixes.append(options.websocket ? webSocketPrefix(prefix) : prefix)
        }
        let recipientsPerMessage = isFanout ? clientCount - 1 : 1
        let messages = options.messages
        let window = options.window
        let senderRate = options.rate / Double(senderCount)
        let expected = options.expectedDeliveries
        let cpuBefore = options.serverPID.flatMap { ProcessStats.cpuSeconds(pid: $0) }
        let start = Posix.monotonicNanoseconds()
        var sentTotal = 0
        let sendTotal = senderCount * messages
        var lastUnique = 0
        var lastChange = start
        var stopReason: String? = nil

        while counters.pointee.unique < expected {
            let now = Posix.monotonicNanoseconds()
            var nextDue = Int64.max
            var sentNow = false
            if sentTotal < sendTotal {
                for sender in 0..<senderCount {
                    guard clients[sender].phase == .ready, !clients[sender].waitingToWrite else { continue }
                    if clients[sender].outEnd > clients[sender].outStart && !flush(sender) { continue }
                    let sent = Int(clients[sender].sent)
                    var allowed = messages - sent
                    guard allowed > 0 else { continue }
                    if window > 0 {
                        allowed = min(allowed, window - (sent - deliveredFrom[sender] / recipientsPerMessage))
                    }
                    if senderRate > 0 {
                        // Message k of this sender is due (k + sender/senders) / rate seconds in.
                        let offset = Double(sender) / Double(senderCount)
                        let due = Int((Double(now - start) / 1e9 * senderRate - offset).rounded(.down)) + 1
                        if due <= sent {
                            let dueAt = start + Int64((Double(sent) + offset) / senderRate * 1e9)
                            nextDue = min(nextDue, dueAt)
                        }
                        allowed = min(allowed, due - sent)
                    }
                    allowed = min(allowed, room(sender))
                    guard allowed > 0 else { continue }
                    send(sender, count: allowed, now: now)
                    sentTotal += Int(clients[sender].sent) - sent
                    sentNow = true
                    lastChange = now
                }
            }
            var timeout: Int32 = 20
            if sentNow {
                timeout = 0
            } else if nextDue != .max {
                timeout = Int32(max(0, min(20, (nextDue - now + 999_999) / 1_000_000)))
            }
            pump(timeoutMilliseconds: timeout)

            let after = Posix.monotonicNanoseconds()
            if counters.pointee.unique != lastUnique {
                lastUnique = counters.pointee.unique
                lastChange = after
            } else if after - lastChange > 3_000_000_000 {
                stopReason = "stalled: nothing sent or delivered for 3 s"
                break
            }
            if after > deadline {
                stopReason = "timed out after \(options.timeoutSeconds) s"
                break
            }
            if counters.pointee.closedByServer > 0 && after - lastChange > 1_000_000_000 {
                stopReason = "the server closed connections and the rest stalled"
                break
            }
            progress?.update(
                "\(options.scenario.rawValue): \(Format.count(counters.pointee.unique)) of \(Format.count(expected)) "
                    + "deliveries, \(Format.seconds(Double(after - start) / 1e9))")
        }
        let cpuAfter = options.serverPID.flatMap { ProcessStats.cpuSeconds(pid: $0) }
        if let stopReason { errors.add(stopReason) }

        var result = baseResult()
        let end = counters.pointee.lastDeliveryAt > start ? counters.pointee.lastDeliveryAt : Posix.monotonicNanoseconds()
        result.expected = expected
        result.sent = sentTotal
        result.received = counters.pointee.received
        result.duplicated = counters.pointee.duplicated
        result.outOfOrder = counters.pointee.gaps
        result.lost = expected - counters.pointee.unique
        result.echoes = counters.pointee.echoes
        result.misdirected = counters.pointee.misdirected
        result.disconnects = counters.pointee.closedByServer
        result.wallSeconds = Double(end - start) / 1e9
        result.deliveriesPerSecond = result.wallSeconds > 0 ? Double(counters.pointee.unique) / result.wallSeconds : 0
        result.latency = latency.pointee
        if let cpuBefore, let cpuAfter {
            result.serverCPUSeconds = cpuAfter - cpuBefore
        }
        return result
    }

    // MARK: idle

    func runIdle(deadline: Int64, progress: ProgressLine?) -> BenchResult {
        let count = options.clients
        let pid = options.serverPID
        let rssBefore = pid.flatMap { ProcessStats.residentBytes(pid: $0) }
        let start = Posix.monotonicNanoseconds()
        let established = establish(count, deadline: deadline, progress: progress)
        let registeredAt = Posix.monotonicNanoseconds()
        settle(quietMilliseconds: 500, deadline: deadline, progress: progress)
        let rssRegistered = pid.flatMap { ProcessStats.residentBytes(pid: $0) }

        var result = baseResult()
        if established {
            let holdEnd = Posix.monotonicNanoseconds() + Int64(options.holdSeconds * 1e9)
            while true {
                let now = Posix.monotonicNanoseconds()
                if now >= holdEnd || now > deadline { break }
                pump(timeoutMilliseconds: Int32(max(1, min(100, (holdEnd - now) / 1_000_000))))
                progress?.update(
                    "idle: holding \(Format.count(count)) connections, \(Format.seconds(Double(holdEnd - now) / 1e9)) left")
            }
        }
        let rssAfter = pid.flatMap { ProcessStats.residentBytes(pid: $0) }
        result.held = clients[0..<count].count { $0.phase == .ready }
        result.disconnects = counters.pointee.closedByServer
        result.wallSeconds = Double(registeredAt - start) / 1e9
        result.connectsPerSecond = result.wallSeconds > 0 ? Double(result.connectionsReady) / result.wallSeconds : 0
        result.serverRSSBefore = rssBefore
        result.serverRSSRegistered = rssRegistered
        result.serverRSSAfter = rssAfter
        if !established { errors.add("not every connection registered") }
        if result.held != count { errors.add("\(count - result.held) of \(count) connections did not stay up") }
        return result
    }

    // MARK: joinstorm

    func runJoinStorm(deadline: Int64, progress: ProgressLine?) -> BenchResult {
        let count = options.clients
        let pid = options.serverPID
        let rssBefore = pid.flatMap { ProcessStats.residentBytes(pid: $0) }
        let cpuBefore = pid.flatMap { ProcessStats.cpuSeconds(pid: $0) }
        let start = Posix.monotonicNanoseconds()
        let established = establish(count, deadline: deadline, progress: progress)
        let joinedAt = Posix.monotonicNanoseconds()
        let lastBytesAt = settle(quietMilliseconds: 500, deadline: deadline, progress: progress)
        let cpuAfter = pid.flatMap { ProcessStats.cpuSeconds(pid: $0) }
        let rssSettled = pid.flatMap { ProcessStats.residentBytes(pid: $0) }

        var result = baseResult()
        if established {
            let holdEnd = Posix.monotonicNanoseconds() + Int64(options.holdSeconds * 1e9)
            while true {
                let now = Posix.monotonicNanoseconds()
                if now >= holdEnd || now > deadline { break }
                pump(timeoutMilliseconds: Int32(max(1, min(100, (holdEnd - now) / 1_000_000))))
                progress?.update("joinstorm: holding, \(Format.seconds(Double(holdEnd - now) / 1e9)) left")
            }
        }
        result.held = clients[0..<count].count { $0.phase == .ready }
        result.disconnects = counters.pointee.closedByServer
        result.wallSeconds = Double(joinedAt - start) / 1e9
        result.stormSeconds = Double(max(lastBytesAt, joinedAt) - start) / 1e9
        result.connectsPerSecond = result.wallSeconds > 0 ? Double(result.connectionsReady) / result.wallSeconds : 0
        result.serverRSSBefore = rssBefore
        result.serverRSSRegistered = rssSettled
        result.serverRSSAfter = pid.flatMap { ProcessStats.residentBytes(pid: $0) }
        if let cpuBefore, let cpuAfter { result.serverCPUSeconds = cpuAfter - cpuBefore }
        if !established { errors.add("not every user registered and joined") }
        if result.held != count { errors.add("\(count - result.held) of \(count) connections did not stay up") }
        return result
    }

    // MARK: connect

    func runConnect(deadline: Int64, progress: ProgressLine?) -> BenchResult {
        let total = options.clients
        let slots = clients.count
        var started = 0
        var completed = 0
        let handshakes = latency
        onReady = { [unowned self] index in
            handshakes.pointee.record(Posix.monotonicNanoseconds() - self.clients[index].startedAt)
            completed += 1
            self.close(index, phase: .unused)
        }
        let cpuBefore = options.serverPID.flatMap { ProcessStats.cpuSeconds(pid: $0) }
        let start = Posix.monotonicNanoseconds()
        var stopReason: String? = nil
        while completed + counters.pointee.failedCount < total {
            for slot in 0..<slots where started < total {
                if clients[slot].phase == .unused || clients[slot].phase == .closed {
                    open(slot, nickNumber: started)
                    started += 1
                }
            }
            pump(timeoutMilliseconds: 5)
            let now = Posix.monotonicNanoseconds()
            if now > deadline {
                stopReason = "timed out after \(options.timeoutSeconds) s"
                break
            }
            progress?.update("connect: \(Format.count(completed)) of \(Format.count(total)) handshakes")
        }
        let end = Posix.monotonicNanoseconds()
        let cpuAfter = options.serverPID.flatMap { ProcessStats.cpuSeconds(pid: $0) }
        onReady = nil
        if let stopReason { errors.add(stopReason) }
        var result = baseResult()
        result.connectionsReady = completed
        result.wallSeconds = Double(end - start) / 1e9
        result.connectsPerSecond = result.wallSeconds > 0 ? Double(completed) / result.wallSeconds : 0
        result.latency = latency.pointee
        if let cpuBefore, let cpuAfter { result.serverCPUSeconds = cpuAfter - cpuBefore }
        return result
    }
}
