/// The protocol-specific bytes of one adapter: what a client sends to register, to join, to
/// send a message, and how it recognises the lines that move it along.
struct Adapter {
    let kind: AdapterKind
    static let channel = "#bench"

    /// Lines sent right after the TCP connect.
    func registration(nick: String) -> [UInt8] {
        switch kind {
        case .linechat: Array("NICK \(nick)\r\n".utf8)
        case .irc: Array("NICK \(nick)\r\nUSER \(nick) 0 * :linechat-bench\r\n".utf8)
        case .nioChat: []
        }
    }

    /// Whether fan-out needs a JOIN after registration.
    var joinsChannel: Bool { kind == .irc }

    var join: [UInt8] { Array("JOIN \(Self.channel)\r\n".utf8) }

    /// joinstorm: join `room` and the room of everyone (LineChat's users are in its default
    /// room from registration on; IRC users join #bench).
    func stormJoin(room: String) -> [UInt8] {
        switch kind {
        case .linechat, .nioChat: Array("JOIN \(room)\r\n".utf8)
        case .irc: Array("JOIN \(Self.channel),\(room)\r\n".utf8)
        }
    }

    /// What goes before a fan-out payload.
    var broadcastPrefix: [UInt8] {
        switch kind {
        case .linechat: Array("BROADCAST ".utf8)
        case .irc: Array("PRIVMSG \(Self.channel) :".utf8)
        case .nioChat: []
        }
    }

    /// What goes before a private payload to `nick`.
    func privatePrefix(to nick: String) -> [UInt8] { Array("PRIVMSG \(nick) :".utf8) }

    /// The line terminator this adapter sends (NIOChatServer relays the line as it came).
    var terminator: [UInt8] { kind == .nioChat ? [10] : [13, 10] }

    /// Whether the sender itself receives its own fan-out message back.
    var echoesBroadcast: Bool { kind == .linechat }

    /// True for the line that completes registration: numeric 001, or NIOChatServer's welcome.
    @inline(__always)
    func isWelcome(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        switch kind {
        case .linechat, .irc: LineShape.commandIs(line, LineShape.welcome)
        case .nioChat: LineShape.hasPrefix(line, LineShape.nioWelcome)
        }
    }

    /// True for the server's echo of our JOIN.
    @inline(__always)
    func isJoinEcho(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        LineShape.commandIs(line, LineShape.joinVerb)
    }
}

/// Byte-level looks at a server line, without building strings.
enum LineShape {
    static let welcome = Array("001".utf8)
    static let joinVerb = Array("JOIN".utf8)
    static let ping = Array("PING ".utf8)
    static let error = Array("ERROR".utf8)
    static let nickInUse = Array("433".utf8)
    static let nioWelcome = Array("(ChatServer) - Welcome".utf8)

    /// True when the command word of `:source COMMAND ...` (or of `COMMAND ...` with no
    /// source) is `word`.
    @inline(__always)
    static func commandIs(_ line: UnsafeBufferPointer<UInt8>, _ word: [UInt8]) -> Bool {
        var start = 0
        if line.first == UInt8(ascii: ":") {
            while start < line.count && line[start] != 32 { start += 1 }
            while start < line.count && line[start] == 32 { start += 1 }
        }
        var end = start
        while end < line.count && line[end] != 32 { end += 1 }
        return line[start..<end].elementsEqual(word)
    }

    /// True when the line's last parameter (trailing or not) is `word`.
    static func lastParameterIs(_ line: UnsafeBufferPointer<UInt8>, _ word: [UInt8]) -> Bool {
        var start = line.count
        while start > 0 && line[start - 1] != 32 { start -= 1 }
        if start < line.count && line[start] == UInt8(ascii: ":") { start += 1 }
        return line[start...].elementsEqual(word)
    }

    @inline(__always)
    static func hasPrefix(_ line: UnsafeBufferPointer<UInt8>, _ prefix: [UInt8]) -> Bool {
        guard line.count >= prefix.count else { return false }
        for index in prefix.indices where line[index] != prefix[index] { return false }
        return true
    }
}
