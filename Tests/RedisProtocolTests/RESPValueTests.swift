import RedisProtocol
import Testing

@Suite("RESPValue")
struct RESPValueTests {
    @Test("string reads simple, bulk and verbatim strings")
    func string() {
        #expect(RESPValue.simpleString("OK").string == "OK")
        #expect(RESPValue.bulkString("héllo").string == "héllo")
        #expect(RESPValue.verbatimString(format: "txt", text: Array("hi".utf8)).string == "hi")
        #expect(RESPValue.bulkString([0xFF, 0xFE]).string == nil)
        #expect(RESPValue.bulkString(nil).string == nil)
        #expect(RESPValue.integer(1).string == nil)
        #expect(RESPValue.error("ERR x").string == nil)
    }

    @Test("bytes, integer and array")
    func otherAccessors() {
        #expect(RESPValue.bulkString([0, 13]).bytes == [0, 13])
        #expect(RESPValue.simpleString("a").bytes == [97])
        #expect(RESPValue.null.bytes == nil)
        #expect(RESPValue.integer(-3).integer == -3)
        #expect(RESPValue.bulkString("3").integer == nil)
        #expect(RESPValue.array([.integer(1)]).array == [.integer(1)])
        #expect(RESPValue.set([.integer(1)]).array == [.integer(1)])
        #expect(RESPValue.push([.integer(1)]).array == [.integer(1)])
        #expect(RESPValue.array(nil).array == nil)
    }

    @Test("errors, nulls and OK")
    func flags() {
        let error = RESPValue.error("WRONGPASS invalid username-password pair")
        #expect(error.isError)
        #expect(error.errorCode == "WRONGPASS")
        #expect(error.errorMessage == "WRONGPASS invalid username-password pair")
        #expect(!RESPValue.simpleString("ERR").isError)
        #expect(RESPValue.simpleString("ERR").errorCode == nil)
        #expect(RESPValue.null.isNull && RESPValue.bulkString(nil).isNull && RESPValue.array(nil).isNull)
        #expect(!RESPValue.bulkString([]).isNull && !RESPValue.array([]).isNull)
        #expect(RESPValue.simpleString("OK").isOK && !RESPValue.bulkString("OK").isOK)
    }

    @Test("description is readable and escapes bytes")
    func description() {
        let value = RESPValue.array([
            .simpleString("OK"), .bulkString([104, 13, 10, 0, 34]), .integer(2), .bulkString(nil),
        ])
        #expect(value.description == #"[+OK, "h\r\n\x00\"", :2, (nil)]"#)
        #expect(RESPValue.map([.init(key: .bulkString("a"), value: .boolean(true))]).description == #"{"a": #t}"#)
    }
}
