/// A room's members on one event loop: the recipients of its messages there. Unretained, like
/// the loop's `registered` list: every entry is held by the loop's `connections` and leaves
/// this list (on PART, KICK, JOIN 0 or close, at the loop's safe point or in its effects)
/// before it leaves that one. A class, so that a fan-out iterates it in place.
final class LocalRoom {
    /// The room's key in the loop's `rooms`.
    let key: String
    var members: [Unmanaged<Connection>] = []

    init(key: String) { self.key = key }
}

/// The rooms a connection is in on its loop, each with the connection's index in that room's
/// member list. The first is held inline: most connections are in one room (the default room),
/// and a dictionary per connection cost about 150 bytes of heap each.
struct RoomSlots {
    private var first: Slot?
    private var rest: [Slot] = []

    private struct Slot {
        let room: LocalRoom
        var index: Int
    }

    /// One of the rooms, or nil when there is none.
    var anyRoom: LocalRoom? { first?.room }

    /// The connection's index in `room`'s member list, or nil if it is not in it.
    func index(in room: LocalRoom) -> Int? {
        if let first, first.room === room { return first.index }
        return rest.first { $0.room === room }?.index
    }

    mutating func insert(_ room: LocalRoom, index: Int) {
        if first == nil { first = Slot(room: room, index: index) } else { rest.append(Slot(room: room, index: index)) }
    }

    /// The connection moved to `index` in `room`'s member list.
    mutating func update(_ room: LocalRoom, index: Int) {
        if first?.room === room {
            first?.index = index
        } else if let position = rest.firstIndex(where: { $0.room === room }) {
            rest[position].index = index
        }
    }

    /// Forgets `room`; returns the connection's index there, or nil if it was not in it.
    mutating func remove(_ room: LocalRoom) -> Int? {
        if let slot = first, slot.room === room {
            first = rest.popLast()
            return slot.index
        }
        guard let position = rest.firstIndex(where: { $0.room === room }) else { return nil }
        return rest.remove(at: position).index
    }
}
