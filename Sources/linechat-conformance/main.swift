import Conformance
import Foundation
import TLS

// linechat-conformance: replays conformance transcripts against a running server.

let usage = """
    USAGE: linechat-conformance [--host <host>] [--port <port>] [--server-name <name>]
                                [--timeout <seconds>] [--nick-suffix <suffix> | --unique-nicks]
                                [--tls [--tls-ca <file> | --insecure]] <path>...

    Replays each transcript (a .txt file, or every .txt file in a directory) against the
    server at <host>:<port> and prints PASS or FAIL per transcript, then a summary.
    The exit status is 0 when every transcript passes, 1 otherwise, 64 on a usage error.

    ARGUMENTS:
      <path>                  A transcript file or a directory of them (conformance/).

    OPTIONS:
      --host <host>           The server's address. (default: 127.0.0.1)
      --port <port>           The server's port. (default: 33000; 6697 with --tls)
      --server-name <name>    The server's --server-name, which {server} stands for.
                              (default: linechat)
      --timeout <seconds>     How long each expected line may take. (default: 5)
      --nick-suffix <suffix>  Append <suffix> to every nickname the transcripts use, in what
                              they send and expect, so they can run on a server where the
                              nicknames are taken. 1 to 8 nickname characters.
      --unique-nicks          --nick-suffix with a suffix made for this run ("-" and five
                              letters or digits), printed first.
      --tls                   Connect over TLS, checking the server's certificate against
                              the system's certificate authorities and <host>.
      --tls-ca <file>         Trust the PEM certificates in <file> (a CA, or the server's
                              self-signed certificate) instead. Implies --tls.
      --insecure              TLS without any certificate check (a test server's generated
                              certificate). Implies --tls.
      -h, --help              Show this help.
    """

/// What the command line asked for.
struct Options {
    var host = "127.0.0.1"
    var port = 33000
    var serverName = "linechat"
    var timeout = 5.0
    var nickSuffix: String?
    var uniqueNicks = false
    var tls = false
    var tlsCA: String?
    var insecure = false
    var paths: [String] = []
    var help = false
}

/// A command-line mistake, reported with the usage text.
struct UsageError: Error {
    let message: String
}

func parseOptions(_ arguments: [String]) throws(UsageError) -> Options {
    var options = Options()
    var portGiven = false
    var index = 0
    func value(for flag: String) throws(UsageError) -> String {
        index += 1
        guard index < arguments.count else { throw UsageError(message: "missing value for '\(flag)'") }
        return arguments[index]
    }
    while index < arguments.count {
        let argument = arguments[index]
        switch argument {
        case "-h", "--help":
            options.help = true
        case "--host":
            options.host = try value(for: argument)
        case "--port":
            let text = try value(for: argument)
            guard let port = Int(text), (1...65535).contains(port) else {
                throw UsageError(message: "the value '\(text)' is invalid for '--port': expected 1 to 65535")
            }
            options.port = port
            portGiven = true
        case "--tls":
            options.tls = true
        case "--tls-ca":
            options.tlsCA = try value(for: argument)
            options.tls = true
        case "--insecure":
            options.insecure = true
            options.tls = true
        case "--server-name":
            options.serverName = try value(for: argument)
            guard !options.serverName.isEmpty else { throw UsageError(message: "'--server-name' cannot be empty") }
        case "--timeout":
            let text = try value(for: argument)
            guard let seconds = Double(text), seconds > 0, seconds <= 600 else {
                throw UsageError(message: "the value '\(text)' is invalid for '--timeout': expected 0 to 600 seconds")
            }
            options.timeout = seconds
        case "--nick-suffix":
            options.nickSuffix = try value(for: argument)
        case "--unique-nicks":
            options.uniqueNicks = true
        default:
            guard !argument.hasPrefix("-") || argument == "-" else {
                throw UsageError(message: "unknown option '\(argument)'")
            }
            options.paths.append(argument)
        }
        index += 1
    }
    if options.nickSuffix != nil && options.uniqueNicks {
        throw UsageError(message: "'--nick-suffix' and '--unique-nicks' cannot be used together")
    }
    if options.tlsCA != nil && options.insecure {
        throw UsageError(message: "'--tls-ca' and '--insecure' cannot be used together")
    }
    if options.tls && !portGiven { options.port = 6697 }
    if !options.help && options.paths.isEmpty {
        throw UsageError(message: "missing expected argument '<path>...'")
    }
    return options
}

func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

let options: Options
do {
    options = try parseOptions(Array(CommandLine.arguments.dropFirst()))
} catch {
    printError("Error: \(error.message)\n\n\(usage)")
    exit(64)
}
if options.help {
    print(usage)
    exit(0)
}

let files: [String]
do {
    files = try TranscriptFiles.find(options.paths)
} catch {
    printError("Error: \(error)")
    exit(64)
}
guard !files.isEmpty else {
    printError("Error: no transcripts (.txt files) found in \(options.paths.joined(separator: " "))")
    exit(1)
}

var suffixText = options.nickSuffix
if options.uniqueNicks {
    let seed = UInt64(getpid()) &* 1_000_003 &+ UInt64(Date().timeIntervalSince1970 * 1000)
    suffixText = NickSuffix.unique(seed: seed)
    print("Nickname suffix: \(suffixText!)")
}
let nickSuffix: NickSuffix?
do {
    nickSuffix = try suffixText.map { text throws(NickSuffix.Problem) in
        try NickSuffix(text, serverName: options.serverName)
    }
} catch {
    printError("Error: \(error)\n\n\(usage)")
    exit(64)
}

var tlsContext: TLSClientContext?
if options.tls {
    do {
        tlsContext = try TLSClientContext(caFile: options.tlsCA, verify: !options.insecure)
    } catch {
        printError("Error: \(error)")
        exit(1)
    }
}

let parser = TranscriptParser(serverName: options.serverName)
let replayer = Replayer(
    host: options.host, port: options.port, serverName: options.serverName, timeout: options.timeout, tls: tlsContext)
var passed = 0
var failed = 0
for file in files {
    let name = (file as NSString).lastPathComponent
    do {
        var transcript = try parser.parse(contentsOf: file)
        if let nickSuffix { transcript = try nickSuffix.apply(to: transcript) }
        try replayer.replay(transcript)
        passed += 1
        if nickSuffix != nil, let reason = transcript.keepNicksReason {
            print("PASS \(name) (nicknames as written: \(reason))")
        } else {
            print("PASS \(name)")
        }
    } catch {
        failed += 1
        print("FAIL \(name): \(error)")
    }
}
print("\(passed) passed, \(failed) failed")
exit(failed == 0 ? 0 : 1)
