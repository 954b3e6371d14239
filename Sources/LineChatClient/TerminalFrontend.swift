import Platform
import TerminalUI

/// A person at a terminal: the shared `PromptTerminal` (raw mode, a line editor on the bottom
/// line, incoming lines printed above it with the half-typed input redrawn), with its keys
/// mapped to what the chat session understands.
final class TerminalFrontend: Frontend {
    private let terminal: PromptTerminal

    init() throws(SystemError) {
        terminal = try PromptTerminal(input: 0, output: 1)
    }

    var inputFD: Int32? { terminal.inputFD }

    var inputTimeoutMilliseconds: Int32? { terminal.inputTimeoutMilliseconds }

    func readInput() -> [UserEvent] {
        handle(terminal.readInput())
    }

    func inputPaused() -> [UserEvent] {
        handle(terminal.inputPaused())
    }

    private func handle(_ events: [PromptTerminal.Event]) -> [UserEvent] {
        var mapped: [UserEvent] = []
        for event in events {
            switch event {
            case .line(let line): mapped.append(.line(line))
            case .endOfInput, .interrupt, .hangUp: mapped.append(.quit)
            case .clearScreen: terminal.clearScreen()
            case .suspend: terminal.suspend()
            }
        }
        return mapped
    }

    func show(_ lines: [String]) { terminal.show(lines) }

    func clearScreen() { terminal.clearScreen() }

    func refresh(prompt: String, accepting: Bool) { terminal.refresh(prompt: prompt, accepting: accepting) }

    func handle(signal: Int32) { terminal.handle(signal: signal) }

    func finish() { terminal.finish() }
}
