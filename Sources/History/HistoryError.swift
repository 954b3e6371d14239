/// Why the history store could not do something.
public enum HistoryError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file is not a LineChat history database: not SQLite at all, damaged, another
    /// application's SQLite database, or one written by a newer LineChat. It was not modified.
    case notHistoryDatabase(path: String, reason: String)
    /// The database could not be opened or created (a missing directory, no permission, a
    /// read-only file).
    case cannotOpen(path: String, reason: String)
    /// A statement failed: the disk is full, the file became read-only, another process holds
    /// a lock, an I/O error. `code` is SQLite's primary result code (13 is SQLITE_FULL).
    case storage(path: String, operation: String, code: Int32, message: String)
    /// The history service was shut down.
    case shutDown

    public var description: String {
        switch self {
        case .notHistoryDatabase(let path, let reason):
            "\(path) is not a LineChat history database (\(reason)); it was left untouched: move it away, "
                + "or start with --data-dir <another directory> or --no-history"
        case .cannotOpen(let path, let reason):
            "cannot open the history database \(path): \(reason)"
        case .storage(let path, let operation, _, let message):
            "history database \(path): \(operation) failed: \(message)"
        case .shutDown:
            "the history service is shut down"
        }
    }
}
