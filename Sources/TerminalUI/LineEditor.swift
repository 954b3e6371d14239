/// The line being typed at the prompt, as a pure state machine: feed it keys, it edits its
/// text and says what the key means for the program (submit a line, quit, clear the screen).
/// The cursor moves by characters (grapheme clusters), so a multi-byte or combined character
/// is one step.
///
/// Keys: Left/Right (Ctrl-B/F), Home/End (Ctrl-A/E), Ctrl-Left/Right (Alt-B/F) by word,
/// Backspace, Delete, Ctrl-D (delete, or end of input on an empty line), Ctrl-U (delete to the
/// start), Ctrl-K (delete to the end), Ctrl-W and Alt-Backspace (delete the word before),
/// Ctrl-Y (put back what was deleted last), Up/Down (Ctrl-P/N) through history, Enter,
/// Ctrl-C, Ctrl-L, Ctrl-Z.
public struct LineEditor: Sendable {
    /// What a key means beyond editing.
    public enum Outcome: Equatable, Sendable {
        /// The text or cursor changed: redraw the prompt line.
        case edited
        /// Nothing to do (a key that does not apply here).
        case unchanged
        /// Enter: the line, now in history; the editor is empty again.
        case submitted(String)
        /// Ctrl-D on an empty line.
        case endOfInput
        /// Ctrl-C.
        case interrupt
        /// Ctrl-L.
        case clearScreen
        /// Ctrl-Z.
        case suspend
    }

    /// The characters typed so far.
    public private(set) var characters: [Character] = []
    /// The cursor, as an index into `characters` (0 is before the first).
    public private(set) var cursor = 0
    /// Submitted lines, oldest first, without repeats of the previous line.
    public private(set) var history: [String] = []
    /// How many lines `history` keeps.
    public let historyLimit: Int
    /// The history entry shown, or nil for the line being written.
    private var historyIndex: Int?
    /// The line being written, kept while browsing history.
    private var draft: [Character] = []
    /// What the last Ctrl-U, Ctrl-K or Ctrl-W removed, for Ctrl-Y.
    private var killed: [Character] = []

    public init(historyLimit: Int = 500) {
        self.historyLimit = historyLimit
    }

    /// The text typed so far.
    public var text: String { String(characters) }

    /// Replaces the text, putting the cursor at its end.
    public mutating func setText(_ text: String) {
        characters = Array(text)
        cursor = characters.count
    }

    /// Handles one key.
    public mutating func handle(_ key: Key) -> Outcome {
        switch key {
        case .character(let character): return insert(character)
        case .enter: return submit()
        case .backspace: return deleteBackward()
        case .delete: return deleteForward()
        case .left: return move(to: cursor - 1)
        case .right: return move(to: cursor + 1)
        case .home: return move(to: 0)
        case .end: return move(to: characters.count)
        case .wordLeft: return move(to: wordStart(before: cursor))
        case .wordRight: return move(to: wordEnd(after: cursor))
        case .deleteWordBackward: return kill(wordStart(before: cursor)..<cursor)
        case .up: return recall(older: true)
        case .down: return recall(older: false)
        case .tab, .escape, .ignored: return .unchanged
        case .control(let byte): return control(byte)
        }
    }

    private mutating func control(_ byte: UInt8) -> Outcome {
        switch byte {
        case 1: return move(to: 0)  // Ctrl-A
        case 2: return move(to: cursor - 1)  // Ctrl-B
        case 3: return .interrupt  // Ctrl-C
        case 4: return characters.isEmpty ? .endOfInput : deleteForward()  // Ctrl-D
        case 5: return move(to: characters.count)  // Ctrl-E
        case 6: return move(to: cursor + 1)  // Ctrl-F
        case 11: return kill(cursor..<characters.count)  // Ctrl-K
        case 12: return .clearScreen  // Ctrl-L
        case 14: return recall(older: false)  // Ctrl-N
        case 16: return recall(older: true)  // Ctrl-P
        case 21: return kill(0..<cursor)  // Ctrl-U
        case 23: return kill(wordStart(before: cursor)..<cursor)  // Ctrl-W
        case 25: return yank()  // Ctrl-Y
        case 26: return .suspend  // Ctrl-Z
        default: return .unchanged
        }
    }

    private mutating func insert(_ character: Character) -> Outcome {
        insert([character])
    }

    private mutating func insert(_ new: [Character]) -> Outcome {
        guard !new.isEmpty else { return .unchanged }
        // A combining mark typed after a letter joins it into one character: rebuild the
        // clusters around the cursor and put the cursor after what was inserted.
        let before = String(characters[..<cursor]) + String(new)
        let after = String(characters[cursor...])
        let head = Array(before)
        characters = Array(before + after)
        cursor = min(head.count, characters.count)
        return .edited
    }

    private mutating func submit() -> Outcome {
        let line = text
        if !line.isEmpty && history.last != line {
            history.append(line)
            if history.count > historyLimit { history.removeFirst(history.count - historyLimit) }
        }
        characters = []
        cursor = 0
        historyIndex = nil
        draft = []
        return .submitted(line)
    }

    private mutating func deleteBackward() -> Outcome {
        guard cursor > 0 else { return .unchanged }
        characters.remove(at: cursor - 1)
        cursor -= 1
        return .edited
    }

    private mutating func deleteForward() -> Outcome {
        guard cursor < characters.count else { return .unchanged }
        characters.remove(at: cursor)
        return .edited
    }

    private mutating func move(to position: Int) -> Outcome {
        let clamped = max(0, min(characters.count, position))
        guard clamped != cursor else { return .unchanged }
        cursor = clamped
        return .edited
    }

    private mutating func kill(_ range: Range<Int>) -> Outcome {
        guard !range.isEmpty else { return .unchanged }
        killed = Array(characters[range])
        characters.removeSubrange(range)
        cursor = range.lowerBound
        return .edited
    }

    private mutating func yank() -> Outcome {
        insert(killed)
    }

    /// Where the word before `position` starts: skip spaces back, then non-spaces.
    private func wordStart(before position: Int) -> Int {
        var index = position
        while index > 0 && characters[index - 1].isWhitespace { index -= 1 }
        while index > 0 && !characters[index - 1].isWhitespace { index -= 1 }
        return index
    }

    /// Where the word after `position` ends: skip spaces forward, then non-spaces.
    private func wordEnd(after position: Int) -> Int {
        var index = position
        while index < characters.count && characters[index].isWhitespace { index += 1 }
        while index < characters.count && !characters[index].isWhitespace { index += 1 }
        return index
    }

    private mutating func recall(older: Bool) -> Outcome {
        guard !history.isEmpty else { return .unchanged }
        let next: Int?
        if older {
            guard historyIndex != 0 else { return .unchanged }
            next = (historyIndex ?? history.count) - 1
        } else {
            guard let index = historyIndex else { return .unchanged }
            next = index + 1 < history.count ? index + 1 : nil
        }
        if historyIndex == nil { draft = characters }
        historyIndex = next
        characters = next.map { Array(history[$0]) } ?? draft
        cursor = characters.count
        return .edited
    }
}
