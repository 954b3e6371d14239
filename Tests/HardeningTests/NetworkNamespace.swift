import Foundation
import Glibc

/// A network namespace of the test's own, for the tests that need CAP_NET_ADMIN (TCP_REPAIR)
/// where the machine does not grant it: `unshare --user --map-root-user --net` runs this test
/// binary again, filtered to one test, as root of a new user namespace that owns a new network
/// namespace, where that capability holds. The loopback interface starts down there; the
/// rerun brings it up (`bringLoopbackUpIfInside`).
enum NetworkNamespace {
    /// Set in the environment of the rerun.
    static let marker = "LINECHAT_TEST_IN_NETNS"

    static var isInside: Bool { ProcessInfo.processInfo.environment[marker] == "1" }

    /// Whether `unshare` exists and may create user and network namespaces here (container
    /// seccomp profiles often forbid it).
    static let canCreate: Bool = {
        guard let unshare = unsharePath else { return false }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: unshare)
        process.arguments = ["--user", "--map-root-user", "--net", "true"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }()

    private static var unsharePath: String? {
        ["/usr/bin/unshare", "/bin/unshare", "/usr/sbin/unshare"].first {
            FileManager.default.isExecutableFile(atPath: $0)
        }
    }

    /// The failure of a rerun, with its output.
    struct RerunFailure: Error, CustomStringConvertible {
        let description: String
    }

    /// Runs the Swift Testing test whose function is `function` again inside a new user and
    /// network namespace; throws unless it ran there and passed.
    static func rerun(_ function: String, timeout: Double = 50) throws {
        guard let unshare = unsharePath else { throw RerunFailure(description: "no unshare binary") }
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: unshare)
        process.arguments = [
            "--user", "--map-root-user", "--net", executable, "--testing-library", "swift-testing", "--filter",
            function,
        ]
        var environment = ProcessInfo.processInfo.environment
        environment[marker] = "1"
        environment["NO_COLOR"] = "1"
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let reader = output.fileHandleForReading
        let text = String(decoding: reader.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        // Exactly this one test ran, and passed: a rerun that found no test, or skipped it, fails.
        guard process.terminationStatus == 0, text.contains("Test run with 1 test"),
            !text.contains("skipped")
        else {
            throw RerunFailure(
                description: "the rerun in a network namespace exited \(process.terminationStatus):\n"
                    + text.split(separator: "\n").filter { !$0.hasPrefix("20") }.suffix(12).joined(separator: "\n"))
        }
    }

    /// In the rerun, brings the loopback interface up (it starts down in a new namespace).
    static func bringLoopbackUpIfInside() throws {
        guard isInside else { return }
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        guard fd >= 0 else { throw RerunFailure(description: "socket: errno \(errno)") }
        defer { close(fd) }
        var request = ifreq()
        withUnsafeMutableBytes(of: &request.ifr_ifrn.ifrn_name) { name in
            for (index, byte) in "lo".utf8.enumerated() { name[index] = byte }
        }
        guard ioctl(fd, UInt(SIOCGIFFLAGS), &request) == 0 else {
            throw RerunFailure(description: "SIOCGIFFLAGS lo: errno \(errno)")
        }
        request.ifr_ifru.ifru_flags |= Int16(IFF_UP)
        guard ioctl(fd, UInt(SIOCSIFFLAGS), &request) == 0 else {
            throw RerunFailure(description: "SIOCSIFFLAGS lo: errno \(errno)")
        }
    }
}
