import ChatCore
import ChatServer
import Foundation
import Platform

// linechat-server: flags -> configuration -> server; then wait for SIGINT or SIGTERM.
let options: ServerOptions
do {
    options = try ServerOptions.parse(Array(CommandLine.arguments.dropFirst()))
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

// Block the shutdown signals before any thread starts, so only sigwait below receives them.
let shutdownSignals = [SIGINT, SIGTERM]
Posix.blockSignals(shutdownSignals)

let logger = Logger(level: options.logLevel)
let server = Server(configuration: options.configuration, logger: logger)
let port: Int
do {
    port = try server.start()
} catch {
    FileHandle.standardError.write(Data("linechat-server: cannot start: \(error)\n".utf8))
    exit(1)
}
let configuration = options.configuration
logger.info(
    "Server listening on \(configuration.host):\(port) as \(configuration.serverName); "
        + "\(configuration.eventLoops > 0 ? configuration.eventLoops : Posix.availableCPUCount) event loop(s)")

let signal = Posix.waitForSignal(shutdownSignals)
logger.info("received \(signal == SIGINT ? "SIGINT" : "SIGTERM"); shutting down")
server.shutdown()
logger.info("stopped")
exit(0)
