import LineProtocol
import Testing

/// Filters `input` with one filter, fed in chunks of `chunk` bytes; returns what is left.
func telnetFiltered(_ input: [UInt8], chunk: Int = Int.max) -> [UInt8] {
    var filter = TelnetFilter()
    var output: [UInt8] = []
    var offset = 0
    while offset < input.count {
        var piece = Array(input[offset..<min(input.count, offset + min(chunk, input.count - offset))])
        offset += piece.count
        let kept = piece.withUnsafeMutableBytes { filter.filter($0) }
        output += piece[..<kept]
    }
    return output
}

@Suite("TelnetFilter")
struct TelnetFilterTests {
    static let sb: [UInt8] = [255, 250]
    static let se: [UInt8] = [255, 240]
    static let cap = Limits.maxTelnetSubnegotiationBytes

    static func payload(_ count: Int) -> [UInt8] { [UInt8](repeating: 0x41, count: count) }

    @Test("a subnegotiation of up to the cap is removed whole", arguments: [0, 1, 30, cap - 1, cap])
    func subnegotiationWithinCap(length: Int) {
        let input = Self.sb + Self.payload(length) + Self.se + Array("after".utf8)
        for chunk in [Int.max, 1, 3] {
            #expect(telnetFiltered(input, chunk: chunk) == Array("after".utf8), "length \(length), chunk \(chunk)")
        }
    }

    @Test("past the cap a subnegotiation is abandoned: its first bytes are dropped and the rest is data")
    func subnegotiationPastCap() {
        let input = Self.sb + Self.payload(Self.cap) + Array("rest".utf8)
        for chunk in [Int.max, 1, 7] {
            #expect(telnetFiltered(input, chunk: chunk) == Array("rest".utf8), "chunk \(chunk)")
        }
    }

    @Test("an escaped IAC inside a subnegotiation is counted toward the cap")
    func escapedIACCounts() {
        let doubled = [UInt8]((0..<(Self.cap / 2)).flatMap { _ in [255, 255] as [UInt8] })
        #expect(telnetFiltered(Self.sb + doubled + Self.se + [0x42]) == [0x42])
        #expect(telnetFiltered(Self.sb + doubled + [0x42]) == [0x42])
    }

    @Test("an IAC that arrives past the cap starts a command of its own")
    func iacPastCap() {
        // IAC NOP right after the abandoned subnegotiation is still removed.
        #expect(telnetFiltered(Self.sb + Self.payload(Self.cap) + [255, 241, 0x43]) == [0x43])
    }

    @Test("a stray FF FA pair in text costs the bytes up to the cap, not the connection")
    func strayPair() {
        let text = Array("ok ".utf8) + Self.sb + Self.payload(200) + Array("\nPING x\n".utf8)
        let expected = Array("ok ".utf8) + Self.payload(200 - Self.cap) + Array("\nPING x\n".utf8)
        for chunk in [Int.max, 1, 10] {
            #expect(telnetFiltered(text, chunk: chunk) == expected, "chunk \(chunk)")
        }
    }
}
