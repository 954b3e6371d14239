/// Connections waiting for a deadline, earliest first. Every entry of one list has the same
/// timeout and is appended when its clock starts, so the list stays in deadline order and a
/// timer needs only its head. Entries are linked through the connections themselves
/// (`Connection.timer`), so removing one that closed early is O(1) and frees it at once.
struct DeadlineList {
    /// Which list a connection is in.
    enum Kind: UInt8 {
        /// Unregistered connections and the end of --registration-timeout.
        case registration
        /// Connections sending their ERROR line, and how long a reader that does not read
        /// may hold it up.
        case lastLine
        /// Connections whose write side is shut, waiting for the peer's EOF.
        case linger
        /// HTTP connections waiting for their request head (`httpRequestTimeoutMilliseconds`, 10 s).
        case request
    }

    /// A connection's place in at most one list.
    struct Links {
        var deadline: Int64 = 0
        var next: Connection?
        // unowned(unsafe): a linked connection is kept alive by its predecessor's `next` (or the
        // list's head), and both links are cleared when it is removed.
        unowned(unsafe) var previous: Connection?
        var kind: Kind?  // last: 25 bytes, not 32, when a flag follows
    }

    let kind: Kind
    private(set) var timeoutNanoseconds: Int64
    private var head: Connection?
    // unowned(unsafe): the tail is linked, so the chain from `head` keeps it alive.
    private unowned(unsafe) var tail: Connection?
    private(set) var count = 0

    init(_ kind: Kind, timeoutNanoseconds: Int64) {
        self.kind = kind
        self.timeoutNanoseconds = timeoutNanoseconds
    }

    /// The earliest deadline, if any.
    var firstDeadline: Int64? { head?.timer.deadline }

    /// Starts `connection`'s clock: its deadline is `now` plus this list's timeout.
    mutating func append(_ connection: Connection, now: Int64) {
        precondition(connection.timer.kind == nil, "a connection waits for one deadline at a time")
        connection.timer.kind = kind
        connection.timer.deadline = now + timeoutNanoseconds
        connection.timer.previous = tail
        connection.timer.next = nil
        if let tail { tail.timer.next = connection } else { head = connection }
        tail = connection
        count += 1
    }

    /// A new timeout (a reload), for the entries waiting too: each deadline moves by the
    /// difference, so it stays its start plus the timeout and the list stays in order.
    mutating func changeTimeout(to nanoseconds: Int64) {
        let shift = nanoseconds - timeoutNanoseconds
        timeoutNanoseconds = nanoseconds
        guard shift != 0 else { return }
        var entry = head
        while let connection = entry {
            connection.timer.deadline += shift
            entry = connection.timer.next
        }
    }

    /// Takes `connection` out of the list, if it is in it.
    mutating func remove(_ connection: Connection) {
        guard connection.timer.kind == kind else { return }
        let previous = connection.timer.previous
        let next = connection.timer.next
        if let previous { previous.timer.next = next } else { head = next }
        if let next { next.timer.previous = previous } else { tail = previous }
        connection.timer = Links()
        count -= 1
    }

    /// Removes and returns the head if its deadline has passed.
    mutating func popExpired(now: Int64) -> Connection? {
        guard let first = head, first.timer.deadline <= now else { return nil }
        remove(first)
        return first
    }
}
