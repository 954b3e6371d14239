import Conformance
import TestSupport
import Testing

/// Every transcript in conformance/, replayed over real TCP against a fresh server with the
/// default settings, as conformance/README.md says they assume (the flood limits included).
@Suite struct TranscriptReplayTests {
    @Test("transcript replays against a live server", arguments: TranscriptFilesFixture.names)
    func transcriptReplays(_ name: String) throws {
        let transcript = try TranscriptParser().parse(contentsOf: TranscriptFilesFixture.path(name))
        let server = try TestServer.startWithDefaults()
        defer { server.stop() }
        do {
            try Replayer(host: "127.0.0.1", port: server.port).replay(transcript)
        } catch {
            Issue.record("\(error)")
        }
    }

    @Test func thereAreAtLeastThirtyTranscripts() {
        #expect(TranscriptFilesFixture.names.count >= 30)
    }

    @Test("every transcript parses", arguments: TranscriptFilesFixture.names)
    func transcriptParses(_ name: String) throws {
        let transcript = try TranscriptParser().parse(contentsOf: TranscriptFilesFixture.path(name))
        #expect(!transcript.steps.isEmpty)
    }

    @Test func transcriptNamesAreNumberedAndUnique() {
        let numbers = TranscriptFilesFixture.names.map { String($0.prefix(while: \.isNumber)) }
        #expect(numbers.allSatisfy { $0.count == 2 })
        #expect(Set(numbers).count == numbers.count)
    }
}
