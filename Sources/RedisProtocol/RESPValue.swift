/// One value of the Redis serialization protocol: the five RESP2 types, and the RESP3 types a
/// server may send once it speaks protocol 3 (`HELLO 3`), so that such a reply is a value and
/// never a failure.
///
/// RESP3 attributes (`|`) are not values: the decoder reads and drops them, and hands out the
/// value they annotate. RESP3's blob error (`!`) decodes as `.error`, like a simple error.
public indirect enum RESPValue: Sendable, Hashable {
    /// `+OK`: a line of text with no CR or LF in it.
    case simpleString(String)
    /// `-ERR unknown command`: an error reply, whose first word is its code (`ERR`, `WRONGPASS`).
    case error(String)
    /// `:42`: a signed 64-bit integer.
    case integer(Int)
    /// `$3 foo`: binary-safe bytes; nil is the null bulk string (`$-1`), what GET answers for a
    /// missing key.
    case bulkString([UInt8]?)
    /// `*2 ...`: values in order; nil is the null array (`*-1`).
    case array([RESPValue]?)
    /// RESP3 `_`: the null.
    case null
    /// RESP3 `,`: a floating-point number (`inf`, `-inf` and `nan` included).
    case double(Double)
    /// RESP3 `#t` or `#f`.
    case boolean(Bool)
    /// RESP3 `(`: an integer too big for 64 bits, as its decimal digits (with a leading `-` if
    /// negative).
    case bigNumber(String)
    /// RESP3 `=`: text with a three-letter format (`txt`, `mkd`).
    case verbatimString(format: String, text: [UInt8])
    /// RESP3 `%`: key-value pairs in the order sent.
    case map([Pair])
    /// RESP3 `~`: an unordered collection, in the order sent.
    case set([RESPValue])
    /// RESP3 `>`: out-of-band data (pub/sub messages, invalidations), not the reply to a command.
    case push([RESPValue])

    /// One entry of a RESP3 map.
    public struct Pair: Sendable, Hashable {
        /// The key: any value, a bulk or simple string as Redis sends them.
        public var key: RESPValue
        /// The value the key maps to.
        public var value: RESPValue

        /// The entry `key` => `value`.
        public init(key: RESPValue, value: RESPValue) {
            self.key = key
            self.value = value
        }
    }
}
