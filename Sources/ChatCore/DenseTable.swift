/// A dictionary by string key whose values sit in one dense array, with a hash table of small
/// indices beside it. A big table then costs about 20 bytes of hash buckets per entry plus the
/// value itself, where `Dictionary` keeps every bucket at the value's full size and touches
/// them all (a dictionary fills from 3/8 to 3/4: the empty buckets of a 168-byte user cost
/// more than the key). The registry's users are the one such table: 20,000 idle users save
/// 2 MB. Removal moves the last value into the hole, so order is not kept.
struct DenseTable<Value> {
    private var slots: [String: Int32] = [:]
    private var keys: [String] = []
    private(set) var values: [Value] = []

    var count: Int { values.count }
    var isEmpty: Bool { values.isEmpty }

    subscript(key: String) -> Value? {
        get { slots[key].map { values[Int($0)] } }
        set {
            if let newValue {
                if let slot = slots[key] {
                    values[Int(slot)] = newValue
                } else {
                    slots[key] = Int32(values.count)
                    keys.append(key)
                    values.append(newValue)
                }
            } else {
                removeValue(forKey: key)
            }
        }
    }

    /// Changes the value for `key` in place, if there is one (no copy of it).
    mutating func update(_ key: String, _ change: (inout Value) -> Void) {
        guard let slot = slots[key] else { return }
        change(&values[Int(slot)])
    }

    @discardableResult
    mutating func removeValue(forKey key: String) -> Value? {
        guard let slot = slots.removeValue(forKey: key).map(Int.init) else { return nil }
        let last = values.count - 1
        if slot != last {
            values.swapAt(slot, last)
            keys.swapAt(slot, last)
            slots[keys[slot]] = Int32(slot)
        }
        keys.removeLast()
        return values.removeLast()
    }
}
