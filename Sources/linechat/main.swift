import LineChatClient
import Platform

// linechat: flags -> options -> client. Usage errors exit 64.
do {
    switch try ClientOptions.parse(Array(CommandLine.arguments.dropFirst())) {
    case .help:
        Posix.write(ClientOptions.helpText, to: 1)
    case .run(let options):
        Posix.exit(ChatClient.run(options))
    }
} catch {
    Posix.write(ClientOptions.usageMessage(error), to: 2)
    Posix.exit(ClientOptions.usageExitStatus)
}
