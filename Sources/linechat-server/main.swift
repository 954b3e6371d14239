import ChatCore
import ChatServer
import Foundation
import History
import OperatorConsole
import Platform

// linechat-server: config file and flags -> configuration -> server; then the operator console
// until `quit`, SIGINT or SIGTERM. SIGHUP and the console's `reload` read the configuration again.
let arguments = Array(CommandLine.arguments.dropFirst())
let options: ServerOptions
let configFile: ConfigFile?
do {
    (options, configFile) = try ServerOptions.load(commandLine: arguments)
} catch {
    FileHandle.standardError.write(Data("linechat-server: \(error)\n\n\(ServerOptions.usage)\n".utf8))
    exit(64)
}
if options.showHelp {
    print(ServerOptions.usage)
    exit(0)
}
if options.showVersion {
    print("linechat-server \(ChatConfig.version)")
    exit(0)
}
if options.checkOnly {
    let source =
        configFile.map { "\($0.path) (\($0.entries.count) settings) and the command line" } ?? "the command line"
    print("linechat-server: the configuration is valid: \(source)")
    exit(0)
}

// Before any thread starts: the console blocks SIGINT and SIGTERM, so that the server's
// threads inherit the block and only `console.run` (on this thread) receives them.
let console: ConsoleHost
do {
    // SIGHUP reloads the configuration (the config file, the MOTD file, the TLS certificate).
    console = try ConsoleHost(enabled: options.console ?? true, catchesHangUp: true)
} catch {
    FileHandle.standardError.write(Data("linechat-server: cannot start the operator console: \(error)\n".utf8))
    exit(1)
}
let logger = Logger(level: options.logLevel, format: options.logFormat, sink: console.logSink)
LogWriter.noteFormat.store(options.logFormat.rawValue, ordering: .relaxed)
// systemd's Type=notify: READY=1 once listening, RELOADING=1 and READY=1 around a reload,
// STOPPING=1 at shutdown.
let notifier = ServiceNotifier.fromEnvironment()
if let configFile {
    logger.info(
        "Configuration read from \(configFile.path) (\(configFile.entries.count) settings) and the command line")
}
var configuration = options.configuration
// History: opened before the server starts, so that a database that cannot be used stops the
// start with a message that names it (and nothing is overwritten).
let history: HistoryService?
if options.history.enabled {
    let directory = options.history.dataDirectory
    let path = directory + "/history.sqlite3"
    do {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    } catch {
        FileHandle.standardError.write(
            Data("linechat-server: cannot create the data directory \(directory): \(error.localizedDescription)\n".utf8))
        exit(1)
    }
    var historyConfiguration = HistoryServiceConfiguration()
    historyConfiguration.retentionDays = options.history.retentionDays
    historyConfiguration.maxPerRoom = options.history.maxPerRoom
    historyConfiguration.writerNiceness = options.history.writerNiceness
    do {
        history = try HistoryService(path: path, configuration: historyConfiguration) { line in
            logger.warning(line)
        }
    } catch {
        FileHandle.standardError.write(Data("linechat-server: \(error)\n".utf8))
        exit(1)
    }
    configuration.history = history
    configuration.cluster?.cursorFile = directory + "/cluster-chat-cursor"
    logger.info("History kept in \(path) (\(options.history.retentionDays) days, \(options.history.maxPerRoom) per room)")
} else {
    history = nil
}
let server = Server(configuration: configuration, logger: logger)
let port: Int
do {
    port = try server.start()
} catch {
    FileHandle.standardError.write(Data("linechat-server: cannot start: \(error)\n".utf8))
    exit(1)
}
// One line per listener, then the summary (on the plain port, or the TLS one when it is alone).
if let plainPort = server.plainPort {
    logger.info("listening on \(configuration.host):\(plainPort) (plain)")
}
if let tls = configuration.tls, let tlsPort = server.tlsPort {
    let fingerprint = server.tlsFingerprint ?? "?"
    logger.info("listening on \(tls.host ?? configuration.host):\(tlsPort) (TLS, certificate SHA-256 \(fingerprint))")
}
if let httpPort = server.httpPort {
    let metrics = server.metricsPort == httpPort ? "; /metrics too" : ""
    logger.info("listening on \(configuration.httpHost ?? configuration.host):\(httpPort) (HTTP: /, /ws, /healthz\(metrics))")
}
if let metricsPort = server.metricsPort, metricsPort != server.httpPort {
    logger.info("listening on \(configuration.metricsHost):\(metricsPort) (HTTP: /metrics, /healthz)")
}
let summaryHost = server.plainPort == nil ? configuration.tls?.host ?? configuration.host : configuration.host
logger.info(
    "Server listening on \(summaryHost):\(port)\(server.plainPort == nil ? " (TLS only)" : "") as "
        + "\(configuration.serverName); "
        + "\(configuration.eventLoops > 0 ? configuration.eventLoops : Posix.availableCPUCount) event loop(s)")

var runningOptions = options
runningOptions.configuration = configuration
let reloader = Reloader(
    arguments: arguments, options: runningOptions, file: configFile, server: server, logger: logger, notifier: notifier)
reloader.notify(ServiceNotifier.ready)

let banner = ConsoleSession.banner(host: configuration.host, port: port)
let reason = console.run(
    server: server, banner: banner, logger: logger, onHangUp: { _ = reloader.reload(trigger: "SIGHUP") },
    reload: { reloader.reload(trigger: "reload") })
reloader.notify(ServiceNotifier.stopping)
logger.info("\(reason); shutting down")
server.shutdown()
// Every message accepted before the shutdown is written before the process exits.
history?.shutdown()
logger.info("stopped")
// The log writer gets a moment to write what is queued; a stalled stderr must not keep the
// process alive, so after that the lines still queued are left unwritten.
LogWriter.standardError.flush(timeout: LogWriter.exitFlushSeconds)
exit(0)
