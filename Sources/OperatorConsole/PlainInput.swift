import LineProtocol
import Platform

/// Lines from a descriptor that is not a terminal (a pipe, a file), LF or CRLF ended, with a
/// hard maximum length. A last line without a newline still counts.
struct PlainInput {
    let fd: Int32
    private var framer: LineFramer
    private var buffer = [UInt8](repeating: 0, count: 16 * 1024)

    init(fd: Int32, maxLineBytes: Int) {
        self.fd = fd
        framer = LineFramer(maxLineBytes: maxLineBytes)
    }

    /// One read: the complete lines it finished (nil for a line over the maximum) and whether
    /// the input has ended. Call when `fd` is readable.
    mutating func read() -> (lines: [String?], ended: Bool) {
        let count: Int
        switch ByteIO.read(fd, into: &buffer) {
        case .success(.wouldBlock): return ([], false)
        case .success(.done(let read)): count = read
        case .failure: count = 0
        }
        var lines: [String?] = []
        if count == 0 {
            if framer.bufferedByteCount > 0 { feed(&lines, [10]) }
            return (lines, true)
        }
        feed(&lines, buffer[..<count])
        return (lines, false)
    }

    private mutating func feed(_ lines: inout [String?], _ bytes: some Collection<UInt8>) {
        var chunk = Array(bytes)
        chunk.withUnsafeMutableBytes { raw in
            framer.feed(raw) { event in
                switch event {
                case .line(let line): lines.append(String(decoding: line, as: UTF8.self))
                case .overlong: lines.append(nil)
                }
            }
        }
    }
}
