import ChatServer
import Platform

/// Reads the configuration again (SIGHUP, the console's `reload`): the config file and the
/// command line, parsed as at start, checked whole before anything changes. A configuration
/// with a mistake is logged and the running one kept. Runs on the main thread only (the
/// console's, which also receives SIGHUP).
final class Reloader {
    /// The command line the server was started with.
    let arguments: [String]
    let server: Server
    let logger: Logger
    let notifier: ServiceNotifier?
    private(set) var options: ServerOptions
    private(set) var file: ConfigFile?

    /// Keys whose change a reload applies, or that `Server.reload` reports itself.
    static let handledKeys: Set<String> = [
        "motd-file", "max-clients", "max-per-ip", "sendq-bytes", "max-output-bytes", "flood-burst", "flood-rate",
        "flood-backlog-bytes", "keepalive-idle", "registration-timeout", "list-addresses", "join-replay", "log-level",
        "log-format", "tls-cert", "tls-key", "host", "port", "no-plain", "server-name", "event-loops",
        "default-room", "max-line-bytes", "tls-port", "tls-host", "tls-self-signed",
    ]

    init(
        arguments: [String], options: ServerOptions, file: ConfigFile?, server: Server, logger: Logger,
        notifier: ServiceNotifier?
    ) {
        self.arguments = arguments
        self.options = options
        self.file = file
        self.server = server
        self.logger = logger
        self.notifier = notifier
    }

    /// Reloads and returns what happened, one line each (also logged, prefixed by `trigger`).
    func reload(trigger: String) -> [String] {
        notify(ServiceNotifier.reloading())
        defer { notify(ServiceNotifier.ready) }
        let source = file.map { "the config file \($0.path) and the command line" } ?? "the command line"
        let new: ServerOptions
        let newFile: ConfigFile?
        do {
            (new, newFile) = try ServerOptions.load(commandLine: arguments)
        } catch {
            let line = "\(trigger): not reloaded, the running configuration is kept: \(error)"
            logger.error(line)
            return [line]
        }
        var configuration = new.configuration
        configuration.history = options.configuration.history
        let report: Server.ReloadReport
        do {
            report = try server.reload(configuration)
        } catch {
            let line = "\(trigger): not reloaded: \(error)"
            logger.error(line)
            return [line]
        }
        var applied = report.applied
        if new.logLevel != options.logLevel {
            applied.append("log-level: \(options.logLevel.name) -> \(new.logLevel.name)")
            logger.level = new.logLevel
        }
        if new.logFormat != options.logFormat {
            applied.append("log-format: \(options.logFormat) -> \(new.logFormat)")
            logger.format = new.logFormat
            LogWriter.noteFormat.store(new.logFormat.rawValue, ordering: .relaxed)
        }
        // The rest (data-dir, history, console, flags added later) can only change in the file:
        // the key-by-key comparison finds them.
        let needsRestart = report.needsRestart + Self.otherChanges(from: file, to: newFile, commandLine: arguments)
        options = new
        options.configuration.history = configuration.history
        file = newFile

        let nothing = applied.isEmpty && needsRestart.isEmpty && report.problems.isEmpty
        var lines: [(Logger.Level, String)] = [(.info, "reloaded \(source)\(nothing ? ": nothing changed" : "")")]
        lines += applied.map { (.info, $0) }
        lines += needsRestart.map { (.warning, $0) }
        lines += report.problems.map { (.error, $0) }
        for (level, line) in lines { logger.log(level, "\(trigger): \(line)") }
        return lines.map { "\(trigger): \($0.1)" }
    }

    /// Keys of the file whose value changed and that nothing above applies or reports (the
    /// flags added later, for example): each needs a restart. A key also on the command line is
    /// left out: the command line wins, so the file's change changes nothing.
    static func otherChanges(from old: ConfigFile?, to new: ConfigFile?, commandLine: [String]) -> [String] {
        func values(_ file: ConfigFile?) -> [String: String] {
            var values: [String: String] = [:]
            for entry in file?.entries ?? [] { values[entry.key] = entry.value }
            return values
        }
        let before = values(old)
        let after = values(new)
        var changes: [String] = []
        for key in Set(before.keys).union(after.keys).sorted() where !handledKeys.contains(key) {
            guard before[key] != after[key] else { continue }
            let onCommandLine = commandLine.contains { $0 == "--\(key)" || $0.hasPrefix("--\(key)=") }
            guard !onCommandLine else { continue }
            changes.append("\(key): \(before[key] ?? "(unset)") -> \(after[key] ?? "(unset)") (needs a restart)")
        }
        return changes
    }

    func notify(_ state: String) {
        guard let notifier else { return }
        do {
            try notifier.send(state)
        } catch {
            logger.warning("\(error)")
        }
    }
}
