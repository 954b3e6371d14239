import LineProtocol
import Testing

@Suite("IRCv3 message tags and server time")
struct MessageTagsTests {
    func split(_ line: String) -> (tags: String, rest: String) {
        Array(line.utf8).withUnsafeBytes { bytes in
            let split = MessageTags.split(bytes)
            return (String(decoding: split.tags, as: UTF8.self), String(decoding: split.rest, as: UTF8.self))
        }
    }

    func clientOnly(_ tags: String) -> String? {
        Array(tags.utf8).withUnsafeBytes { MessageTags.clientOnly($0) }
    }

    @Test("a tag section is split off the line; a line without one is all rest")
    func splitting() {
        #expect(split("@a=b;+c :nick PRIVMSG #r :hi").tags == "a=b;+c")
        #expect(split("@a=b;+c :nick PRIVMSG #r :hi").rest == ":nick PRIVMSG #r :hi")
        #expect(split("@a   TAGMSG #r").rest == "TAGMSG #r")
        #expect(split("PRIVMSG #r :@not tags").tags == "")
        #expect(split("PRIVMSG #r :@not tags").rest == "PRIVMSG #r :@not tags")
        #expect(split("@").tags == "")
        #expect(split("@").rest == "")
    }

    @Test("only client-only tags are kept for relay, the last value of a repeated key winning")
    func clientOnlyTags() {
        #expect(clientOnly("+typing=active;time=2020-01-01T00:00:00.000Z;msgid=x") == "+typing=active")
        #expect(clientOnly("+a=1;+b;+a=2") == "+a=2;+b")
        #expect(clientOnly("+draft/reply=abc;+example.com/x=y\\sz") == "+draft/reply=abc;+example.com/x=y\\sz")
        #expect(clientOnly("+a=;+") == "+a")
        #expect(clientOnly("+bad key=1;+ok") == "+ok")
        #expect(clientOnly("server=1") == nil)
        #expect(clientOnly("") == nil)
    }

    @Test("tag values are escaped and unescaped as the specification says")
    func escaping() {
        #expect(MessageTags.escape("a;b c\\d\r\n") == "a\\:b\\sc\\\\d\\r\\n")
        #expect(MessageTags.unescape("a\\:b\\sc\\\\d\\r\\n") == "a;b c\\d\r\n")
        #expect(MessageTags.unescape("\\b\\") == "b")
        #expect(MessageTags.escape("plain") == "plain")
    }

    @Test("the parser skips a tag section like a prefix")
    func parserSkipsTags() {
        #expect(LineParser.parse("@+typing=active :me TAGMSG #room") == .success(.tagmsg(targets: ["#room"])))
        #expect(LineParser.parse("@label=1 PRIVMSG bob :hi") == .success(.privmsg(targets: ["bob"], text: "hi")))
        #expect(LineParser.parse("@label=1") == .failure(.emptyLine))
    }

    @Test("HISTORY and CHATHISTORY parse their parameters", arguments: [
        ("HISTORY #lobby", Command.history(room: "#lobby", count: nil)),
        ("history #lobby 50", Command.history(room: "#lobby", count: "50")),
        ("CHATHISTORY latest #r * 10", Command.chathistory(subcommand: "LATEST", parameters: ["#r", "*", "10"])),
        (
            "CHATHISTORY BETWEEN #r msgid=a timestamp=2026-01-01T00:00:00.000Z 5",
            Command.chathistory(
                subcommand: "BETWEEN", parameters: ["#r", "msgid=a", "timestamp=2026-01-01T00:00:00.000Z", "5"])
        ),
    ])
    func historyCommands(_ line: String, _ expected: Command) {
        #expect(LineParser.parse(line) == .success(expected))
        #expect(LineParser.parse(expected.line) == .success(expected))
    }

    @Test("server-time formats UTC milliseconds and parses them back")
    func serverTime() {
        #expect(ServerTime.format(milliseconds: 0) == "1970-01-01T00:00:00.000Z")
        #expect(ServerTime.format(milliseconds: 1_764_506_573_123) == "2025-11-30T12:42:53.123Z")
        #expect(ServerTime.format(milliseconds: 951_782_400_000) == "2000-02-29T00:00:00.000Z")
        #expect(ServerTime.clock(milliseconds: 1_764_506_573_123) == "12:42")
        #expect(ServerTime.date(milliseconds: 1_764_506_573_123) == "2025-11-30")
        for milliseconds: Int64 in [0, 1, 951_782_400_000, 1_764_506_573_123, 4_102_444_799_999] {
            #expect(ServerTime.parse(ServerTime.format(milliseconds: milliseconds)) == milliseconds)
        }
        #expect(ServerTime.parse("2025-11-30T12:42:53Z") == 1_764_506_573_000)
        #expect(ServerTime.parse("2025-11-30T12:42:53.1Z") == 1_764_506_573_100)
        #expect(ServerTime.parse("2025-11-30T12:42:53.123456Z") == 1_764_506_573_123)
        #expect(ServerTime.parse("2025-13-30T12:42:53.123Z") == nil)
        #expect(ServerTime.parse("2025-11-30 12:42:53.123Z") == nil)
        #expect(ServerTime.parse("yesterday") == nil)
    }
}
