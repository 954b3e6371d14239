import Foundation

/// Reads transcript text into a `Transcript`, in one pass, checking as it goes that each
/// client is connected before it is used and not used after its connection is gone. The
/// syntax is documented in conformance/README.md. `{server}` is replaced by `serverName` here,
/// so the same file can be replayed against a server started with `--server-name`.
public struct TranscriptParser: Sendable {
    /// What `{server}` stands for.
    public var serverName: String

    public init(serverName: String = "linechat") {
        self.serverName = serverName
    }

    /// Reads and parses the file at `path`.
    public func parse(contentsOf path: String) throws(TranscriptError) -> Transcript {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TranscriptError(file: path, line: nil, message: "cannot read the file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw TranscriptError(file: path, line: nil, message: "the file is not UTF-8 text")
        }
        return try parse(text, path: path)
    }

    /// Parses transcript text; `path` names it in errors.
    public func parse(_ text: String, path: String) throws(TranscriptError) -> Transcript {
        var steps: [Step] = []
        var clients: [String: ClientState] = [:]
        var keepNicksReason: String?
        // "\r\n" is one Character in Swift, so both line ends are named.
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
        for (index, rawLine) in lines.enumerated() {
            let number = index + 1
            var line = Substring(rawLine)
            if line.last == "\r" { line = line.dropLast() }
            let content = line.drop(while: { $0 == " " || $0 == "\t" })
            if content.isEmpty || content.first == "#" { continue }
            if line.hasPrefix("keep-nicks") {
                let reason = line.dropFirst("keep-nicks".count).drop(while: { $0 == " " })
                guard line.dropFirst("keep-nicks".count).first == " ", !reason.isEmpty else {
                    throw TranscriptError(
                        file: path, line: number, message: "`keep-nicks` needs a reason: keep-nicks <why>")
                }
                keepNicksReason = String(reason)
                continue
            }
            do throws(Problem) {
                try track(try parseStep(line, number), &clients, &steps)
            } catch {
                throw TranscriptError(file: path, line: number, message: error.text)
            }
        }
        return Transcript(path: path, steps: steps, keepNicksReason: keepNicksReason)
    }

    /// Whether a client may be used at a given point of the file.
    private enum ClientState {
        case open
        case gone(line: Int)
    }

    /// A parse problem on the current line; `parse` adds file and line.
    private struct Problem: Error {
        let text: String
        init(_ text: String) { self.text = text }
    }

    private func track(_ step: Step, _ clients: inout [String: ClientState], _ steps: inout [Step]) throws(Problem) {
        let name = step.client
        guard !name.isEmpty else {
            steps.append(step)
            return
        }
        switch (clients[name], step.action) {
        case (.open?, .connect):
            throw Problem("\(name) is already connected")
        case (.gone?, .connect), (nil, .connect):
            break
        case (nil, _):
            steps.append(Step(line: step.line, client: name, action: .connect))
        case (.gone(let line)?, _):
            throw Problem(
                "\(name)'s connection is gone (line \(line)); write `\(name): connect` to connect again")
        case (.open?, _):
            break
        }
        switch step.action {
        case .close, .reset, .closed: clients[name] = .gone(line: step.line)
        default: clients[name] = .open
        }
        steps.append(step)
    }

    private func parseStep(_ line: Substring, _ number: Int) throws(Problem) -> Step {
        if line.hasPrefix("sleep ") || line == "sleep" {
            let argument = line.dropFirst("sleep".count).drop(while: { $0 == " " })
            return Step(line: number, client: "", action: .sleep(milliseconds: try duration(argument, of: "sleep")))
        }
        let name = line.prefix(while: { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") })
        var rest = line.dropFirst(name.count)
        guard !name.isEmpty, let marker = rest.first, marker == ">" || marker == "<" || marker == ":" else {
            throw Problem(
                "expected `<client>> <line>`, `<client>>> <bytes>`, `<client>< <pattern>`, `<client>: <step>`"
                    + " or `sleep <duration>`, where <client> is letters, digits, '_' or '-'")
        }
        rest = rest.dropFirst()
        var raw = false
        if marker == ">" && rest.first == ">" {
            raw = true
            rest = rest.dropFirst()
        }
        if let first = rest.first {
            guard first == " " else {
                throw Problem("put one space after `\(name)\(marker)\(raw ? ">" : "")`")
            }
            rest = rest.dropFirst()
        }
        let client = String(name)
        switch marker {
        case ">" where raw:
            let bytes = try rawBytes(rest)
            guard !bytes.isEmpty else { throw Problem("`\(client)>>` needs bytes to send") }
            return Step(line: number, client: client, action: .send(bytes))
        case ">":
            return Step(line: number, client: client, action: .send(try substituted(rest) + [13, 10]))
        case "<":
            return Step(line: number, client: client, action: .expect(try pattern(rest)))
        default:
            return Step(line: number, client: client, action: try command(rest, client: client))
        }
    }

    private func command(_ text: Substring, client: String) throws(Problem) -> Step.Action {
        let word = text.prefix(while: { $0 != " " })
        let argument = text.dropFirst(word.count).drop(while: { $0 == " " })
        func noArgument(_ action: Step.Action) throws(Problem) -> Step.Action {
            guard argument.isEmpty else { throw Problem("`\(word)` takes no argument") }
            return action
        }
        switch word {
        case "connect": return try noArgument(.connect)
        case "close": return try noArgument(.close)
        case "reset": return try noArgument(.reset)
        case "closed": return try noArgument(.closed)
        case "sync": return try noArgument(.sync)
        case "nothing-more":
            return .nothingMore(milliseconds: argument.isEmpty ? nil : try duration(argument, of: "nothing-more"))
        case "sleep":
            return .sleep(milliseconds: try duration(argument, of: "sleep"))
        case "skip-until":
            guard !argument.isEmpty else { throw Problem("`skip-until` needs a pattern") }
            return .skipUntil(try pattern(argument))
        case "register":
            guard !argument.isEmpty, !argument.contains(" ") else {
                throw Problem("`register` needs one nickname")
            }
            return .register(String(decoding: try substituted(argument), as: UTF8.self))
        default:
            throw Problem(
                "unknown step `\(word)`; expected connect, register, skip-until, sync, nothing-more, closed,"
                    + " close, reset or sleep")
        }
    }

    /// `250ms` or `2s`.
    private func duration(_ text: Substring, of step: String) throws(Problem) -> Int {
        let digits = text.prefix(while: { $0.isASCII && $0.isNumber })
        let unit = text.dropFirst(digits.count)
        guard !digits.isEmpty, digits.count <= 7, let value = Int(digits), unit == "ms" || unit == "s" else {
            throw Problem("`\(step)` needs a duration such as 300ms or 2s, not `\(text)`")
        }
        return unit == "s" ? value * 1000 : value
    }

    /// Text to send: placeholders replaced, everything else literal.
    private func substituted(_ text: Substring) throws(Problem) -> [UInt8] {
        var bytes: [UInt8] = []
        var rest = text
        while let first = rest.first {
            if let replacement = try braceReplacement(&rest) {
                bytes += replacement.utf8
            } else {
                bytes += String(first).utf8
                rest = rest.dropFirst()
            }
        }
        return bytes
    }

    /// `{{` -> `{`, `{server}` -> the server name and `{N*text}` -> text N times, consuming them
    /// from `rest`. Nil when `rest` does not start with one of them.
    private func braceReplacement(_ rest: inout Substring) throws(Problem) -> String? {
        if rest.hasPrefix("{{") {
            rest = rest.dropFirst(2)
            return "{"
        }
        if rest.hasPrefix("{server}") {
            rest = rest.dropFirst("{server}".count)
            return serverName
        }
        let digits = rest.dropFirst().prefix(while: { $0.isASCII && $0.isNumber })
        guard rest.first == "{", !digits.isEmpty, rest.dropFirst(1 + digits.count).first == "*" else { return nil }
        let body = rest.dropFirst(digits.count + 2)
        guard let close = body.firstIndex(of: "}"), close > body.startIndex else {
            throw Problem("write a repetition as `{<count>*<text>}`, as in {600*x}")
        }
        guard digits.count <= 6, let count = Int(digits) else {
            throw Problem("a repetition count is at most 999999")
        }
        rest = body[body.index(after: close)...]
        return String(repeating: String(body[..<close]), count: count)
    }

    private func pattern(_ text: Substring) throws(Problem) -> Pattern {
        var parts: [Pattern.Part] = []
        var rest = text
        while let first = rest.first {
            if rest.hasPrefix("{*}") {
                parts.append(.wildcard)
                rest = rest.dropFirst(3)
            } else if let placeholder = Pattern.Placeholder.allCases.first(where: { rest.hasPrefix($0.written) }) {
                parts.append(.placeholder(placeholder))
                rest = rest.dropFirst(placeholder.written.count)
            } else if let replacement = try braceReplacement(&rest) {
                parts.append(.literal(replacement))
            } else {
                parts.append(.literal(String(first)))
                rest = rest.dropFirst()
            }
        }
        return Pattern(parts: parts)
    }

    /// The bytes of a `>>` step: text with placeholders and backslash escapes.
    private func rawBytes(_ text: Substring) throws(Problem) -> [UInt8] {
        var bytes: [UInt8] = []
        var rest = text
        while let first = rest.first {
            if first != "\\" {
                if let replacement = try braceReplacement(&rest) {
                    bytes += replacement.utf8
                } else {
                    bytes += String(first).utf8
                    rest = rest.dropFirst()
                }
                continue
            }
            rest = rest.dropFirst()
            guard let escape = rest.first else { throw Problem("a `\\` ends the line; write `\\\\` for a backslash") }
            rest = rest.dropFirst()
            switch escape {
            case "\\": bytes.append(0x5C)
            case "r": bytes.append(13)
            case "n": bytes.append(10)
            case "t": bytes.append(9)
            case "e": bytes.append(0x1B)
            case "0": bytes.append(0)
            case "x":
                let hex = rest.prefix(2)
                guard hex.count == 2, let value = UInt8(hex, radix: 16) else {
                    throw Problem("`\\x` needs two hex digits, as in \\x1b")
                }
                bytes.append(value)
                rest = rest.dropFirst(2)
            default:
                throw Problem("unknown escape `\\\(escape)`; use \\\\ \\r \\n \\t \\e \\0 or \\xHH")
            }
        }
        return bytes
    }
}
