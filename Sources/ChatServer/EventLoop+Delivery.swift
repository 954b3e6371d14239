import ChatCore
import Cluster
import LineProtocol
import Platform

/// Carrying out a line's effects, queueing output and writing it.
extension EventLoop {
    func perform(for connection: Connection) {
        if !effects.reply.isEmpty {
            effects.reply.withUnsafeBytes { enqueue($0, to: connection) }
            let lines = effects.reply.reduce(0) { $1 == 10 ? $0 + 1 : $0 }
            connection.linesOut += lines - 1
            statistics.replyLines += lines
        }
        let cluster = state.cluster
        for outbound in effects.outbound {
            // On a cluster node, what reaches beyond this node goes to the others too.
            if let cluster { forward(outbound, to: cluster) }
            switch outbound {
            case .send(let id, let line):
                statistics.messagesRelayed += 1
                guard id.node == state.nodeIndex else { continue }  // another node's: forwarded above
                if id.loop == handle.index {
                    deliver(line, to: id)
                } else {
                    state.handles[id.loop].post(.send(id, line))
                }
            case .toRoom(let key, let line, let except):
                statistics.messagesRelayed += 1
                fanOut(line, toRoom: key, except: except)
                for other in state.handles where other.index != handle.index {
                    other.post(.toRoom(key, line, except: except))
                }
            case .toRooms(let keys, let line, let except):
                statistics.messagesRelayed += 1
                fanOut(line, toRooms: keys, except: except)
                for other in state.handles where other.index != handle.index {
                    other.post(.toRooms(keys, line, except: except))
                }
            case .toRoomsAwayNotify(let keys, let line, let except):
                statistics.messagesRelayed += 1
                fanOut(line, toRooms: keys, except: except, awayNotifyOnly: true)
                for other in state.handles where other.index != handle.index {
                    other.post(.toRoomsAwayNotify(keys, line, except: except))
                }
            case .toEveryone(let line, let except):
                statistics.messagesRelayed += 1
                broadcastLocally(line, except: except)
                for other in state.handles where other.index != handle.index {
                    other.post(.broadcast(line, except: except))
                }
            case .joinedRoom(let key):
                addToRoom(key, connection)
            case .leftRoom(let key, let id):
                guard id.node == state.nodeIndex else { continue }  // another node's: forwarded above
                if id.loop == handle.index {
                    memberLeft(key, id: id)
                } else {
                    state.handles[id.loop].post(.leftRoom(key, id))
                }
            }
        }
        for read in effects.historyReads {
            readHistory(read, for: connection)
        }
        for event in effects.events {
            switch event {
            case .registered(let nickname):
                state.logger.info("registered \(connection.session.address) \(nickname)")
            case .renamed(let old, let new):
                state.logger.info("renamed \(connection.session.address) \(old) -> \(new)")
            case .registrationFailed(let numeric):
                countRegistrationFailure(numeric)
            }
        }
        let close = effects.close
        effects.removeAll()
        // The chat logic closes a connection for QUIT only.
        if let close { requestClose(connection, .error(close.error, quitReason: close.quitReason), reason: .quit) }
    }

    /// Hands an effect to the other nodes of the cluster if it concerns their users: lines to
    /// rooms and to everyone (each node fans them out to its own users), and lines and room
    /// departures for a user of another node.
    func forward(_ outbound: Outbound, to cluster: ClusterNode) {
        switch outbound {
        case .send(let id, _), .leftRoom(_, let id):
            if id.node != state.nodeIndex { cluster.forward(outbound) }
        case .toRoom, .toRooms, .toRoomsAwayNotify, .toEveryone:
            cluster.forward(outbound)
        case .joinedRoom:
            break
        }
    }

    /// Queues a line for one connection of this loop, if it is still open.
    func deliver(_ line: OutboundLine, to id: ConnectionID) {
        guard let recipient = openConnection(id) else { return }
        let bytes = line.bytes(recipient.lineForm)
        guard !bytes.isEmpty else { return }
        statistics.deliveries += 1
        bytes.withUnsafeBytes { enqueue($0, to: recipient) }
    }

    func addRegistered(_ connection: Connection) {
        connection.registeredIndex = Int32(registered.count)
        registered.append(Unmanaged.passUnretained(connection))
        refreshGauge(connection)
    }

    func removeRegistered(_ connection: Connection) {
        let index = Int(connection.registeredIndex)
        guard index >= 0 else { return }
        let last = registered.removeLast().takeUnretainedValue()
        if last !== connection {
            registered[index] = Unmanaged.passUnretained(last)
            last.registeredIndex = Int32(index)
        }
        connection.registeredIndex = -1
        refreshGauge(connection)
    }

    // MARK: Writing

    /// Queues bytes (whole lines) for an open connection; a full sendq requests its close
    /// instead. This runs once per delivery, so it touches only the connection and its buffer
    /// (byte counters are kept when the bytes are sent).
    @inline(__always)
    func enqueue(_ bytes: UnsafeRawBufferPointer, to connection: Connection) {
        guard connection.isOpen else { return }
        if connection.output.count &+ bytes.count > configuration.sendQueueBytes {
            // The limit is for output the client is not taking. Output queued in this wakeup
            // has not been offered to the socket yet: offer it before judging.
            flush(connection)
            guard connection.isOpen else { return }
            if connection.output.count + bytes.count > configuration.sendQueueBytes {
                statistics.sendQueueDisconnects += 1
                requestClose(connection, .sendQueueExceeded)
                return
            }
        }
        connection.output.append(bytes)
        queuedOutputBytes &+= bytes.count
        connection.linesOut &+= 1
        markDirty(connection)
    }

    /// Queues bytes whatever the connection's state (its last line).
    func enqueueLastLine(_ bytes: UnsafeRawBufferPointer, to connection: Connection) {
        connection.output.append(bytes)
        queuedOutputBytes &+= bytes.count
        markDirty(connection)
    }

    /// Drops a connection's queued output (all of it, or the lines the socket has not
    /// started on).
    func discardOutput(of connection: Connection, keepingPartialLine: Bool = false) {
        let before = connection.output.count
        if keepingPartialLine {
            // A TLS write that waits to be retried must be offered the same bytes again.
            connection.output.dropUnsentLines(keeping: connection.tlsPendingWriteLength)
        } else {
            connection.output.release()
        }
        queuedOutputBytes -= before - connection.output.count
        if connection.output.capacity == 0 { forgetKeptOutput(of: connection) }
    }

    /// A connection's output is all sent: keep its storage for the next burst while the loop's
    /// allowance lasts, or free it.
    func keepDrainedOutput(_ connection: Connection) {
        let capacity = connection.output.capacity
        guard capacity > 0 else { return }
        let growth = capacity - connection.keptOutputCapacity
        if capacity <= Self.keptBufferMaxBytes && keptOutputBytes + growth <= Self.keptOutputLimit {
            if !connection.isKeepingOutput {
                // A loop that is never idle never empties the list: drop the closed connections
                // from it now and then, so that it holds on to no more than it keeps.
                if keptOutput.count >= max(1024, 2 * liveCount) { keptOutput.removeAll { $0.isClosed } }
                connection.isKeepingOutput = true
                keptOutput.append(connection)
            }
            keptOutputBytes += growth
            connection.keptOutputCapacity = capacity
        } else {
            connection.output.release()
            forgetKeptOutput(of: connection)
        }
    }

    /// The connection's storage was freed: it no longer counts against the allowance (it stays
    /// listed until the next `releaseKeptOutput`).
    func forgetKeptOutput(of connection: Connection) {
        keptOutputBytes -= connection.keptOutputCapacity
        connection.keptOutputCapacity = 0
    }

    /// Frees the kept storage of every listed connection whose output is still all sent.
    func releaseKeptOutput() {
        guard !keptOutput.isEmpty else { return }
        for connection in keptOutput {
            if connection.output.isEmpty { connection.output.release() }
            connection.isKeepingOutput = false
            connection.keptOutputCapacity = 0
        }
        keptOutput.removeAll()
        keptOutputBytes = 0
    }

    @inline(__always)
    func markDirty(_ connection: Connection) {
        if !connection.isDirty {
            connection.isDirty = true
            dirty.append(connection)
        }
    }

    /// Flushes every connection with output. A close carried out at the safe point can queue
    /// a QUIT for others, so this repeats until no output is left unflushed: a line queued
    /// after the last flush would otherwise wait for an unrelated wakeup.
    func flushDirty() {
        while !dirty.isEmpty {
            swap(&dirty, &flushing)
            for connection in flushing {
                connection.isDirty = false
                flush(connection)
            }
            flushing.removeAll(keepingCapacity: true)
            processCloseRequests()
        }
    }

    /// Sends as much queued output as the socket takes, then sets the epoll interest.
    func flush(_ connection: Connection) {
        if connection.isClosed { return }
        if let tls = connection.tls {
            flushTLS(connection, tls)
            return
        }
        if let web = connection.web {
            flushWeb(connection, web)
            return
        }
        while !connection.output.isEmpty {
            do {
                switch try Posix.send(connection.fd, connection.output.pending) {
                case .done(let n):
                    connection.output.consume(n)
                    queuedOutputBytes -= n
                    connection.bytesOut += n
                    statistics.bytesOut += n
                    bytesSentSinceTrim += n
                case .wouldBlock:
                    updateInterest(connection)
                    return
                }
            } catch {
                discardOutput(of: connection)
                requestClose(
                    connection,
                    .gone(
                        quitReason: error.isConnectionReset ? "Connection reset by peer" : "Write error: \(error.reason)"),
                    reason: error.isTimedOut ? .timeout : .error)
                return
            }
        }
        keepDrainedOutput(connection)
        if connection.lifecycle == .flushingLastLine { lastLineSent(connection) }
        updateInterest(connection)
    }

    /// Sets the epoll interest the connection's state calls for. A failure requests the close.
    func updateInterest(_ connection: Connection) {
        var wanted: Epoll.Events = []
        switch connection.lifecycle {
        case .open: if !connection.flood.isThrottled { wanted.insert(.readable) }
        case .flushingLastLine, .awaitingEOF: wanted.insert(.readable)
        case .closeRequested, .closed: return
        }
        if connection.tls != nil {
            wanted = tlsInterest(connection, reading: wanted)
        } else if !connection.output.isEmpty || connection.web?.hasWire == true {
            wanted.insert(.writable)
        }
        guard wanted != connection.interest else { return }
        do {
            try epoll.modify(connection.fd, wanted)
            connection.interest = wanted
        } catch {
            state.logger.error("epoll_ctl for \(connection.logName) failed: \(error)")
            requestClose(connection, connection.isOpen ? .gone(quitReason: "Internal error") : .abandon)
        }
    }

    /// Past this loop's share of --max-output-bytes, drops the largest queues first (their
    /// owners get `ERROR :SendQ exceeded`) until the total is back under the budget.
    func enforceOutputBudget() {
        guard queuedOutputBytes > outputBudget else { return }
        var candidates = connections.compactMap { connection -> Connection? in
            guard let connection, connection.isOpen, !connection.output.isEmpty else { return nil }
            return connection
        }
        candidates.sort { $0.output.count > $1.output.count }
        var remaining = queuedOutputBytes
        for connection in candidates where remaining > outputBudget {
            remaining -= connection.output.count
            statistics.outputBudgetDisconnects += 1
            state.logger.warning(
                "dropping \(connection.logName): \(connection.output.count) bytes queued and the server's "
                    + "output budget is spent")
            requestClose(connection, .sendQueueExceeded)
        }
        processCloseRequests()
        flushDirty()
    }
}
