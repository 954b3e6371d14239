import ChatCore

/// Room member lists on this loop, and the fan-outs that use them.
extension EventLoop {
    func addToRoom(_ key: String, _ connection: Connection) {
        let room: LocalRoom
        if let existing = rooms[key] {
            guard connection.roomSlots.index(in: existing) == nil else { return }
            room = existing
        } else {
            room = LocalRoom(key: key)
            rooms[key] = room
        }
        connection.roomSlots.insert(room, index: room.members.count)
        room.members.append(Unmanaged.passUnretained(connection))
    }

    func removeFromRoom(_ key: String, _ connection: Connection) {
        guard let room = rooms[key] else { return }
        removeFromRoom(room, connection)
    }

    private func removeFromRoom(_ room: LocalRoom, _ connection: Connection) {
        guard let index = connection.roomSlots.remove(room) else { return }
        let last = room.members.removeLast().takeUnretainedValue()
        if last !== connection {
            room.members[index] = Unmanaged.passUnretained(last)
            last.roomSlots.update(room, index: index)
        }
        if room.members.isEmpty && rooms[room.key] === room {
            rooms[room.key] = nil
            if lastFanOutRoom === room { lastFanOutRoom = nil }
        }
    }

    func removeFromAllRooms(_ connection: Connection) {
        while let room = connection.roomSlots.anyRoom { removeFromRoom(room, connection) }
    }

    /// This loop's members of the room `key`, if it has any here. The room of the last fan-out
    /// is tried first: a busy room's messages come in runs, and comparing its key is cheaper
    /// than hashing it.
    private func localRoom(_ key: String) -> LocalRoom? {
        if let room = lastFanOutRoom, room.key == key { return room }
        guard let room = rooms[key] else { return nil }
        lastFanOutRoom = room
        return room
    }

    /// Queues a line for this loop's members of a room but `except`. The member list is not
    /// changed while this runs: `enqueue` only requests closes.
    func fanOut(_ line: OutboundLine, toRoom key: String, except: ConnectionID?) {
        guard let room = localRoom(key) else { return }
        let skipped = skippedSerial(except)
        var delivered = 0
        if line.isOneForm {
            // Everyone gets the same bytes: the plain loop of a broadcast.
            line.plain.withUnsafeBytes { bytes in
                room.members.withUnsafeBufferPointer { members in
                    for member in members {
                        member._withUnsafeGuaranteedRef { connection in
                            if connection.id.serial != skipped {
                                enqueue(bytes, to: connection)
                                delivered &+= 1
                            }
                        }
                    }
                }
            }
            statistics.deliveries += delivered
            return
        }
        line.withUnsafeForms { forms in
            room.members.withUnsafeBufferPointer { members in
                for member in members {
                    member._withUnsafeGuaranteedRef { connection in
                        let bytes = forms[connection.lineForm]
                        if connection.id.serial != skipped && !bytes.isEmpty {
                            enqueue(bytes, to: connection)
                            delivered &+= 1
                        }
                    }
                }
            }
        }
        statistics.deliveries += delivered
    }

    /// Queues a line once for each of this loop's connections in any of the rooms but `except`
    /// (QUIT and NICK reach everyone who shares a room with the user, once).
    func fanOut(_ line: OutboundLine, toRooms keys: [String], except: ConnectionID?, awayNotifyOnly: Bool = false) {
        if keys.count == 1 && !awayNotifyOnly {
            fanOut(line, toRoom: keys[0], except: except)
            return
        }
        fanoutGeneration &+= 1
        let mark = fanoutGeneration
        let skipped = skippedSerial(except)
        var delivered = 0
        for key in keys {
            guard let room = rooms[key] else { continue }
            for member in room.members {
                let connection = member.takeUnretainedValue()
                guard connection.fanoutMark != mark, connection.id.serial != skipped else { continue }
                connection.fanoutMark = mark
                if awayNotifyOnly && !connection.capabilities.contains(.awayNotify) { continue }
                let bytes = line.bytes(connection.lineForm)
                if bytes.isEmpty { continue }
                bytes.withUnsafeBytes { enqueue($0, to: connection) }
                delivered += 1
            }
        }
        statistics.deliveries += delivered
    }

    /// Queues a line for every registered connection of this loop but `except`.
    func broadcastLocally(_ line: OutboundLine, except: ConnectionID?) {
        let skipped = skippedSerial(except)
        var delivered = 0
        line.withUnsafeForms { forms in
            registered.withUnsafeBufferPointer { recipients in
                for recipient in recipients {
                    recipient._withUnsafeGuaranteedRef { connection in
                        let bytes = forms[connection.lineForm]
                        if connection.id.serial != skipped && !bytes.isEmpty {
                            enqueue(bytes, to: connection)
                            delivered &+= 1
                        }
                    }
                }
            }
        }
        statistics.deliveries += delivered
    }

    /// The serial of the connection a fan-out skips, if it is one of this loop's (an id from
    /// another cluster node may share a serial with one here).
    @inline(__always)
    private func skippedSerial(_ except: ConnectionID?) -> UInt64? {
        guard let except, except.loop == handle.index, except.node == state.nodeIndex else { return nil }
        return except.serial
    }

    /// A member left a room: take it off this loop's list (it may be closed already).
    func memberLeft(_ key: String, id: ConnectionID) {
        guard let connection = connection(at: id.descriptor), connection.id.serial == id.serial else { return }
        removeFromRoom(key, connection)
    }
}
