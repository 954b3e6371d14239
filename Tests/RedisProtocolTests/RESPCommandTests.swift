import RedisProtocol
import Testing

@Suite("RESPCommand")
struct RESPCommandTests {
    @Test("a command is an array of bulk strings")
    func arrayOfBulkStrings() {
        let command: RESPCommand = ["SET", "key", .bytes([0, 13, 10]), 42]
        #expect(
            command.encoded == Array("*4\r\n$3\r\nSET\r\n$3\r\nkey\r\n$3\r\n".utf8) + [0, 13, 10]
                + Array("\r\n$2\r\n42\r\n".utf8))
        #expect(command.encodedByteCount == command.encoded.count)
    }

    @Test("an argument holding CR LF or a space stays one argument")
    func noInjection() {
        let hostile = "x\r\nFLUSHALL\r\n"
        let encoded = RESPEncoder.encode(["GET", hostile])
        #expect(decode(encoded) == Outcome(values: [.array([.bulkString("GET"), .bulkString(hostile)])]))
    }

    @Test("empty arguments and a command of none")
    func empty() {
        #expect(RESPCommand("ECHO", "").encoded == Array("*2\r\n$4\r\nECHO\r\n$0\r\n\r\n".utf8))
        #expect(RESPCommand([]).encoded == Array("*0\r\n".utf8))
    }

    @Test("bytes, strings and commands encode alike")
    func encodersAgree() {
        let strings = ["HSET", "room:#lobby", "topic", "héllo wörld"]
        let expected = RESPCommand(strings: strings).encoded
        #expect(RESPEncoder.encode(strings) == expected)
        #expect(RESPEncoder.encode(strings.map { Array($0.utf8) }) == expected)
        #expect(RESPCommand(bytes: strings.map { Array($0.utf8) }).encoded == expected)
        #expect(
            RESPCommand(.string("HSET"), .string("room:#lobby"), "topic", .bytes(Array("héllo wörld".utf8))).encoded
                == expected)
    }

    @Test("lengths of every digit count are written right")
    func lengths() {
        for length in [0, 1, 9, 10, 99, 100, 12345, 1 << 20] {
            let argument = [UInt8](repeating: 65, count: length)
            let encoded = RESPEncoder.encode([argument])
            #expect(encoded.count == RESPCommand(bytes: [argument]).encodedByteCount)
            #expect(decode(encoded).values == [.array([.bulkString(argument)])])
        }
    }

    @Test("commands appended to one buffer are a pipeline")
    func pipeline() {
        var buffer: [UInt8] = []
        RESPEncoder.append([Array("INCR".utf8), Array("n".utf8)], to: &buffer)
        RESPEncoder.append([RESPCommand("GET", "n"), ["PING"]], to: &buffer)
        RESPCommand("QUIT").encode(into: &buffer)
        #expect(
            buffer
                == Array(
                    "*2\r\n$4\r\nINCR\r\n$1\r\nn\r\n*2\r\n$3\r\nGET\r\n$1\r\nn\r\n*1\r\n$4\r\nPING\r\n*1\r\n$4\r\nQUIT\r\n"
                        .utf8))
        #expect(decode(buffer).values.count == 4)
    }

    @Test("integer arguments are their decimal digits")
    func integers() {
        #expect(RESPArgument(-15).bytes == Array("-15".utf8))
        #expect(RESPArgument.integer(Int.max).bytes == Array("9223372036854775807".utf8))
    }
}
