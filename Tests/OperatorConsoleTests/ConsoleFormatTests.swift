import ChatServer
import Testing

@testable import OperatorConsole

@Suite("console formatting")
struct ConsoleFormatTests {
    @Test(
        "durations",
        arguments: [
            (0.0, "0s"), (0.9, "0s"), (45, "45s"), (60, "1m 0s"), (192, "3m 12s"), (3599, "59m 59s"), (3600, "1h 0m"),
            (7500, "2h 5m"), (86399, "23h 59m"), (86400, "1d 0h"), (3 * 86400 + 4 * 3600 + 59, "3d 4h"),
            (-5, "0s"), (.infinity, "0s"),
        ] as [(Double, String)])
    func duration(_ seconds: Double, _ text: String) {
        #expect(ConsoleFormat.duration(seconds) == text)
    }

    @Test(
        "sizes",
        arguments: [
            (0, "0 B"), (1, "1 B"), (1023, "1023 B"), (1024, "1.0 KiB"), (1229, "1.2 KiB"), (1536, "1.5 KiB"),
            (1_048_575, "1.0 MiB"), (1_048_576, "1.0 MiB"), (5_452_595, "5.2 MiB"), (1 << 30, "1.0 GiB"),
            (3 << 40, "3.0 TiB"), (-1, "0 B"),
        ])
    func bytes(_ count: Int, _ text: String) {
        #expect(ConsoleFormat.bytes(count) == text)
    }

    @Test func theConnectionTableIsAlignedWithNumbersOnTheRight() {
        let lines = ConsoleFormat.connections([
            FakeServer.info(
                1, "alice", "127.0.0.1:50412", connected: 192, idle: 5, linesIn: 12, bytesIn: 340, linesOut: 40,
                bytesOut: 2150, rooms: ["#lobby"]),
            FakeServer.info(2, nil, "[::1]:50418", connected: 2, idle: 2, linesOut: 1, bytesOut: 98),
        ])
        #expect(
            lines == [
                "NICK   ADDRESS          CONNECTED  IDLE  LINES IN  BYTES IN  LINES OUT  BYTES OUT  ROOMS",
                "alice  127.0.0.1:50412     3m 12s    5s        12     340 B         40    2.1 KiB  #lobby",
                "-      [::1]:50418             2s    2s         0       0 B          1       98 B  -",
                "2 connections, 1 registered.",
            ])
    }

    @Test func tlsAndWebSocketConnectionsAreMarkedAfterTheAddress() {
        let base = FakeServer.info(1, "web", "127.0.0.1:50412", connected: 2, idle: 2)
        func kind(_ kind: ConnectionKind) -> ConnectionInfo {
            ConnectionInfo(
                id: base.id, nickname: "web", address: base.address, connectedSeconds: 2, idleSeconds: 2, linesIn: 0,
                bytesIn: 0, linesOut: 0, bytesOut: 0, isSecure: kind == .tls, kind: kind)
        }
        let lines = ConsoleFormat.connections([kind(.webSocket), kind(.tls), kind(.plain)])
        #expect(lines[1].contains("127.0.0.1:50412 (WebSocket)"), "\(lines)")
        #expect(lines[2].contains("127.0.0.1:50412 (TLS)"), "\(lines)")
        #expect(lines[3].contains("127.0.0.1:50412 ") && !lines[3].contains("("), "\(lines)")
    }

    @Test func noConnectionsIsSaidInWords() {
        #expect(ConsoleFormat.connections([]) == ["No connections."])
    }

    @Test func aTableMeasuresWideCharactersAsTwoColumns() {
        let table = TextTable(columns: [.init(header: "A"), .init(header: "B", alignRight: true)])
        #expect(table.lines([["日本", "1"], ["x", "22"]]) == ["A      B", "日本   1", "x     22"])
    }
}
