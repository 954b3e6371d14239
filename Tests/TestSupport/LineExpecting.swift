/// A test client that reads lines with a deadline (plain TCP, TLS or WebSocket): its `expect`
/// methods, written once here, wait for the line a test expects.
public protocol LineExpecting: AnyObject {
    /// The next line, or a thrown error after `timeout` seconds.
    func readLine(timeout: Double) throws -> String
    /// How the lines travel, for failure messages ("over TLS"); empty for plain TCP.
    var transportNote: String { get }
}

extension LineExpecting {
    public var transportNote: String { "" }

    /// Reads lines until one equals `line`; fails if another line comes first unless
    /// `skippingOthers` is true.
    @discardableResult
    public func expect(_ line: String, skippingOthers: Bool = false, timeout: Double = 5) throws -> String {
        try expect(timeout: timeout, skippingOthers: skippingOthers, "\"\(line)\"") { $0 == line }
    }

    /// Reads lines until one satisfies `predicate`; returns it.
    @discardableResult
    public func expect(
        timeout: Double = 5, skippingOthers: Bool = true, _ what: String = "a matching line",
        where predicate: (String) -> Bool
    ) throws -> String {
        let expected = transportNote.isEmpty ? "expected \(what)" : "expected \(what) \(transportNote)"
        while true {
            let got: String
            do {
                got = try readLine(timeout: timeout)
            } catch {
                throw TestClient.Mismatch(description: "\(expected) but \(error)")
            }
            if predicate(got) { return got }
            if !skippingOthers { throw TestClient.Mismatch(description: "\(expected) but got \"\(got)\"") }
        }
    }
}
