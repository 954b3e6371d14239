import ChatCore
import ChatServer
import OperatorConsole
import Testing

private let banner = ConsoleSession.banner(host: "0.0.0.0", port: 33000)

private func shown(_ actions: [ConsoleAction]) -> [String] {
    actions.compactMap { if case .show(let line) = $0 { line } else { nil } }
}

@Suite("console commands")
struct ConsoleSessionTests {
    let server = FakeServer()

    func session() -> ConsoleSession { ConsoleSession(server: server, banner: banner) }

    @Test func theBannerNamesTheAddressAndHelp() {
        #expect(
            banner == "Server listening on 0.0.0.0:33000. Type 'help' to see a list of available server commands.")
        #expect(ConsoleSession.banner(host: "::", port: 6667).hasPrefix("Server listening on [::]:6667. "))
    }

    @Test func helpListsEveryCommandWithADescription() {
        var session = session()
        let lines = shown(session.submit("help"))
        #expect(lines.first == "Server commands:")
        for usage in [
            "help [command]", "list", "rooms", "announce [text]", "kick [#room] <nick> [reason]", "stats", "reload",
            "clear", "quit",
        ] {
            let line = lines.first { $0.hasPrefix("  \(usage) ") }
            #expect(line != nil, "\(usage) is listed")
            #expect((line?.count ?? 0) > usage.count + 10, "\(usage) has a description")
        }
        #expect(lines.count == 10)
        // The descriptions start in one column.
        let columns = Set(
            lines.dropFirst().map { line in
                line.distance(from: line.startIndex, to: line.range(of: "  ", options: .backwards)!.upperBound)
            })
        #expect(columns.count == 1)
    }

    @Test func helpForOneCommandShowsItsUsage() {
        var session = session()
        #expect(
            shown(session.submit("help KICK")) == [
                "kick [#room] <nick> [reason]: Disconnect a user, or with a room remove them from it; they see the reason."
            ])
        #expect(shown(session.submit("help nope")) == [ConsoleSession.notACommand])
    }

    @Test(arguments: ["LIST", "List", "  list  ", "lIsT"])
    func commandNamesAreCaseInsensitive(_ line: String) {
        var session = session()
        #expect(shown(session.submit(line)) == ["No connections."])
    }

    @Test(arguments: ["frobnicate", "lists", "/list", "announce-all hi", "k"])
    func anythingElseIsNotACommand(_ line: String) {
        var session = session()
        #expect(
            session.submit(line) == [
                .show("Not a valid server command. Type 'help' to see the list of server commands.")
            ])
    }

    @Test(arguments: ["", "   ", "\t"])
    func aBlankLineDoesNothing(_ line: String) {
        var session = session()
        #expect(session.submit(line) == [])
    }

    @Test func announceWithTextSendsItAsTyped() {
        var session = session()
        #expect(
            shown(session.submit("ANNOUNCE  Maintenance at  noon ")) == ["Announced to 2 users as a server notice."])
        #expect(server.announced == ["Maintenance at  noon"])
    }

    @Test func announceWithoutTextAsksForIt() {
        var session = session()
        #expect(session.submit("announce") == [.show("What would you like to announce?")])
        #expect(session.isAwaitingAnnouncement)
        // The next line is the text, even when it looks like a command.
        #expect(shown(session.submit("help")) == ["Announced to 2 users as a server notice."])
        #expect(server.announced == ["help"])
        #expect(!session.isAwaitingAnnouncement)
        #expect(shown(session.submit("help")).first == "Server commands:")
    }

    @Test func anEmptyAnswerAnnouncesNothing() {
        var session = session()
        _ = session.submit("announce")
        #expect(shown(session.submit("  ")) == ["Nothing announced."])
        #expect(server.announced == [])
    }

    @Test func announceSaysWhyTextWasRefused() {
        var session = session()
        server.refusal = "the reason the server gave"
        #expect(shown(session.submit("announce a\u{1B}[2Jb")) == ["Not sent. the reason the server gave."])
        #expect(server.announced == [])
        server.refusal = nil
        server.users = ["alice"]
        #expect(shown(session.submit("announce hi")) == ["Announced to 1 user as a server notice."])
    }

    @Test func kickTakesANickAndAReason() {
        var session = session()
        #expect(shown(session.submit("kick Bob  flooding  the room")) == ["Kicked Bob: flooding  the room"])
        #expect(server.kicked.map(\.nick) == ["Bob"])
        #expect(server.kicked.map(\.reason) == ["flooding  the room"])
    }

    @Test func kickWithoutAReasonSaysSo() {
        var session = session()
        #expect(shown(session.submit("kick alice")) == ["Kicked alice: no reason given"])
        #expect(server.kicked.map(\.reason) == ["no reason given"])
    }

    @Test func kickNamesAnUnknownNick() {
        var session = session()
        #expect(shown(session.submit("kick carol")) == ["No such nick: carol. Type 'list' to see who is connected."])
        #expect(shown(session.submit("kick")) == ["Usage: kick [#room] <nick> [reason]"])
        #expect(server.kicked.isEmpty)
    }

    @Test func roomsShowsEachRoomsMembersTopicAndModes() {
        server.roomList = [
            RoomInfo(name: "#lobby", members: ["@alice", "bob"], topic: "Welcome", modes: "+nt"),
            RoomInfo(name: "#Rust", members: ["@bob", "+carol", "dave"], topic: nil, modes: "+ntkl s3cret 10"),
        ]
        var session = session()
        #expect(
            shown(session.submit("ROOMS")) == [
                "ROOM    USERS  MODES            MEMBERS           TOPIC",
                "#lobby      2  +nt              @alice bob        Welcome",
                "#Rust       3  +ntkl s3cret 10  @bob +carol dave  -",
                "2 rooms, 5 members in all.",
            ])
        server.roomList = []
        #expect(shown(session.submit("rooms")) == ["No rooms."])
    }

    @Test func roomsShowsTopicsSafely() {
        server.roomList = [RoomInfo(name: "#a", members: ["@x"], topic: "\u{2}bold\u{2} \u{1B}[2J", modes: "+nt")]
        var session = session()
        let row = shown(session.submit("rooms")).dropFirst().first ?? ""
        #expect(row.hasPrefix("#a ") && row.hasSuffix("  @x       \u{FFFD}bold\u{FFFD} \u{FFFD}[2J"), "\(row)")
    }

    @Test func listShowsEachUsersRooms() {
        server.infos = [
            FakeServer.info(1, "alice", "127.0.0.1:50412", connected: 60, idle: 1, rooms: ["#lobby", "#Rust"]),
            FakeServer.info(2, nil, "127.0.0.1:50413", connected: 1, idle: 1),
        ]
        var session = session()
        let lines = shown(session.submit("list"))
        #expect(lines.first?.hasSuffix("  BYTES OUT  ROOMS") == true)
        #expect(lines.dropFirst().first?.hasSuffix("  #lobby #Rust") == true)
        #expect(lines.dropFirst(2).first?.hasSuffix(" B  -") == true)
    }

    @Test func kickWithARoomRemovesTheUserFromThatRoom() {
        server.roomList = [RoomInfo(name: "#rust", members: ["@alice", "+bob"], topic: nil, modes: "+nt")]
        var session = session()
        #expect(shown(session.submit("kick #Rust  BOB  spamming  links")) == ["Kicked BOB from #Rust: spamming  links"])
        #expect(server.roomKicks.map(\.room) == ["#Rust"])
        #expect(server.roomKicks.map(\.nick) == ["BOB"])
        #expect(server.roomKicks.map(\.reason) == ["spamming  links"])
        #expect(server.kicked.isEmpty, "nobody is disconnected")
        #expect(server.roomList.first?.members == ["@alice"])
    }

    @Test func kickWithARoomSaysWhatIsWrong() {
        server.roomList = [RoomInfo(name: "#rust", members: ["@alice"], topic: nil, modes: "+nt")]
        var session = session()
        #expect(shown(session.submit("kick #rust alice")) == ["Kicked alice from #rust: no reason given"])
        #expect(shown(session.submit("kick #rust bob")) == ["bob is not in #rust. Type 'rooms' to see who is where."])
        #expect(shown(session.submit("kick #go bob")) == ["No such room: #go. Type 'rooms' to see the rooms."])
        #expect(
            shown(session.submit("kick #rust carol")) == ["No such nick: carol. Type 'list' to see who is connected."])
        #expect(shown(session.submit("kick #rust")) == ["Usage: kick [#room] <nick> [reason]"])
        #expect(server.roomKicks.count == 1)
    }

    @Test func statsShowsEveryFigure() {
        var session = session()
        #expect(
            shown(session.submit("stats")) == [
                "Uptime               1h 2m",
                "Connections          3 now, 7 at peak, 0 refused",
                "Registered users     2",
                "Lines received       120",
                "Messages relayed     80",
                "Deliveries           240",
                "Bytes in             12.3 KiB",
                "Bytes out            1.2 MiB",
                "SendQ disconnects    1",
                "Flood disconnects    0",
                "Output budget drops  0",
                "Input discarded      0 B",
                "Log lines dropped    0",
                "Resident memory      12.5 MiB",
                "History              off (--no-history)",
            ])
    }

    @Test func statsShowsTheHistoryStore() {
        var status = HistoryStatus()
        status.stored = 1200
        status.queued = 3
        status.commits = 40
        status.lastCommitMicroseconds = 350
        status.maxCommitMicroseconds = 2100
        #expect(
            ConsoleFormat.history(status)
                == "1200 stored, 3 queued, 0 dropped; 40 commits, last 350 µs, longest 2100 µs")
        status.degraded = "database or disk is full\u{1B}[2J"
        #expect(ConsoleFormat.history(status).hasPrefix("DEGRADED (database or disk is full"))
        #expect(!ConsoleFormat.history(status).contains("\u{1B}"))
    }

    @Test func statsShowsDisconnectsByReasonAfterTheOutputBudgetDrops() {
        var snapshot = FakeServer.snapshot()
        snapshot.disconnects = [(.quit, 3), (.closed, 0), (.sendq, 1), (.kicked, 2)]
        let lines = ConsoleFormat.statistics(snapshot)
        let index = try! #require(lines.firstIndex { $0.hasPrefix("Output budget drops") })
        #expect(lines[index + 1] == "Disconnects          quit 3, sendq 1, kicked 2")
        snapshot.disconnects = [(.quit, 0)]
        #expect(ConsoleFormat.statistics(snapshot).contains("Disconnects          none"))
    }

    @Test func statsShowsTheLogLinesDropped() {
        var session = ConsoleSession(server: server, banner: banner, logLinesDropped: { 42 })
        #expect(shown(session.submit("stats")).contains("Log lines dropped    42"))
    }

    @Test func clearClearsTheScreenAndShowsTheBanner() {
        var session = session()
        #expect(session.submit("CLEAR") == [.clearScreen, .show(banner)])
    }

    @Test func quitShutsDown() {
        var session = session()
        #expect(session.submit("Quit") == [.show("Shutting down."), .quit])
    }

    @Test func aStoppedServerIsReported() {
        server.running = false
        var session = session()
        #expect(shown(session.submit("stats")) == ["The server is not running."])
        #expect(shown(session.submit("announce hi")) == ["The server is not running."])
        #expect(shown(session.submit("kick bob")) == ["The server is not running."])
        #expect(shown(session.submit("kick #lobby bob")) == ["The server is not running."])
        #expect(shown(session.submit("rooms")) == ["No rooms."])
    }
}
