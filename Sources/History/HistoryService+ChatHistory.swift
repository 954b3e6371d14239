import ChatCore

/// The SQLite store is where the chat keeps its history.
extension HistoryService: ChatHistory {
    public func fetch(
        _ query: HistoryQuery, includeEvents: Bool, reply: @escaping @Sendable (HistoryReadResult) -> Void
    ) {
        read(query, includeEvents: includeEvents) { result in
            switch result {
            case .success(let answer): reply(answer)
            case .failure(let error): reply(.failed(error.description))
            }
        }
    }
}
