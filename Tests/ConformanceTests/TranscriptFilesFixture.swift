import Foundation

/// Where the repository's transcripts are, found from this file's path so the tests do not
/// depend on the working directory.
enum TranscriptFilesFixture {
    static let directory: String = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // ConformanceTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()  // the package
        .appendingPathComponent("conformance").path

    /// The file names of every transcript, sorted.
    static let names: [String] =
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
        .filter { $0.hasSuffix(".txt") }.sorted()

    static func path(_ name: String) -> String { directory + "/" + name }
}
