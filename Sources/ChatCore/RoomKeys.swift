/// The keys of the rooms a user is in, in join order. The first is held inline: almost every
/// user is in one room (the default room), and an array of one cost 64 bytes of heap each.
public struct RoomKeys: RandomAccessCollection, ExpressibleByArrayLiteral, Equatable, Sendable {
    private var first: String?
    private var rest: [String] = []

    public init() {}

    public init(arrayLiteral keys: String...) {
        for key in keys { append(key) }
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { first == nil ? 0 : 1 + rest.count }

    public subscript(position: Int) -> String {
        precondition(position >= 0 && position < endIndex, "room index out of range")
        return position == 0 ? first! : rest[position - 1]
    }

    /// Adds a room, last in join order.
    public mutating func append(_ key: String) {
        if first == nil { first = key } else { rest.append(key) }
    }

    /// Removes the rooms that match, keeping the others in order.
    public mutating func removeAll(where shouldBeRemoved: (String) throws -> Bool) rethrows {
        var kept = RoomKeys()
        for key in self where try !shouldBeRemoved(key) { kept.append(key) }
        self = kept
    }
}
