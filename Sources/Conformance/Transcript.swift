/// One conformance scenario: the steps of a transcript file, in file order.
public struct Transcript: Equatable, Sendable {
    /// The file's path as given (used in every message about it).
    public let path: String
    public let steps: [Step]
    /// Why the nicknames must be used as written (`keep-nicks <why>`), or nil when a replayer
    /// may add a suffix to every one of them (see `NickSuffix`).
    public let keepNicksReason: String?

    public init(path: String, steps: [Step], keepNicksReason: String? = nil) {
        self.path = path
        self.steps = steps
        self.keepNicksReason = keepNicksReason
    }

    /// The file name without its directory, for short reports.
    public var name: String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }

    /// Every client the transcript names, in order of first mention.
    public var clients: [String] {
        var seen: Set<String> = []
        return steps.compactMap { step in
            !step.client.isEmpty && seen.insert(step.client).inserted ? step.client : nil
        }
    }
}
