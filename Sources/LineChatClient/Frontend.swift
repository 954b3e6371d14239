import LineProtocol
import Platform
import TerminalUI

/// What the user did, as far as the session is concerned.
enum UserEvent: Equatable {
    /// A line typed (Enter) or read from the script.
    case line(String)
    /// The script ended.
    case endOfInput
    /// Ctrl-C, or Ctrl-D on an empty line: leave now.
    case quit
}

/// The user's side of the program: a terminal with a line editor, or a script on stdin.
/// Owned by the client's one thread.
protocol Frontend: AnyObject {
    /// The descriptor to poll for input, or nil once input has ended.
    var inputFD: Int32? { get }
    /// How long to wait for more input before calling `inputPaused`, or nil for no limit.
    var inputTimeoutMilliseconds: Int32? { get }
    /// Reads the input that is ready.
    func readInput() -> [UserEvent]
    /// Nothing more arrived within `inputTimeoutMilliseconds`.
    func inputPaused() -> [UserEvent]
    /// Shows lines to the user.
    func show(_ lines: [String])
    func clearScreen()
    /// Brings the prompt up to date and writes out everything pending.
    func refresh(prompt: String, accepting: Bool)
    /// Handles SIGWINCH and SIGCONT.
    func handle(signal: Int32)
    /// Leaves the screen tidy and the terminal as it was.
    func finish()
}

/// A script on stdin (or anything that is not a terminal): each line is submitted as typed;
/// shown lines go to stdout one per line.
final class ScriptFrontend: Frontend {
    private(set) var inputFD: Int32? = 0
    private var framer = LineFramer(maxLineBytes: ServerConnection.maxLineBytes)
    private var buffer = [UInt8](repeating: 0, count: 16 * 1024)
    private var output = BufferedOutput(fd: 1)

    var inputTimeoutMilliseconds: Int32? { nil }

    func readInput() -> [UserEvent] {
        guard let fd = inputFD else { return [] }
        let count: Int
        switch ByteIO.read(fd, into: &buffer) {
        case .success(.wouldBlock): return []
        case .success(.done(let read)): count = read
        case .failure: count = 0
        }
        var events: [UserEvent] = []
        if count == 0 {
            inputFD = nil
            // A last line without a newline still counts.
            if framer.bufferedByteCount > 0 { feed([10], into: &events) }
            events.append(.endOfInput)
            return events
        }
        feed(buffer[..<count], into: &events)
        return events
    }

    private func feed(_ bytes: some Collection<UInt8>, into events: inout [UserEvent]) {
        var chunk = Array(bytes)
        chunk.withUnsafeMutableBytes { raw in
            framer.feed(raw) { event in
                switch event {
                case .line(let line): events.append(.line(String(decoding: line, as: UTF8.self)))
                case .overlong: break  // a 64 KiB line is not chat; the server would refuse it too
                }
            }
        }
    }

    func inputPaused() -> [UserEvent] { [] }

    func show(_ lines: [String]) {
        for line in lines { output.append(line + "\n") }
    }

    func clearScreen() {}

    func refresh(prompt: String, accepting: Bool) { output.flush() }

    func handle(signal: Int32) {}

    func finish() { output.flush() }
}
