/// One line of a transcript that does something: a client sends, expects, or changes state.
public struct Step: Equatable, Sendable {
    /// What a step does. See conformance/README.md for the syntax of each.
    public enum Action: Equatable, Sendable {
        /// `alice: connect`, or implied by a client's first mention.
        case connect
        /// `alice> text` (CRLF appended) or `alice>> raw\r\n` (sent exactly): these bytes.
        case send([UInt8])
        /// `alice< pattern`: the client's next line must match.
        case expect(Pattern)
        /// `alice: skip-until pattern`: lines are read and dropped until one matches.
        case skipUntil(Pattern)
        /// `alice: register nick`: NICK, then the welcome burst through 376.
        case register(String)
        /// `alice: nothing-more [duration]`: no line arrives within the quiet period
        /// (nil: the replayer's default).
        case nothingMore(milliseconds: Int?)
        /// `alice: closed`: the server closes the connection before sending another line.
        case closed
        /// `alice: close`: the client closes its socket (FIN).
        case close
        /// `alice: reset`: the client closes its socket with a TCP reset (RST).
        case reset
        /// `alice: sync`: a PING round trip; whatever the client gets before its PONG (a
        /// history replay, say) is skipped.
        case sync
        /// `sleep duration` or `alice: sleep duration`: the replayer waits.
        case sleep(milliseconds: Int)
    }

    /// The 1-based line number in the transcript file.
    public let line: Int
    /// The client's name in the transcript; empty for a step that concerns no client.
    public let client: String
    public let action: Action

    public init(line: Int, client: String, action: Action) {
        self.line = line
        self.client = client
        self.action = action
    }
}
