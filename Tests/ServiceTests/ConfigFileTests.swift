import Foundation
import Testing

@testable import linechat_server

/// `--config <file>`: the file's settings become arguments for the command line's parser.
@Suite("Config file")
struct ConfigFileTests {
    /// A temporary file holding `text`, removed by the caller.
    static func file(_ text: String, name: String = "linechat") throws -> String {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("\(name)-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).conf").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Everything the parser set, field by field, for comparing two option values.
    static func dump(_ options: ServerOptions) -> String { String(reflecting: options) }

    /// The options a config file's text gives, without the command line.
    static func options(fromFile text: String) throws -> ServerOptions {
        let file = try ConfigFile.parse(text, path: "test.conf")
        var options = ServerOptions()
        for entry in file.entries {
            options = try ServerOptions.parse(entry.arguments, into: options, finishing: false)
        }
        return options
    }

    @Test("the usage's flags are read from it: value flags, flags without a value, the console pair")
    func flagsFromTheUsage() {
        let flags = ServerOptions.flags
        #expect(flags.contains(.init(name: "max-clients", takesValue: true)))
        #expect(flags.contains(.init(name: "port", takesValue: true)))
        #expect(flags.contains(.init(name: "default-room", takesValue: true)))
        #expect(flags.contains(.init(name: "no-history", takesValue: false)))
        #expect(flags.contains(.init(name: "console", takesValue: false)))
        #expect(flags.contains(.init(name: "no-console", takesValue: false)))
        #expect(flags.contains(.init(name: "help", takesValue: false)))
        #expect(flags.contains(.init(name: "config", takesValue: true)))
        #expect(flags.contains(.init(name: "log-format", takesValue: true)))
        #expect(Set(flags.map(\.name)).count == flags.count, "each flag once")
        #expect(ServerOptions.Flag(name: "console", takesValue: false).negation(among: flags) == "no-console")
        #expect(ServerOptions.Flag(name: "no-console", takesValue: false).negation(among: flags) == "console")
        #expect(ServerOptions.Flag(name: "no-history", takesValue: false).negation(among: flags) == nil)
    }

    @Test("every flag of the usage text can be set from a file, with the same effect as on the command line")
    func everyFlagIsSettable() throws {
        let motd = try Self.file("hello from a file\n", name: "motd")
        defer { try? FileManager.default.removeItem(atPath: motd) }
        // For each flag, the first of these values it accepts that changes something.
        let candidates = [
            "3", "19", "5000", "2000000", "127.0.0.1", "#room", motd, "json", "debug", "example.org",
            "https://example.org", "none",
        ]
        let defaults = Self.dump(try ServerOptions.parse([], finishing: false))
        let settable = ServerOptions.flags.filter { !ConfigFile.refusedKeys.contains($0.name) }
        #expect(settable.count >= 33, "\(settable.map(\.name))")
        for flag in settable {
            let fromCommandLine: ServerOptions
            let fileText: String
            if flag.takesValue {
                let value = candidates.first { value in
                    guard let options = try? ServerOptions.parse(["--\(flag.name)", value], finishing: false) else {
                        return false
                    }
                    return Self.dump(options) != defaults
                }
                let chosen = try #require(value, "no sample value changes --\(flag.name)")
                fromCommandLine = try ServerOptions.parse(["--\(flag.name)", chosen], finishing: false)
                fileText = "# one setting\n\n\(flag.name) = \(chosen)\n"
            } else {
                fromCommandLine = try ServerOptions.parse(["--\(flag.name)"], finishing: false)
                fileText = "\(flag.name) = true\n"
            }
            #expect(Self.dump(fromCommandLine) != defaults, "--\(flag.name) changes something")
            let fromFile = try Self.options(fromFile: fileText)
            #expect(Self.dump(fromFile) == Self.dump(fromCommandLine), "\(flag.name) from a file")
        }
    }

    @Test("comments, blank lines, spaces, quotes, CRLF; false turns a flag off or leaves it at its default")
    func syntax() throws {
        let text =
            "# a comment\r\n\r\n   max-clients=7\r\n  server-name   =   \"files\"  \r\ndefault-room = #tea\n"
            + "console = false\nlist-addresses = false\nno-history = true\n"
        let options = try Self.options(fromFile: text)
        #expect(options.configuration.maxClients == 7)
        #expect(options.configuration.serverName == "files")
        #expect(options.configuration.defaultRoom?.name == "#tea")
        #expect(options.console == false)
        #expect(options.configuration.listAddresses == false)
        #expect(options.history.enabled == false)
    }

    @Test("the command line wins over the file, whatever the order; the file wins over the defaults")
    func precedence() throws {
        let path = try Self.file("max-clients = 7\nmax-per-ip = 3\nport = 4000\nconsole = true\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let (options, file) = try ServerOptions.load(
            commandLine: ["--max-clients", "9", "--config", path, "--port=5000", "--no-console"])
        #expect(file?.entries.count == 4)
        #expect(options.configuration.maxClients == 9)
        #expect(options.configuration.maxPerIP == 3)
        #expect(options.configuration.port == 5000)
        #expect(options.console == false)
        // Without --config, no file.
        let (plain, none) = try ServerOptions.load(commandLine: ["--max-clients", "9"])
        #expect(none == nil && plain.configuration.maxPerIP == 50)
    }

    @Test(
        "a mistake names the file, the line and the key",
        arguments: [
            (
                "port = 31337\nmax-clients = lots\n",
                ":2: max-clients: needs a whole number from 1 to 1000000, not 'lots'"
            ),
            ("\n\nmaximum-clients = 5\n", ":3: maximum-clients: unknown key"),
            ("no-history = maybe\n", ":1: no-history: takes true or false, not 'maybe'"),
            ("max-clients 5\n", ":1: expected `key = value`, not 'max-clients 5'"),
            ("config = other.conf\n", ":1: config: cannot be set in a config file"),
            ("log-format = xml\n", ":1: log-format: takes text or json, not 'xml'"),
            ("default-room = lobby\n", ":1: default-room: takes a room name like #lobby"),
            ("= 5\n", ":1: a setting needs a key before the ="),
        ])
    func errors(text: String, expected: String) throws {
        let path = try Self.file(text)
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            _ = try ServerOptions.load(commandLine: ["--config", path])
            Issue.record("\(text) was accepted")
        } catch {
            #expect(error.description.hasPrefix(path + expected), "\(error.description)")
        }
    }

    @Test("a missing file, and checks across flags, are errors that name the file")
    func missingFile() throws {
        do {
            _ = try ServerOptions.load(commandLine: ["--config", "/nonexistent/linechat.conf"])
            Issue.record("a missing file was accepted")
        } catch {
            #expect(error.description == "cannot read the config file /nonexistent/linechat.conf: no such file")
        }
        let path = try Self.file("tls-key = key.pem\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            _ = try ServerOptions.load(commandLine: ["--config", path])
            Issue.record("a key without a certificate was accepted")
        } catch {
            #expect(error.description.contains("--tls-key needs --tls-cert") && error.description.contains(path))
        }
    }

    @Test(
        "a reload reports the file's changed keys it does not handle as needing a restart, unless the command line sets them"
    )
    func otherChanges() throws {
        let old = try ConfigFile.parse("data-dir = /a\nmax-clients = 5\nhistory-days = 3\nconsole = true\n", path: "x")
        let new = try ConfigFile.parse("data-dir = /b\nmax-clients = 6\nno-history = true\nconsole = true\n", path: "x")
        let changes = Reloader.otherChanges(from: old, to: new, commandLine: ["--history-days=9"])
        #expect(changes == ["data-dir: /a -> /b (needs a restart)", "no-history: (unset) -> true (needs a restart)"])
    }
}

/// deploy/linechat.conf, the example config file.
@Suite("Example config file")
struct ExampleConfigTests {
    static let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("deploy/linechat.conf").path

    /// The `# key = value` lines, uncommented.
    static func settings() throws -> [(key: String, line: String)] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        return text.split(separator: "\n").compactMap { line in
            guard line.hasPrefix("# "), let equals = line.range(of: " = ") else { return nil }
            let key = line.dropFirst(2)[..<equals.lowerBound]
            guard !key.isEmpty, key.allSatisfy({ $0.isLowercase || $0 == "-" }) else { return nil }
            return (String(key), String(line.dropFirst(2)))
        }
    }

    @Test("it shows every flag a file can set, and each of its lines, uncommented, is read without error")
    func everyFlagIsShown() throws {
        let settings = try Self.settings()
        let keys = Set(settings.map(\.key))
        for flag in ServerOptions.flags where !ConfigFile.refusedKeys.contains(flag.name) {
            #expect(keys.contains(flag.name), "deploy/linechat.conf shows \(flag.name)")
        }
        let known = Set(ServerOptions.flags.map(\.name))
        // The MOTD file is read as the flag is parsed: /etc/linechat/motd.txt is not here.
        for setting in settings where known.contains(setting.key) && setting.key != "motd-file" {
            let file = try ConfigFile.parse(setting.line + "\n", path: "linechat.conf")
            var options = ServerOptions()
            for entry in file.entries {
                options = try ServerOptions.parse(entry.arguments, into: options, finishing: false)
            }
        }
    }
}
