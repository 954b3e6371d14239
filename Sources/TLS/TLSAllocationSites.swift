import CTLSShim

/// OpenSSL's live memory by source line, for measurements (`linechat-tls-memory --by-site`):
/// what an idle TLS connection keeps, and where in OpenSSL it was allocated.
public enum TLSAllocationSites {
    /// Starts recording every OpenSSL allocation with its source line. Must run before any
    /// other OpenSSL call in the process; false when OpenSSL has already allocated.
    public static func startTracking() -> Bool { ctls_track_allocations() == 1 }

    /// Allocations made from now on are the ones `report` counts (earlier ones are set-up).
    public static func countFromNow() { ctls_count_allocations_from_now() }

    /// The counted allocations still live, divided by `connections`: a total line, then the
    /// `top` source lines that hold the most bytes.
    public static func report(perConnection connections: Int, top: Int = 25) -> String {
        var buffer = [CChar](repeating: 0, count: 16 * 1024)
        _ = buffer.withUnsafeMutableBufferPointer { out in
            ctls_allocation_report(connections, top, out.baseAddress, out.count)
        }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
