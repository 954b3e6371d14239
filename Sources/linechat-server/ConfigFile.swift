import Foundation

/// A configuration file: one `key = value` setting a line, where the key is a flag's name
/// without `--` and the value what the flag takes (`true` or `false` for a flag that takes
/// none). Blank lines and lines starting with `#` are skipped (only at the start of a line:
/// room names start with `#`). A value may be put in double quotes.
///
/// The file becomes a list of arguments for the same parser as the command line, so every flag,
/// present and future, can be set in it; a mistake is reported as `file:line: key: problem`.
struct ConfigFile: Equatable {
    /// One setting.
    struct Entry: Equatable {
        let line: Int
        let key: String
        let value: String
        /// What it means on the command line.
        let arguments: [String]
    }

    let path: String
    let entries: [Entry]

    /// Keys that make no sense in a file.
    static let refusedKeys: Set<String> = ["config", "check-config", "help", "h", "version"]

    /// Reads and checks the file at `path` (each entry's value is checked by the parser later).
    static func read(_ path: String) throws(ServerOptions.UsageError) -> ConfigFile {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            let reason =
                FileManager.default.fileExists(atPath: path)
                ? "it cannot be read as UTF-8 text (check its permissions and encoding)" : "no such file"
            throw ServerOptions.UsageError(description: "cannot read the config file \(path): \(reason)")
        }
        return try parse(text, path: path)
    }

    /// The entries of `text`, read from `path`.
    static func parse(_ text: String, path: String, flags: [ServerOptions.Flag] = ServerOptions.flags)
        throws(ServerOptions.UsageError) -> ConfigFile
    {
        var entries: [Entry] = []
        // "\r\n" is one Character in Swift: split on it as well as on "\n".
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
        for (index, rawLine) in lines.enumerated() {
            let number = index + 1
            func failure(_ text: String) -> ServerOptions.UsageError {
                ServerOptions.UsageError(description: "\(path):\(number): \(text)")
            }
            let line = rawLine.trimmingCharacters(in: .whitespaces.union(CharacterSet(charactersIn: "\r")))
            if line.isEmpty || line.hasPrefix("#") { continue }
            guard let equals = line.firstIndex(of: "=") else {
                throw failure("expected `key = value`, not '\(line)'")
            }
            let key = line[..<equals].trimmingCharacters(in: .whitespaces)
            var value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") {
                value = String(value.dropFirst().dropLast())
            }
            guard !key.isEmpty else { throw failure("a setting needs a key before the =") }
            let keyError = { (problem: String) in failure("\(key): \(problem)") }
            guard !refusedKeys.contains(key) else { throw keyError("cannot be set in a config file") }
            guard let flag = flags.first(where: { $0.name == key }) else {
                throw keyError("unknown key (keys are the flags of linechat-server --help, without --)")
            }
            let arguments: [String]
            if flag.takesValue {
                arguments = ["--\(key)=\(value)"]
            } else {
                switch value.lowercased() {
                case "true", "yes", "on": arguments = ["--\(key)"]
                case "false", "no", "off": arguments = flag.negation(among: flags).map { ["--\($0)"] } ?? []
                default: throw keyError("takes true or false, not '\(value)'")
                }
            }
            entries.append(Entry(line: number, key: key, value: value, arguments: arguments))
        }
        return ConfigFile(path: path, entries: entries)
    }
}

extension ServerOptions {
    /// A flag as the usage text lists it.
    struct Flag: Equatable {
        /// Without the leading `--`.
        let name: String
        /// Whether it takes a value (`--name <value>`).
        let takesValue: Bool

        /// The flag that turns this one off (`console` -> `no-console`, `no-x` -> `x`), if any.
        func negation(among flags: [Flag]) -> String? {
            let candidate = name.hasPrefix("no-") ? String(name.dropFirst(3)) : "no-" + name
            return flags.contains { $0.name == candidate && !$0.takesValue } ? candidate : nil
        }
    }

    /// Every `--flag` of the usage text, in order: the usage is the one list of flags, so a
    /// flag added there is settable in a config file with no other change.
    static let flags: [Flag] = flags(inUsage: usage)

    static func flags(inUsage usage: String) -> [Flag] {
        var flags: [Flag] = []
        for line in usage.split(separator: "\n") {
            let words = line.split(separator: " ")
            guard let first = words.first, first.hasPrefix("-") else { continue }
            for word in words {
                if word.hasPrefix("--") {
                    let name = word.dropFirst(2).trimmingCharacters(in: CharacterSet(charactersIn: ","))
                    flags.append(Flag(name: name, takesValue: false))
                } else if word.hasPrefix("<"), let last = flags.popLast() {
                    flags.append(Flag(name: last.name, takesValue: true))
                } else if word == "/" || (word.hasPrefix("-") && word.hasSuffix(",")) {
                    continue
                } else {
                    break
                }
            }
        }
        return flags
    }

    /// The options of a command line: the `--config` file's settings first (the file named on
    /// the command line), then the command line's flags, which win. A mistake in the file names
    /// the file, the line and the key.
    static func load(commandLine arguments: [String]) throws(UsageError) -> (ServerOptions, ConfigFile?) {
        let commandLine = try parse(arguments, finishing: false)
        guard let path = commandLine.configFile, !commandLine.showHelp, !commandLine.showVersion else {
            // Without a file, the command line alone, checked whole.
            return (try parse(arguments), nil)
        }
        let file = try ConfigFile.read(path)
        var options = ServerOptions()
        for entry in file.entries {
            do {
                options = try parse(entry.arguments, into: options, finishing: false)
            } catch {
                var problem = error.description
                // "--max-clients needs ..." reads "max-clients: needs ..." after the key.
                if problem.hasPrefix("--\(entry.key) ") { problem.removeFirst(entry.key.count + 3) }
                throw UsageError(description: "\(file.path):\(entry.line): \(entry.key): \(problem)")
            }
        }
        do {
            return (try parse(arguments, into: options), file)
        } catch {
            throw UsageError(description: "\(error.description) (with the settings of \(file.path))")
        }
    }
}
