import ChatCore

/// A node's history store that also hands each record made here to the other nodes, whose
/// stores keep it too (with the same msgid): every node can replay every room.
public final class ClusterHistory: ChatHistory {
    public let local: any ChatHistory
    private let node: ClusterNode

    public init(local: any ChatHistory, node: ClusterNode) {
        self.local = local
        self.node = node
    }

    @discardableResult public func record(_ record: HistoryRecord) -> Bool {
        node.forward(record)
        return local.record(record)
    }

    public func recent(room: String, limit: Int) -> [HistoryRecord] { local.recent(room: room, limit: limit) }

    public func fetch(_ query: HistoryQuery, includeEvents: Bool, reply: @escaping @Sendable (HistoryReadResult) -> Void) {
        local.fetch(query, includeEvents: includeEvents, reply: reply)
    }

    public func status() -> HistoryStatus { local.status() }
    public var highestMessageID: Int64 { local.highestMessageID }
}
