import Foundation
import Platform
import TLS

// linechat-tls-memory: what an idle TLS connection costs the server in resident memory.

let usage = """
    USAGE: linechat-tls-memory [--connections <n>] [--keep-buffers] [--by-site]

    Serves TLS on a loopback port with a self-signed certificate, has a child process open
    <n> connections and complete their handshakes, holds them idle, and prints how much the
    server's resident memory (VmRSS) grew per connection. 100 connections handshaken first
    are left out, so one-time costs (OpenSSL's tables, the first heap pages) do not count.

    OPTIONS:
      --connections <n>  Idle connections to measure, 1 to 100000. (default: 2000)
      --keep-buffers     Turn SSL_MODE_RELEASE_BUFFERS off, to see what releasing saves.
      --by-site          Also list OpenSSL's live memory per connection by the source line
                         that allocated it (every OpenSSL allocation is then tracked).
      -h, --help         Show this help.
    """

/// Connections made before the first reading.
let warmUp = 100

func fail(_ message: String, status: Int32 = 1) -> Never {
    Posix.write("linechat-tls-memory: \(message)\n", to: 2)
    Posix.exit(status)
}

func parseCount(_ text: String) -> Int {
    guard let count = Int(text), (1...100_000).contains(count) else {
        fail("the value '\(text)' is invalid for '--connections': expected 1 to 100000\n\n\(usage)", status: 64)
    }
    return count
}

var arguments = Array(CommandLine.arguments.dropFirst())
Posix.ignoreSIGPIPE()
Posix.raiseOpenFileLimit()

// The child: `--clients <port> <n>` connects n blocking clients one after another and keeps them.
if arguments.first == "--clients", arguments.count == 3, let port = Int(arguments[1]) {
    do {
        try HandshakeClients.run(port: port, count: parseCount(arguments[2]))
    } catch {
        fail("client: \(error)")
    }
    Posix.exit(0)
}

var connections = 2000
var releasesIdleBuffers = true
var bySite = false
while let argument = arguments.first {
    arguments.removeFirst()
    switch argument {
    case "-h", "--help":
        print(usage)
        Posix.exit(0)
    case "--connections":
        guard let text = arguments.first else { fail("missing value for '--connections'\n\n\(usage)", status: 64) }
        arguments.removeFirst()
        connections = parseCount(text)
    case "--keep-buffers":
        releasesIdleBuffers = false
    case "--by-site":
        bySite = true
    default:
        fail("unknown option '\(argument)'\n\n\(usage)", status: 64)
    }
}

// Before OpenSSL's first allocation (the certificate below).
if bySite, !TLSAllocationSites.startTracking() { fail("cannot track OpenSSL's allocations (it has allocated already)") }

do {
    let context = try TLSServerContext(
        TLSSelfSignedCertificate(commonName: "localhost"), releasesIdleBuffers: releasesIdleBuffers)
    let server = try HandshakeServer(context: context)
    let child = Process()
    child.executableURL = URL(fileURLWithPath: "/proc/self/exe")
    child.arguments = ["--clients", String(server.port), String(warmUp + connections)]
    try child.run()
    defer {
        child.terminate()
        child.waitUntilExit()
    }

    try server.handshake(warmUp)
    Posix.releaseFreeMemory()
    let before = ProcessStats.residentBytes(pid: Posix.processID) ?? 0
    let heapBefore = Posix.heapInUseBytes()
    if bySite { TLSAllocationSites.countFromNow() }
    try server.handshake(connections)
    let grown = ProcessStats.residentBytes(pid: Posix.processID) ?? 0
    let heapGrown = Posix.heapInUseBytes()
    Posix.releaseFreeMemory()
    let trimmed = ProcessStats.residentBytes(pid: Posix.processID) ?? 0

    let kib = { (bytes: Int) in String(format: "%.1f KiB", Double(bytes) / 1024 / Double(connections)) }
    print("SSL_MODE_RELEASE_BUFFERS \(releasesIdleBuffers ? "on" : "off"), \(server.summary)")
    print(
        "\(connections) idle connections: VmRSS \(before / 1024) KiB -> \(grown / 1024) KiB "
            + "(\(trimmed / 1024) KiB after malloc_trim)")
    print("per idle TLS connection: \(kib(grown - before)) (\(kib(trimmed - before)) after malloc_trim)")
    print("heap in use per idle TLS connection: \(kib(heapGrown - heapBefore)) (the rest of RSS: free space between)")
    if bySite {
        print("(the tracking table's own pages count in VmRSS above: read the heap line)")
        print("OpenSSL's live memory per idle TLS connection, by source line (requested sizes, no malloc overhead):")
        print(TLSAllocationSites.report(perConnection: connections), terminator: "")
    }
} catch {
    fail("\(error)")
}
