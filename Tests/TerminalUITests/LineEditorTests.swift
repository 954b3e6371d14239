import TerminalUI
import Testing

/// Types `text` into `editor` one character at a time.
private func type(_ text: String, into editor: inout LineEditor) {
    for character in text { _ = editor.handle(.character(character)) }
}

private func editor(_ text: String) -> LineEditor {
    var editor = LineEditor()
    type(text, into: &editor)
    return editor
}

@Suite struct LineEditorTests {
    @Test func typingInsertsAtTheCursor() {
        var editor = editor("helo")
        _ = editor.handle(.left)
        _ = editor.handle(.character("l"))
        #expect(editor.text == "hello")
        #expect(editor.cursor == 4)
    }

    @Test func enterSubmitsAndEmpties() {
        var editor = editor("hi there")
        #expect(editor.handle(.enter) == .submitted("hi there"))
        #expect(editor.text == "")
        #expect(editor.cursor == 0)
    }

    @Test func leftAndRightStopAtTheEnds() {
        var editor = editor("ab")
        #expect(editor.handle(.right) == .unchanged)
        _ = editor.handle(.left)
        _ = editor.handle(.left)
        #expect(editor.handle(.left) == .unchanged)
        #expect(editor.cursor == 0)
    }

    @Test func backspaceDeletesBeforeTheCursor() {
        var editor = editor("abc")
        _ = editor.handle(.left)
        #expect(editor.handle(.backspace) == .edited)
        #expect(editor.text == "ac")
        #expect(editor.cursor == 1)
        _ = editor.handle(.home)
        #expect(editor.handle(.backspace) == .unchanged)
    }

    @Test func deleteRemovesUnderTheCursor() {
        var editor = editor("abc")
        _ = editor.handle(.home)
        _ = editor.handle(.delete)
        #expect(editor.text == "bc")
        #expect(editor.cursor == 0)
        _ = editor.handle(.end)
        #expect(editor.handle(.delete) == .unchanged)
    }

    @Test func ctrlAAndCtrlEGoToTheEnds() {
        var editor = editor("hello")
        _ = editor.handle(.control(1))
        #expect(editor.cursor == 0)
        _ = editor.handle(.control(5))
        #expect(editor.cursor == 5)
        _ = editor.handle(.control(2))
        #expect(editor.cursor == 4)
        _ = editor.handle(.control(6))
        #expect(editor.cursor == 5)
    }

    @Test func ctrlUDeletesToTheStart() {
        var editor = editor("hello world")
        for _ in 0..<5 { _ = editor.handle(.left) }
        _ = editor.handle(.control(21))
        #expect(editor.text == "world")
        #expect(editor.cursor == 0)
    }

    @Test func ctrlKDeletesToTheEnd() {
        var editor = editor("hello world")
        for _ in 0..<6 { _ = editor.handle(.left) }
        _ = editor.handle(.control(11))
        #expect(editor.text == "hello")
        #expect(editor.cursor == 5)
    }

    @Test func ctrlWDeletesTheWordBefore() {
        var editor = editor("say hello  ")
        _ = editor.handle(.control(23))
        #expect(editor.text == "say ")
        _ = editor.handle(.control(23))
        #expect(editor.text == "")
        #expect(editor.handle(.control(23)) == .unchanged)
    }

    @Test func ctrlWInTheMiddleKeepsWhatFollows() {
        var editor = editor("one two three")
        for _ in 0..<6 { _ = editor.handle(.left) }
        _ = editor.handle(.control(23))
        #expect(editor.text == "one  three")
        #expect(editor.cursor == 4)
    }

    @Test func ctrlYPutsBackWhatWasDeleted() {
        var editor = editor("hello world")
        _ = editor.handle(.control(23))
        _ = editor.handle(.home)
        _ = editor.handle(.control(25))
        #expect(editor.text == "worldhello ")
    }

    @Test func wordMovement() {
        var editor = editor("one two three")
        _ = editor.handle(.wordLeft)
        #expect(editor.cursor == 8)
        _ = editor.handle(.wordLeft)
        #expect(editor.cursor == 4)
        _ = editor.handle(.wordRight)
        #expect(editor.cursor == 7)
    }

    @Test func ctrlDDeletesOrEndsInput() {
        var editor = editor("ab")
        _ = editor.handle(.home)
        #expect(editor.handle(.control(4)) == .edited)
        #expect(editor.text == "b")
        _ = editor.handle(.delete)
        #expect(editor.handle(.control(4)) == .endOfInput)
    }

    @Test func ctrlCInterruptsCtrlLClearsCtrlZSuspends() {
        var editor = editor("typing")
        #expect(editor.handle(.control(3)) == .interrupt)
        #expect(editor.handle(.control(12)) == .clearScreen)
        #expect(editor.handle(.control(26)) == .suspend)
        #expect(editor.text == "typing")
    }

    @Test func multiByteCharactersAreOneStep() {
        var editor = editor("héllo 👋🏽 日本")
        #expect(editor.characters.count == 10)
        _ = editor.handle(.left)
        _ = editor.handle(.left)
        _ = editor.handle(.left)
        #expect(editor.cursor == 7)
        _ = editor.handle(.backspace)
        #expect(editor.text == "héllo  日本")
        _ = editor.handle(.home)
        _ = editor.handle(.right)
        _ = editor.handle(.delete)
        #expect(editor.text == "hllo  日本")
    }

    @Test func aCombiningMarkJoinsTheCharacterBeforeIt() {
        var editor = editor("e")
        _ = editor.handle(.character("\u{301}"))
        #expect(editor.characters == ["é"])
        #expect(editor.cursor == 1)
        _ = editor.handle(.backspace)
        #expect(editor.text == "")
    }

    @Test func historyGoesBackAndForthAndKeepsTheDraft() {
        var editor = LineEditor()
        type("first", into: &editor)
        _ = editor.handle(.enter)
        type("second", into: &editor)
        _ = editor.handle(.enter)
        type("draft", into: &editor)
        _ = editor.handle(.up)
        #expect(editor.text == "second")
        #expect(editor.cursor == 6)
        _ = editor.handle(.up)
        #expect(editor.text == "first")
        #expect(editor.handle(.up) == .unchanged)
        _ = editor.handle(.down)
        #expect(editor.text == "second")
        _ = editor.handle(.down)
        #expect(editor.text == "draft")
        #expect(editor.handle(.down) == .unchanged)
    }

    @Test func ctrlPAndCtrlNBrowseHistoryToo() {
        var editor = LineEditor()
        type("one", into: &editor)
        _ = editor.handle(.enter)
        _ = editor.handle(.control(16))
        #expect(editor.text == "one")
        _ = editor.handle(.control(14))
        #expect(editor.text == "")
    }

    @Test func aRecalledLineCanBeEditedAndSent() {
        var editor = LineEditor()
        type("hello", into: &editor)
        _ = editor.handle(.enter)
        _ = editor.handle(.up)
        type("!", into: &editor)
        #expect(editor.handle(.enter) == .submitted("hello!"))
        #expect(editor.history == ["hello", "hello!"])
    }

    @Test func historySkipsEmptyLinesAndRepeatsAndIsBounded() {
        var editor = LineEditor(historyLimit: 2)
        for line in ["a", "a", "", "b", "c"] {
            type(line, into: &editor)
            _ = editor.handle(.enter)
        }
        #expect(editor.history == ["b", "c"])
    }

    @Test func upWithNoHistoryDoesNothing() {
        var editor = editor("x")
        #expect(editor.handle(.up) == .unchanged)
        #expect(editor.text == "x")
    }

    @Test func tabAndUnknownKeysDoNothing() {
        var editor = editor("x")
        #expect(editor.handle(.tab) == .unchanged)
        #expect(editor.handle(.ignored) == .unchanged)
        #expect(editor.handle(.escape) == .unchanged)
        #expect(editor.handle(.control(7)) == .unchanged)
        #expect(editor.text == "x")
    }
}

@Suite struct KeyDecoderTests {
    private func keys(_ bytes: [UInt8]) -> [Key] {
        var decoder = KeyDecoder()
        return decoder.feed(bytes)
    }

    @Test func printableASCIIAndEnter() {
        #expect(keys(Array("hi\r".utf8)) == [.character("h"), .character("i"), .enter])
    }

    @Test func crLFIsOneEnter() {
        #expect(keys([0x61, 13, 10, 0x62, 10]) == [.character("a"), .enter, .character("b"), .enter])
    }

    @Test func backspaceBytes() {
        #expect(keys([0x7F, 0x08]) == [.backspace, .backspace])
    }

    @Test func controlKeys() {
        #expect(
            keys([1, 3, 4, 5, 11, 21, 23, 9]) == [
                .control(1), .control(3), .control(4), .control(5), .control(11), .control(21), .control(23), .tab,
            ])
    }

    @Test(
        "escape sequences",
        arguments: [
            ("\u{1B}[A", Key.up), ("\u{1B}[B", .down), ("\u{1B}[C", .right), ("\u{1B}[D", .left),
            ("\u{1B}[H", .home), ("\u{1B}[F", .end), ("\u{1B}OH", .home), ("\u{1B}OF", .end), ("\u{1B}OA", .up),
            ("\u{1B}[1~", .home), ("\u{1B}[4~", .end), ("\u{1B}[7~", .home), ("\u{1B}[8~", .end),
            ("\u{1B}[3~", .delete), ("\u{1B}[1;5C", .wordRight), ("\u{1B}[1;5D", .wordLeft),
            ("\u{1B}b", .wordLeft), ("\u{1B}f", .wordRight), ("\u{1B}\u{7F}", .deleteWordBackward),
            ("\u{1B}[5~", .ignored), ("\u{1B}[200~", .ignored), ("\u{1B}[15;2~", .ignored), ("\u{1B}x", .ignored),
        ])
    func escapeSequence(_ sequence: String, _ key: Key) {
        #expect(keys(Array(sequence.utf8)) == [key])
    }

    @Test func multiByteUTF8IsOneCharacter() {
        #expect(keys(Array("é日👋".utf8)) == [.character("é"), .character("日"), .character("👋")])
    }

    @Test func sequencesSplitAcrossReadsAreCompleted() {
        var decoder = KeyDecoder()
        let bytes = Array("a\u{1B}[1;5Cé日".utf8)
        var keys: [Key] = []
        for byte in bytes { keys += decoder.feed([byte]) }
        #expect(keys == [.character("a"), .wordRight, .character("é"), .character("日")])
        #expect(!decoder.hasPending)
    }

    @Test func aLoneEscapeWaitsThenFlushes() {
        var decoder = KeyDecoder()
        #expect(decoder.feed([0x1B]) == [])
        #expect(decoder.hasPending)
        #expect(decoder.flush() == [.escape])
        #expect(!decoder.hasPending)
        #expect(decoder.feed(Array("x".utf8)) == [.character("x")])
    }

    @Test func invalidUTF8IsIgnoredAndDecodingGoesOn() {
        #expect(keys([0xFF, 0x61, 0xC3, 0x28]) == [.ignored, .character("a"), .ignored, .character("(")])
    }

    @Test func c1ControlsAreIgnored() {
        #expect(keys([0xC2, 0x9B]) == [.ignored])
    }
}

@Suite struct PromptLineTests {
    @Test func shortLinesShowWhole() {
        let line = PromptLine.layout(prompt: "bob> ", characters: Array("hello"), cursor: 2, width: 80)
        #expect(line == PromptLine(text: "bob> hello", cursorColumn: 7))
    }

    @Test func cursorAtTheEnd() {
        let line = PromptLine.layout(prompt: "> ", characters: Array("hi"), cursor: 2, width: 80)
        #expect(line.cursorColumn == 4)
    }

    @Test func wideCharactersTakeTwoColumns() {
        let line = PromptLine.layout(prompt: "> ", characters: Array("日本x"), cursor: 2, width: 80)
        #expect(line.cursorColumn == 6)
    }

    @Test func longLinesScrollToKeepTheCursorVisibleAndNeverFillTheLastColumn() {
        let text = Array(String(repeating: "abcdefghij", count: 10))
        for cursor in [0, 1, 37, 50, 99, 100] {
            let line = PromptLine.layout(prompt: "> ", characters: text, cursor: cursor, width: 40)
            #expect(DisplayWidth.of(line.text) <= 39, "cursor \(cursor)")
            #expect(line.cursorColumn >= 2 && line.cursorColumn <= 39, "cursor \(cursor)")
            // The character under the cursor is the one at `cursor`.
            let shown = Array(line.text.dropFirst(2))
            if cursor < text.count {
                #expect(shown[line.cursorColumn - 2] == text[cursor], "cursor \(cursor)")
            }
        }
    }

    @Test func aLongPromptGivesWay() {
        let line = PromptLine.layout(
            prompt: String(repeating: "p", count: 30), characters: Array("x"), cursor: 1, width: 20)
        #expect(line.text == "x")
    }

    @Test func drawingGoesToColumnZeroClearsAndPlacesTheCursor() {
        #expect(PromptLine(text: "> hi", cursorColumn: 4).drawing == "\r> hi\u{1B}[K\r\u{1B}[4C")
        #expect(PromptLine(text: "", cursorColumn: 0).drawing == "\r\u{1B}[K\r")
    }
}

@Suite struct DisplayWidthTests {
    @Test(
        "widths",
        arguments: [
            ("a", 1), ("é", 1), ("日", 2), ("한", 2), ("👋", 2), ("👋🏽", 2), ("e\u{301}", 1), ("\u{301}", 0), ("！", 2),
        ])
    func width(_ text: String, _ width: Int) {
        #expect(DisplayWidth.of(text) == width)
    }
}
