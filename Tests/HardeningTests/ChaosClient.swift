import Foundation
import Glibc
import Platform
import TestSupport

/// A client for tests that juggle many connections from one thread: reads never block (each
/// `drain` takes what the kernel holds), and every line received is kept for checking later.
final class ChaosClient {
    let name: String
    let connection: LineClient
    /// Every line received, without its CR LF, in order.
    private(set) var lines: [String] = []
    /// Where `waitFor` looks next.
    private var cursor = 0
    private var partial: [UInt8] = []
    /// The server closed the connection (EOF or reset).
    private(set) var isClosedByServer = false
    /// We closed or reset our side.
    private(set) var isClosedHere = false

    init(name: String, port: Int) throws {
        self.name = name
        connection = try LineClient(host: "127.0.0.1", port: port)
    }

    var fd: Int32 { connection.fd }
    var isReadable: Bool { !isClosedByServer && !isClosedHere }

    func send(_ line: String) throws { try connection.sendLine(line) }
    func sendRaw(_ bytes: [UInt8]) throws { try connection.send(bytes) }

    /// Reads everything the kernel holds now, without waiting.
    func drain() {
        guard isReadable else { return }
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
            if count > 0 {
                append(chunk[..<count])
                continue
            }
            if count == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) { isClosedByServer = true }
            if count < 0 && errno == EINTR { continue }
            return
        }
    }

    private func append(_ bytes: ArraySlice<UInt8>) {
        var start = bytes.startIndex
        while let lf = bytes[start...].firstIndex(of: 10) {
            partial += bytes[start..<lf]
            if partial.last == 13 { partial.removeLast() }
            lines.append(String(decoding: partial, as: UTF8.self))
            partial.removeAll(keepingCapacity: true)
            start = lf + 1
        }
        partial += bytes[start...]
    }

    /// Waits up to `timeout` seconds for a line after the last one waited for to satisfy
    /// `predicate`; returns it.
    @discardableResult
    func waitFor(_ what: String, timeout: Double = 10, _ predicate: (String) -> Bool) throws -> String {
        let deadline = Posix.monotonicNanoseconds() + Int64(timeout * 1e9)
        while true {
            while cursor < lines.count {
                let line = lines[cursor]
                cursor += 1
                if predicate(line) { return line }
            }
            let remaining = deadline - Posix.monotonicNanoseconds()
            guard remaining > 0, isReadable else {
                throw ChaosFailure(
                    "\(name): no \(what) within \(timeout) s (closed: \(!isReadable)); last lines: "
                        + lines.suffix(5).joined(separator: " | "))
            }
            _ = try Socket.waitReadable([fd], timeoutMilliseconds: Int32(min(remaining / 1_000_000 + 1, 100)))
            drain()
        }
    }

    func close() {
        guard !isClosedHere else { return }
        isClosedHere = true
        connection.close()
    }

    /// Closes with a TCP reset (SO_LINGER 0).
    func reset() {
        guard !isClosedHere else { return }
        isClosedHere = true
        connection.reset()
    }

    /// Shrinks the kernel's receive buffer so that a client that stops reading fills up fast.
    func shrinkReceiveBuffer() {
        try? Posix.setOption(fd, SOL_SOCKET, SO_RCVBUF, 4096)
    }
}

/// Drains a child server's log pipe without blocking, so a chatty server never stalls on a
/// full pipe, and keeps the text.
final class LogDrain {
    private let fd: Int32
    private(set) var text = ""

    init(_ server: ServerProcess) throws {
        fd = server.log.fd
        try Socket.setNonBlocking(fd)
    }

    func drain() {
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            guard count > 0 else { return }
            text += String(decoding: chunk[..<count], as: UTF8.self)
        }
    }

    /// Log lines containing `word`.
    func lines(containing word: String) -> [Substring] {
        text.split(separator: "\n").filter { $0.contains(word) }
    }
}

struct ChaosFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// What a process has open, by kind ("socket", "pipe", "anon_inode:[eventpoll]", a path...),
/// from the links in /proc/PID/fd. Sockets are what a leaked connection leaves behind; a
/// sanitizer's runtime may open pipes of its own (to its symbolizer), which are not ours.
enum DescriptorCensus {
    /// Throws when procfs cannot be read: an empty census would equal an empty baseline.
    static func kinds(pid: Int32) throws -> [String: Int] {
        let directory = "/proc/\(pid)/fd"
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw ServerProcess.MeasurementUnavailable("cannot list \(directory): \(error)")
        }
        var kinds: [String: Int] = [:]
        for name in names {
            guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "\(directory)/\(name)")
            else { continue }
            let kind = target.hasPrefix("socket:") ? "socket" : target.hasPrefix("pipe:") ? "pipe" : target
            kinds[kind, default: 0] += 1
        }
        return kinds
    }

    /// The census for a failure message, or why there is none.
    static func describe(pid: Int32) -> String {
        do { return "\(try kinds(pid: pid))" } catch { return "\(error)" }
    }

    static func sockets(pid: Int32) throws -> Int { try kinds(pid: pid)["socket", default: 0] }
}
