/// Removes telnet IAC sequences (commands, option negotiation, subnegotiation) from a byte
/// stream, in place. State carries across chunks, so a sequence split between two reads is
/// still removed whole. `IAC IAC` stands for one literal 0xFF byte (which is never valid UTF-8,
/// so the line it lands in is refused later).
///
/// A subnegotiation is bounded: one that has not ended with `IAC SE` after
/// `Limits.maxTelnetSubnegotiationBytes` bytes is abandoned, those bytes stay removed, and the
/// bytes after them are data again. So a stray `FF FA` pair (Latin-1 text, a binary paste)
/// costs at most that many bytes instead of making the connection deaf.
public struct TelnetFilter: Sendable {
    private enum State: UInt8, Sendable {
        case data, command, option, subnegotiation, subnegotiationCommand
    }

    static let iac: UInt8 = 255
    static let subnegotiationBegin: UInt8 = 250
    static let subnegotiationEnd: UInt8 = 240
    static let will: UInt8 = 251

    private var state = State.data
    /// Bytes read since the current subnegotiation's `IAC SB`.
    private var subnegotiationLength = 0

    public init() {}

    /// True when the next chunk may be passed through untouched if it holds no 0xFF byte.
    @inlinable public var isIdle: Bool { stateIsData }
    @usableFromInline var stateIsData: Bool { state == .data }

    /// Filters `buffer` in place and returns how many bytes remain at its front. The others
    /// (`buffer.count` minus the result) were telnet sequences.
    public mutating func filter(_ buffer: UnsafeMutableRawBufferPointer) -> Int {
        var out = 0
        for i in 0..<buffer.count {
            let byte = buffer[i]
            if state == .subnegotiation || state == .subnegotiationCommand {
                if state == .subnegotiationCommand && byte == Self.subnegotiationEnd {
                    state = .data
                    continue
                }
                if subnegotiationLength < Limits.maxTelnetSubnegotiationBytes {
                    subnegotiationLength += 1
                    // IAC IAC is an escaped 0xFF inside the subnegotiation; IAC SE (above) ends it.
                    state = state == .subnegotiation && byte == Self.iac ? .subnegotiationCommand : .subnegotiation
                    continue
                }
                // Too long to be a real subnegotiation: give up on it, and read this byte as data.
                state = .data
            }
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
                    subnegotiationLength = 0
                default:  // NOP, AYT, IP, GA and the other two-byte commands
                    state = .data
                }
            case .option:
                state = .data
            case .subnegotiation, .subnegotiationCommand:
                break  // handled above
            }
        }
        return out
    }
}
