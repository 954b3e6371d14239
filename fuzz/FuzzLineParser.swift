// libFuzzer entry point for LineParser and LineFramer. Built by fuzz/run.sh together with
// Sources/LineProtocol/*.swift into one module, so there is no `import LineProtocol`.
//
// Each input is checked for three properties; any failure traps, which libFuzzer reports as a
// crash and saves as a reproducer (with FUZZ_ROUNDTRIP=report in the environment, a round-trip
// failure is printed once per verb instead, so that a known formatting bug does not stop the
// search for others):
// 1. LineParser.parse never crashes, whatever the bytes (ASan watches every access).
// 2. A line that parses formats back (`Command.line`) to a line that parses to the same command.
// 3. LineFramer gives the same events whether the input comes whole or in chunks whose sizes
//    are taken from the input itself.

import Glibc

/// Whether round-trip failures are reported rather than trapped.
private let reportRoundTrips = getenv("FUZZ_ROUNDTRIP").map { String(cString: $0) == "report" } ?? false
/// Verbs whose round-trip failure has been reported (fuzzing runs on one thread).
nonisolated(unsafe) private var reportedVerbs: Set<String> = []

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzLineParser(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = UnsafeBufferPointer(start: data, count: data == nil ? 0 : size)
    checkParser(UnsafeRawBufferPointer(bytes))
    checkFramer(Array(bytes))
    return 0
}

private func checkParser(_ line: UnsafeRawBufferPointer) {
    guard case .success(let command) = LineParser.parse(line) else { return }
    let again = LineParser.parse(command.line)
    if again != .success(command) {
        if reportRoundTrips {
            if reportedVerbs.insert(command.verb.rawValue).inserted {
                let hex = line.map { String($0, radix: 16) }.joined(separator: " ")
                print(
                    "ROUNDTRIP-FAIL \(command.verb.rawValue): input [\(hex)] parses as \(command), "
                        + "formats as \"\(command.line)\", which parses as \(again)")
            }
            return
        }
        fatalError("round trip: \(command) formats as \(command.line) which parses as \(again)")
    }
}

/// What a framer reports, copied out of the callback.
private enum FramerEvent: Equatable {
    case line([UInt8])
    case overlong
}

private func frame(_ input: [UInt8], maxLineBytes: Int, chunkSizes: some Sequence<Int>) -> [FramerEvent] {
    var framer = LineFramer(maxLineBytes: maxLineBytes)
    var events: [FramerEvent] = []
    var offset = 0
    var sizes = chunkSizes.makeIterator()
    while offset < input.count {
        let size = min(max(1, sizes.next() ?? input.count), input.count - offset)
        var chunk = Array(input[offset..<(offset + size)])
        chunk.withUnsafeMutableBytes { raw in
            framer.feed(raw) { event in
                switch event {
                case .line(let line): events.append(.line(Array(line)))
                case .overlong: events.append(.overlong)
                }
            }
        }
        offset += size
    }
    return events
}

private func checkFramer(_ input: [UInt8]) {
    guard !input.isEmpty else { return }
    // A small maximum so that short inputs also reach the overlong paths.
    let maxLineBytes = 2 + Int(input[0] % 64)
    let whole = frame(input, maxLineBytes: maxLineBytes, chunkSizes: [input.count])
    let sizes = input.map { Int($0 % 7) + 1 }
    let chunked = frame(input, maxLineBytes: maxLineBytes, chunkSizes: sizes)
    if whole != chunked {
        fatalError("framer: whole gives \(whole), chunked gives \(chunked)")
    }
    let bytewise = frame(input, maxLineBytes: maxLineBytes, chunkSizes: repeatElement(1, count: input.count))
    if whole != bytewise {
        fatalError("framer: whole gives \(whole), byte by byte gives \(bytewise)")
    }
}
