/// Removes telnet IAC sequences (commands, option negotiation, subnegotiation) from a byte
/// stream, in place. State carries across chunks, so a sequence split between two reads is
/// still removed whole. `IAC IAC` stands for one literal 0xFF byte (which is never valid UTF-8,
/// so the line it lands in is refused later).
public struct TelnetFilter: Sendable {
    private enum State: UInt8, Sendable {
        case data, command, option, subnegotiation, subnegotiationCommand
    }

    static let iac: UInt8 = 255
    static let subnegotiationBegin: UInt8 = 250
    static let subnegotiationEnd: UInt8 = 240
    static let will: UInt8 = 251

    private var state = State.data

    public init() {}

    /// True when the next chunk may be passed through untouched if it holds no 0xFF byte.
    @inlinable public var isIdle: Bool { stateIsData }
    @usableFromInline var stateIsData: Bool { state == .data }

    /// Filters `buffer` in place and returns how many bytes remain at its front.
    public mutating func filter(_ buffer: UnsafeMutableRawBufferPointer) -> Int {
        var out = 0
        for i in 0..<buffer.count {
            let byte = buffer[i]
            switch state {
            case .data:
                if byte == Self.iac {
                    state = .command
                } else {
                    buffer[out] = byte
                    out += 1
                }
            case .command:
                switch byte {
                case Self.iac:
                    buffer[out] = byte
                    out += 1
                    state = .data
                case Self.will...254:  // WILL, WONT, DO, DONT: one option byte follows
                    state = .option
                case Self.subnegotiationBegin:
                    state = .subnegotiation
                default:  // NOP, AYT, IP, GA and the other two-byte commands
                    state = .data
                }
            case .option:
                state = .data
            case .subnegotiation:
                if byte == Self.iac { state = .subnegotiationCommand }
            case .subnegotiationCommand:
                state = byte == Self.subnegotiationEnd ? .data : .subnegotiation
            }
        }
        return out
    }
}
