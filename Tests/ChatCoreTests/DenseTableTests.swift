@testable import ChatCore
import Testing

@Suite("DenseTable")
struct DenseTableTests {
    @Test(
        "random inserts, replacements, in-place updates and removals agree with a Dictionary",
        arguments: [1, 16, 256])
    func agreesWithDictionary(chunkCapacity: Int) {
        var random = Xorshift(seed: 0x5eed_0013)
        var table = DenseTable<Int>(chunkCapacity: chunkCapacity)
        var model: [String: Int] = [:]
        for step in 0..<20_000 {
            let key = "k\(random.below(300))"
            switch random.below(4) {
            case 0, 1:
                table[key] = step
                model[key] = step
            case 2:
                table.update(key) { $0 += 1 }
                if model[key] != nil { model[key]! += 1 }
            default:
                #expect(table.removeValue(forKey: key) == model.removeValue(forKey: key))
            }
            #expect(table[key] == model[key])
        }
        #expect(table.count == model.count)
        #expect(table.values.sorted() == model.values.sorted())
        for (key, value) in model { #expect(table[key] == value) }
        table["absent"] = nil
        #expect(table.count == model.count)
    }
}
