/// One key press, decoded from the bytes a terminal sends in raw mode.
public enum Key: Equatable, Sendable {
    /// A printable character (a multi-byte UTF-8 sequence is one).
    case character(Character)
    case enter
    case backspace
    case delete
    case tab
    case left
    case right
    case up
    case down
    case home
    case end
    /// Ctrl-Left or Alt-B.
    case wordLeft
    /// Ctrl-Right or Alt-F.
    case wordRight
    /// Alt-Backspace.
    case deleteWordBackward
    /// Ctrl plus a letter, as its byte (1 for Ctrl-A, 3 for Ctrl-C, 26 for Ctrl-Z).
    case control(UInt8)
    /// ESC on its own.
    case escape
    /// A sequence we do not act on (function keys, Alt plus a letter, invalid UTF-8).
    case ignored
}

/// Turns terminal input bytes into keys. Bytes may arrive in any split: an escape sequence
/// or a UTF-8 character cut between two reads is completed by the next one. A lone ESC is
/// held until more bytes come or `flush` is called after a short pause.
public struct KeyDecoder: Sendable {
    private var pending: [UInt8] = []
    private var lastWasCR = false

    public init() {}

    /// Whether bytes are held waiting for the rest of a sequence. A caller that sees this
    /// after a read should call `flush` if nothing more arrives within a few tens of ms.
    public var hasPending: Bool { !pending.isEmpty }

    /// Decodes `bytes`, plus any held from before.
    public mutating func feed<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> [Key] {
        pending.append(contentsOf: bytes)
        var keys: [Key] = []
        var index = 0
        while index < pending.count {
            guard let (key, length) = decode(at: index) else { break }
            index += length
            // CR LF (a paste from a file, or a terminal sending both) is one Enter.
            if key == .enter && pending[index - length] == 10 && lastWasCR {
                lastWasCR = false
                continue
            }
            lastWasCR = key == .enter && pending[index - length] == 13
            keys.append(key)
        }
        pending.removeFirst(index)
        return keys
    }

    /// Gives up waiting: held bytes become ESC (for a lone ESC) or are dropped.
    public mutating func flush() -> [Key] {
        defer { pending.removeAll() }
        return pending.first == 0x1B ? [.escape] : pending.isEmpty ? [] : [.ignored]
    }

    /// The key starting at `index` and how many bytes it took; nil when more bytes are needed.
    private func decode(at index: Int) -> (Key, Int)? {
        let byte = pending[index]
        switch byte {
        case 0x0D, 0x0A: return (.enter, 1)
        case 0x7F, 0x08: return (.backspace, 1)
        case 0x09: return (.tab, 1)
        case 0x1B: return decodeEscape(at: index)
        case 0x00..<0x20: return (.control(byte), 1)
        case 0x20..<0x7F: return (.character(Character(Unicode.Scalar(byte))), 1)
        default: return decodeUTF8(at: index)
        }
    }

    private func decodeEscape(at index: Int) -> (Key, Int)? {
        guard index + 1 < pending.count else { return nil }
        let next = pending[index + 1]
        switch next {
        case UInt8(ascii: "["):
            // CSI: parameter bytes 0x30-0x3F, intermediate bytes 0x20-0x2F, one final byte.
            var end = index + 2
            while end < pending.count && (0x20...0x3F).contains(pending[end]) { end += 1 }
            guard end < pending.count else { return nil }
            let final = pending[end]
            let parameters = String(decoding: pending[(index + 2)..<end], as: UTF8.self)
            return (csiKey(parameters: parameters, final: final), end - index + 1)
        case UInt8(ascii: "O"):
            guard index + 2 < pending.count else { return nil }
            let key: Key =
                switch pending[index + 2] {
                case UInt8(ascii: "A"): .up
                case UInt8(ascii: "B"): .down
                case UInt8(ascii: "C"): .right
                case UInt8(ascii: "D"): .left
                case UInt8(ascii: "H"): .home
                case UInt8(ascii: "F"): .end
                default: .ignored
                }
            return (key, 3)
        case UInt8(ascii: "b"): return (.wordLeft, 2)
        case UInt8(ascii: "f"): return (.wordRight, 2)
        case 0x7F, 0x08: return (.deleteWordBackward, 2)
        case 0x1B: return (.escape, 1)
        default: return (.ignored, 2)
        }
    }

    private func csiKey(parameters: String, final: UInt8) -> Key {
        let fields = parameters.split(separator: ";", omittingEmptySubsequences: false)
        let modified = fields.count > 1 && fields[1] != "1"
        switch final {
        case UInt8(ascii: "A"): return .up
        case UInt8(ascii: "B"): return .down
        case UInt8(ascii: "C"): return modified ? .wordRight : .right
        case UInt8(ascii: "D"): return modified ? .wordLeft : .left
        case UInt8(ascii: "H"): return .home
        case UInt8(ascii: "F"): return .end
        case UInt8(ascii: "~"):
            switch fields.first ?? "" {
            case "1", "7": return .home
            case "4", "8": return .end
            case "3": return .delete
            default: return .ignored  // Insert, Page Up/Down, F5 and up, bracketed paste marks
            }
        default: return .ignored
        }
    }

    private func decodeUTF8(at index: Int) -> (Key, Int)? {
        let lead = pending[index]
        let length: Int
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0...0xEF: length = 3
        case 0xF0...0xF4: length = 4
        default: return (.ignored, 1)
        }
        var taken = 1
        while taken < length {
            guard index + taken < pending.count else { return nil }
            guard pending[index + taken] & 0xC0 == 0x80 else { return (.ignored, taken) }
            taken += 1
        }
        var decoder = UTF8()
        var iterator = pending[index..<(index + length)].makeIterator()
        guard case .scalarValue(let scalar) = decoder.decode(&iterator) else { return (.ignored, length) }
        if (0x80...0x9F).contains(scalar.value) { return (.ignored, length) }
        return (.character(Character(scalar)), length)
    }
}
