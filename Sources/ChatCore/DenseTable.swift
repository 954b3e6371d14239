/// A dictionary by string key whose values sit in dense fixed-size chunks, with a hash table of
/// small indices beside it. A big table then costs about 20 bytes of hash buckets per entry
/// plus the value itself, where `Dictionary` keeps every bucket at the value's full size and
/// touches them all (a dictionary fills from 3/8 to 3/4: the empty buckets of a 168-byte user
/// cost more than the key), and one growing array would keep up to twice the values' size
/// after a doubling. The registry's users are the one such table: at 19,900 idle users the
/// chunks save about 100 bytes a user over one array (see Benchmarks/README, idle memory).
/// Removal moves the last value into the hole, so order is not kept.
struct DenseTable<Value> {
    private var slots: [String: Int32] = [:]
    private var keys: [String] = []
    private var chunks: [[Value]] = []
    /// Values per chunk, each chunk allocated at this capacity.
    private let chunkCapacity: Int

    init(chunkCapacity: Int = 256) {
        precondition(chunkCapacity > 0)
        self.chunkCapacity = chunkCapacity
    }

    private(set) var count = 0
    var isEmpty: Bool { count == 0 }

    /// Every value, in no particular order.
    var values: [Value] { chunks.flatMap { $0 } }

    subscript(key: String) -> Value? {
        get { slots[key].map { self[slot: Int($0)] } }
        set {
            if let newValue {
                if let slot = slots[key] {
                    self[slot: Int(slot)] = newValue
                } else {
                    slots[key] = Int32(count)
                    keys.append(key)
                    append(newValue)
                }
            } else {
                removeValue(forKey: key)
            }
        }
    }

    /// Changes the value for `key` in place, if there is one (no copy of it).
    mutating func update(_ key: String, _ change: (inout Value) -> Void) {
        guard let slot = slots[key].map(Int.init) else { return }
        change(&chunks[slot / chunkCapacity][slot % chunkCapacity])
    }

    @discardableResult
    mutating func removeValue(forKey key: String) -> Value? {
        guard let slot = slots.removeValue(forKey: key).map(Int.init) else { return nil }
        let last = count - 1
        let removed = self[slot: slot]
        if slot != last {
            self[slot: slot] = self[slot: last]
            keys[slot] = keys[last]
            slots[keys[slot]] = Int32(slot)
        }
        keys.removeLast()
        chunks[chunks.count - 1].removeLast()
        if chunks[chunks.count - 1].isEmpty { chunks.removeLast() }
        count -= 1
        return removed
    }

    private subscript(slot slot: Int) -> Value {
        get { chunks[slot / chunkCapacity][slot % chunkCapacity] }
        set { chunks[slot / chunkCapacity][slot % chunkCapacity] = newValue }
    }

    private mutating func append(_ value: Value) {
        if chunks.last.map({ $0.count == chunkCapacity }) ?? true {
            var chunk: [Value] = []
            chunk.reserveCapacity(chunkCapacity)
            chunks.append(chunk)
        }
        chunks[chunks.count - 1].append(value)
        count += 1
    }
}
