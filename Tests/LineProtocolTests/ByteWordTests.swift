@testable import LineProtocol
import Testing

/// The eight-bytes-at-once tests against their byte-by-byte definitions.
@Suite("ByteWord")
struct ByteWordTests {
    /// Words of eight bytes: every byte value at every position among printable filler, every
    /// pair of neighbouring edge values (where a carry would show), and random words.
    static var words: [[UInt8]] {
        var words: [[UInt8]] = []
        for position in 0..<8 {
            for value in 0...255 {
                var word = [UInt8](repeating: UInt8(ascii: "a"), count: 8)
                word[position] = UInt8(value)
                words.append(word)
            }
        }
        let edges: [UInt8] = [0x00, 0x01, 0x09, 0x0A, 0x0D, 0x0E, 0x1F, 0x20, 0x7E, 0x7F, 0x80, 0xFE, 0xFF]
        for first in edges {
            for second in edges {
                for position in 0..<7 {
                    var word = [UInt8](repeating: 0x20, count: 8)
                    word[position] = first
                    word[position + 1] = second
                    words.append(word)
                }
            }
        }
        var random = SplitMix(seed: 7)
        for _ in 0..<20_000 { words.append((0..<8).map { _ in UInt8.random(in: 0...255, using: &random) }) }
        return words
    }

    static func load(_ bytes: [UInt8]) -> UInt64 { bytes.withUnsafeBytes { ByteWord.load($0.baseAddress!) } }

    @Test func printableASCII() {
        for bytes in Self.words {
            #expect(ByteWord.isPrintableASCII(Self.load(bytes)) == bytes.allSatisfy { $0 >= 0x20 && $0 <= 0x7E })
        }
    }

    @Test(arguments: [UInt8(1), 10, 14, 0x20, 0x80])
    func byteBelow(limit: UInt8) {
        for bytes in Self.words {
            #expect(ByteWord.hasByte(below: limit, Self.load(bytes)) == bytes.contains { $0 < limit })
        }
    }

    @Test(arguments: [UInt8(0), 10, 13, 0x7F, 0xFF])
    func containsByte(byte: UInt8) {
        for bytes in Self.words {
            #expect(ByteWord.contains(byte, Self.load(bytes)) == bytes.contains(byte))
        }
    }

    @Test func lineContentFindsABadByteAtEveryOffset() {
        // Printable ASCII is passed eight bytes at a time: nothing after it may be skipped.
        for count in 1..<40 {
            for position in 0..<count {
                for (byte, problem) in [
                    (UInt8(0x1B), LineContent.Problem.controlCharacter(0x1B)), (0x7F, .controlCharacter(0x7F)),
                    (0x00, .controlCharacter(0)), (0xFF, .invalidUTF8), (0x80, .invalidUTF8),
                ] {
                    var bytes = [UInt8](repeating: UInt8(ascii: "x"), count: count)
                    bytes[position] = byte
                    #expect(bytes.withUnsafeBytes { LineContent.problem(in: $0) } == problem)
                }
                var text = [UInt8](repeating: UInt8(ascii: "x"), count: count)
                text[position] = 0x09
                #expect(text.withUnsafeBytes { LineContent.problem(in: $0) } == nil)
                let accented = Array(String(repeating: "x", count: position).utf8) + Array("é\u{1B}".utf8)
                #expect(accented.withUnsafeBytes { LineContent.problem(in: $0) } == .controlCharacter(0x1B))
            }
        }
    }

    @Test func lineEndsAndBytesAtEveryOffset() {
        // The word loops of the scans, at every alignment and tail length.
        for count in 0..<40 {
            for position in 0..<max(count, 1) {
                var bytes = [UInt8](repeating: UInt8(ascii: "x"), count: count)
                if position < count { bytes[position] = 10 }
                let expected = position < count ? position : nil
                bytes.withUnsafeBufferPointer { buffer in
                    let base = buffer.baseAddress ?? UnsafePointer(bitPattern: 1)!
                    #expect(firstLineEnd(base, count) == expected)
                    #expect(memchrByte(UnsafeRawPointer(base), 10, count) == expected)
                }
            }
        }
    }
}
