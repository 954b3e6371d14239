/// What a console command asks the program to do. The session decides; the host (a terminal
/// or a pipe) carries it out.
public enum ConsoleAction: Equatable, Sendable {
    /// Print one line of output.
    case show(String)
    /// Clear the screen (a terminal only; plain output has no screen).
    case clearScreen
    /// Shut the server down gracefully, as SIGTERM does.
    case quit
}
