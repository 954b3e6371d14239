import LineChatClient
import Testing

/// A renderer for "bob", registered with the server `linechat`, talking in #lobby.
private func inLobby(style: Style = .plain) -> Renderer {
    var renderer = Renderer(style: style, me: "bob")
    _ = renderer.render(line: ":linechat 001 bob :Welcome to the chat room, bob!")
    renderer.currentRoom = "#lobby"
    return renderer
}

extension Renderer {
    /// What `lines` render to, one after another.
    mutating func render(lines: [String]) -> [String] {
        lines.flatMap { render(line: $0) }
    }
}

@Suite struct RendererHistoryTests {
    @Test func aReplayInTheCurrentRoomIsTimedAndFramed() {
        var renderer = inLobby()
        let shown = renderer.render(lines: [
            ":linechat NOTICE #lobby :--- 2 earlier messages (times UTC) ---",
            ":alice PRIVMSG #lobby :[09:14] hi all",
            ":bob PRIVMSG #lobby :[2026-11-29 23:59] my own, from yesterday",
            ":linechat NOTICE #lobby :--- end of earlier messages ---",
        ])
        #expect(
            shown == [
                "--- 2 earlier messages in #lobby (times UTC) ---",
                "[09:14] alice: hi all",
                "[2026-11-29 23:59] bob: my own, from yesterday",
                "--- end of earlier messages in #lobby ---",
            ])
    }

    @Test func aReplayOfAnotherRoomNamesItOnEveryMessage() {
        var renderer = inLobby()
        let shown = renderer.render(lines: [
            ":linechat NOTICE #Rust :--- 1 earlier message (times UTC) ---",
            ":alice!~alice@linechat PRIVMSG #rust :[09:14] hi all",
            ":linechat NOTICE #rust :--- end of earlier messages ---",
        ])
        #expect(
            shown == [
                "--- 1 earlier message in #Rust (times UTC) ---",
                "[09:14] [#rust] alice: hi all",
                "--- end of earlier messages in #rust ---",
            ])
    }

    @Test func actionsNoticesAndOtherCTCPInAReplay() {
        var renderer = inLobby()
        _ = renderer.render(line: ":linechat NOTICE #lobby :--- 4 earlier messages (times UTC) ---")
        #expect(
            renderer.render(line: ":bob PRIVMSG #lobby :\u{1}ACTION [2026-11-29 23:59] waves\u{1}") == [
                "[2026-11-29 23:59] * bob waves"
            ])
        #expect(
            renderer.render(line: ":alice NOTICE #lobby :[09:15] the build is green") == [
                "[09:15] -alice- the build is green"
            ])
        #expect(renderer.render(line: ":alice NOTICE #lobby :\u{1}ACTION [09:16] nods") == ["[09:16] -alice- * nods"])
        #expect(
            renderer.render(line: ":alice PRIVMSG #lobby :[09:17] \u{1}VERSION\u{1}") == [
                "[09:17] alice sent a CTCP VERSION"
            ])
    }

    @Test func aHistoryWithNothingStoredSaysSo() {
        var renderer = inLobby()
        #expect(
            renderer.render(line: ":linechat NOTICE #lobby :--- no earlier messages ---") == [
                "--- no earlier messages in #lobby ---"
            ])
        // Nothing is being replayed: a live line that looks timed stays live.
        #expect(renderer.render(line: ":alice PRIVMSG #lobby :[12:00] lunch?") == ["alice: [12:00] lunch?"])
    }

    @Test func outsideAReplayMessagesAndServerNoticesAreUnchanged() {
        var renderer = inLobby()
        #expect(renderer.render(line: ":alice PRIVMSG #lobby :[09:14] hi all") == ["alice: [09:14] hi all"])
        #expect(renderer.render(line: ":alice NOTICE #rust :hear ye") == ["[#rust] -alice- hear ye"])
        #expect(
            renderer.render(line: ":linechat NOTICE #lobby :maintenance at five") == [
                "Announcement from server: maintenance at five"
            ])
    }

    @Test func onlyTheServerOpensAReplay() {
        var renderer = inLobby()
        #expect(
            renderer.render(line: ":mallory NOTICE #lobby :--- 9 earlier messages (times UTC) ---") == [
                "-mallory- --- 9 earlier messages (times UTC) ---"
            ])
        #expect(renderer.render(line: ":mallory PRIVMSG #lobby :[09:14] old news") == ["mallory: [09:14] old news"])
    }

    @Test func aReplayCutShortEndsAtTheRoomsFirstLiveMessage() {
        var renderer = inLobby()
        _ = renderer.render(lines: [
            ":linechat NOTICE #lobby :--- 3 earlier messages (times UTC) ---",
            ":alice PRIVMSG #lobby :[09:14] hi all",
        ])
        // The end never came; a message without a time is live, and so is what follows it.
        #expect(renderer.render(line: ":carol PRIVMSG #lobby :anyone here?") == ["carol: anyone here?"])
        #expect(
            renderer.render(line: ":carol PRIVMSG #lobby :[10:00] is not a time stamp") == [
                "carol: [10:00] is not a time stamp"
            ])
    }

    @Test func aReplayCutShortEndsAtRegistrationAndAtJoiningAgain() {
        var renderer = inLobby()
        _ = renderer.render(lines: [
            ":linechat NOTICE #lobby :--- 3 earlier messages (times UTC) ---",
            ":linechat NOTICE #rust :--- 3 earlier messages (times UTC) ---",
        ])
        _ = renderer.render(line: ":bob JOIN #rust")
        #expect(renderer.render(line: ":alice PRIVMSG #rust :[09:14] hi") == ["[#rust] alice: [09:14] hi"])
        _ = renderer.render(line: ":linechat 001 bob :Welcome to the chat room, bob!")
        #expect(renderer.render(line: ":alice PRIVMSG #lobby :[09:14] hi") == ["alice: [09:14] hi"])
    }

    @Test func oneRoomsReplayLeavesTheOthersLive() {
        var renderer = inLobby()
        _ = renderer.render(line: ":linechat NOTICE #rust :--- 2 earlier messages (times UTC) ---")
        #expect(renderer.render(line: ":alice PRIVMSG #lobby :[09:14] live") == ["alice: [09:14] live"])
        #expect(renderer.render(line: ":alice PRIVMSG bob :[09:14] private") == ["alice -> you: [09:14] private"])
        #expect(renderer.render(line: ":alice PRIVMSG #RUST :[09:14] old") == ["[09:14] [#RUST] alice: old"])
    }

    @Test func replayedLinesAreDimWithThePlainNickAndNoEscapeFromTheServer() {
        var renderer = inLobby(style: .coloured)
        let dim = { (text: String) in "\u{1B}[2m\(text)\u{1B}[0m" }
        #expect(
            renderer.render(line: ":linechat NOTICE #lobby :--- 2 earlier messages (times UTC) ---") == [
                dim("--- 2 earlier messages in #lobby (times UTC) ---")
            ])
        #expect(
            renderer.render(line: ":alice PRIVMSG #lobby :[09:14] \u{1B}[2Jhi \u{2}all\u{2}") == [
                dim("[09:14] alice: \u{FFFD}[2Jhi all")
            ])
        #expect(
            renderer.render(line: ":linechat NOTICE #lobby :--- end of earlier messages ---") == [
                dim("--- end of earlier messages in #lobby ---")
            ])
        // Live again: the nick in its colour, no dimming.
        let alice = "\u{1B}[\(NickColour.code(for: "alice"))malice\u{1B}[0m"
        #expect(renderer.render(line: ":alice PRIVMSG #lobby :[09:20] new") == ["\(alice): [09:20] new"])
    }

    @Test func aRoomNameWithEscapesIsCleanedInTheFrame() {
        var renderer = inLobby()
        #expect(
            renderer.render(line: ":linechat NOTICE #a\u{1B}b :--- 1 earlier message (times UTC) ---") == [
                "--- 1 earlier message in #a\u{FFFD}b (times UTC) ---"
            ])
        #expect(renderer.render(line: ":alice PRIVMSG #a\u{1B}b :[09:14] x") == ["[09:14] [#a\u{FFFD}b] alice: x"])
    }
}

@Suite struct RendererHistoryErrorTests {
    @Test func aBadCountSaysWhichCommandAndWhy() {
        var renderer = inLobby()
        #expect(
            renderer.render(line: ":linechat 400 bob HISTORY :The count must be a number from 1 to 500") == [
                "The server refused HISTORY: The count must be a number from 1 to 500"
            ])
    }

    @Test func aServerWithoutHistorySaysSoRatherThanUnknownCommand() {
        var renderer = inLobby()
        #expect(
            renderer.render(line: ":linechat 421 bob HISTORY :This server keeps no history (--no-history)") == [
                "The server refused HISTORY: This server keeps no history (--no-history)"
            ])
        #expect(renderer.render(line: ":linechat 421 bob FROB :Unknown command") == ["Unknown command: FROB"])
    }

    @Test func notBeingInTheRoomKeepsTheServersReason() {
        var renderer = inLobby()
        #expect(
            renderer.render(line: ":linechat 442 bob #rust :You're not on that channel (only members read its history)")
                == ["You are not in #rust (only members read its history)"])
    }
}
