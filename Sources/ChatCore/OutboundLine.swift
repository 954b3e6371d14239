/// Which shape of a user-sourced line a connection gets.
public enum LineForm: UInt8, Sendable, CaseIterable {
    /// `:alice PRIVMSG #lobby :hi`: nc users and the transcripts.
    case plain
    /// `:alice!~alice@linechat PRIVMSG #lobby :hi`: IRC clients.
    case full
    /// The full form with `@time=...` (server-time without message-tags).
    case timed
    /// The full form with `@time=...;msgid=...` and the sender's client-only tags (message-tags).
    case tagged

    public var isFullSource: Bool { self != .plain }
}

/// A set of line forms: those a room's members need.
public struct LineForms: OptionSet, Sendable, Hashable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public init(_ form: LineForm) { rawValue = 1 << form.rawValue }

    public static let plain = LineForms(.plain)
    public static let full = LineForms(.full)
    public static let timed = LineForms(.timed)
    public static let tagged = LineForms(.tagged)

    /// Some form with the `nick!user@host` source.
    public var needsFullSource: Bool { !subtracting(.plain).isEmpty }
}

/// A line for other connections, formatted once in each form its recipients need and shared by
/// all of them. Server-sourced lines are one form (the same bytes for everyone). A form nobody
/// needed is empty; a TAGMSG has only the tagged form (only message-tags clients get it).
public struct OutboundLine: Sendable {
    public let plain: [UInt8]
    public let full: [UInt8]
    public let timed: [UInt8]
    public let tagged: [UInt8]
    /// Every form is the same bytes: a fan-out need not look at who gets which.
    public let isOneForm: Bool

    public init(plain: [UInt8], full: [UInt8], timed: [UInt8] = [], tagged: [UInt8] = []) {
        self.plain = plain
        self.full = full
        self.timed = timed
        self.tagged = tagged
        isOneForm = false
    }

    /// One form for everyone.
    public init(_ bytes: [UInt8]) {
        plain = bytes
        full = bytes
        timed = bytes
        tagged = bytes
        isOneForm = true
    }

    /// The bytes a connection that gets `form` is sent (empty: nothing for it).
    @inline(__always) public func bytes(_ form: LineForm) -> [UInt8] {
        switch form {
        case .plain: plain
        case .full: full
        case .timed: timed
        case .tagged: tagged
        }
    }

    /// Calls `body` with every form's bytes pinned, for a fan-out loop that picks one per
    /// recipient without retaining anything.
    @inline(__always) public func withUnsafeForms<R>(_ body: (FormBytes) -> R) -> R {
        plain.withUnsafeBytes { plain in
            full.withUnsafeBytes { full in
                timed.withUnsafeBytes { timed in
                    tagged.withUnsafeBytes { tagged in
                        body(FormBytes(plain: plain, full: full, timed: timed, tagged: tagged))
                    }
                }
            }
        }
    }

    /// The forms' bytes, pinned for the duration of `withUnsafeForms`.
    public struct FormBytes {
        let plain: UnsafeRawBufferPointer
        let full: UnsafeRawBufferPointer
        let timed: UnsafeRawBufferPointer
        let tagged: UnsafeRawBufferPointer

        @inline(__always) public subscript(form: LineForm) -> UnsafeRawBufferPointer {
            switch form {
            case .plain: plain
            case .full: full
            case .timed: timed
            case .tagged: tagged
            }
        }
    }
}
