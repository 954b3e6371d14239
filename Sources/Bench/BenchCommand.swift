import Platform

/// The `linechat-bench` command: parse, run, print, exit.
public enum BenchCommand {
    /// Runs the command line `arguments` (without the program name) and exits: 0 for a clean
    /// run, 1 for a run with loss or errors (or one that could not start), 64 for a usage error.
    public static func main(_ arguments: [String]) -> Never {
        Posix.exit(run(arguments))
    }

    /// Like `main`, returning the exit status.
    public static func run(_ arguments: [String]) -> Int32 {
        if arguments.first == "history" { return HistoryBenchmark.run(Array(arguments.dropFirst())) }
        let options: BenchOptions
        do {
            switch try BenchOptions.parse(arguments) {
            case .help:
                Posix.write(BenchOptions.helpText + "\n", to: 1)
                return 0
            case .run(let parsed): options = parsed
            }
        } catch {
            Posix.write("linechat-bench: \(error)\nUsage: linechat-bench <scenario> [options]; see --help\n", to: 2)
            return 64
        }
        Posix.ignoreSIGPIPE()
        do {
            let result = try BenchRunner.run(options, progress: ProgressLine.forStandardError(enabled: options.progress))
            Posix.write(options.json ? result.json() + "\n" : result.table(), to: 1)
            return result.isClean ? 0 : 1
        } catch {
            Posix.write("linechat-bench: \(error)\n", to: 2)
            return 1
        }
    }
}
