/// The bottom line of the screen: the prompt and as much of the typed text as fits, scrolled
/// sideways so the cursor is always visible. It never wraps: the last column stays free, so
/// redrawing it is always "go to column 0, write, clear to the end of the line".
public struct PromptLine: Equatable, Sendable {
    /// The text to draw, from column 0.
    public var text: String
    /// The column the cursor goes to.
    public var cursorColumn: Int

    public init(text: String, cursorColumn: Int) {
        self.text = text
        self.cursorColumn = cursorColumn
    }

    /// Lays out `prompt` followed by `characters` with the cursor before `characters[cursor]`
    /// in a terminal `width` columns wide.
    public static func layout(prompt: String, characters: [Character], cursor: Int, width: Int) -> PromptLine {
        var prompt = TerminalText.sanitized(prompt)
        let usable = max(1, width - 1)
        // A prompt wider than half the line gives way to the text.
        if DisplayWidth.of(prompt) > usable / 2 { prompt = "" }
        let room = usable - DisplayWidth.of(prompt)
        let widths = characters.map(DisplayWidth.of)
        let total = widths.reduce(0, +)
        var start = 0
        if total > room {
            // Show the cursor with a few characters of context on its left.
            var used = 0
            start = cursor
            while start > 0 && used + widths[start - 1] < room * 2 / 3 {
                start -= 1
                used += widths[start]
            }
            // Near the end, fill the line from the right instead.
            var tail = 0
            var tailStart = characters.count
            while tailStart > 0 && tail + widths[tailStart - 1] <= room - 1 {
                tailStart -= 1
                tail += widths[tailStart]
            }
            start = min(start, max(tailStart, 0))
            if cursor < start { start = cursor }
        }
        var shown = ""
        var used = 0
        var cursorColumn = DisplayWidth.of(prompt)
        var index = start
        while index < characters.count && used + widths[index] <= room {
            if index == cursor { cursorColumn = DisplayWidth.of(prompt) + used }
            shown.append(characters[index])
            used += widths[index]
            index += 1
        }
        if cursor >= index { cursorColumn = DisplayWidth.of(prompt) + used }
        return PromptLine(text: prompt + TerminalText.sanitized(shown), cursorColumn: cursorColumn)
    }

    /// The escape sequences that draw this line over the current one: carriage return, the
    /// text, clear to end of line, carriage return, then right to the cursor column.
    public var drawing: String {
        "\r" + text + "\u{1B}[K\r" + (cursorColumn > 0 ? "\u{1B}[\(cursorColumn)C" : "")
    }
}
