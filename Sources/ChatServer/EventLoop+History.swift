import ChatCore

/// History reads: asked of the store (which answers on its own thread) and sent to the
/// connection on this loop when the answer comes back.
extension EventLoop {
    func readHistory(_ read: HistoryRead, for connection: Connection) {
        guard let history = configuration.history else { return }
        let id = connection.id
        let loop = handle
        history.fetch(read.query, includeEvents: read.includeEvents) { result in
            loop.post(.historyReply(id, read.rendering.render(result, subcommand: read.subcommand, label: read.label)))
        }
    }
}
