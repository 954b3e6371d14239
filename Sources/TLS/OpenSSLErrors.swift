import COpenSSL

/// OpenSSL's per-thread error queue. Every operation clears it first and drains it after a
/// failure, so one connection's error never shows up as another's on the same thread.
enum OpenSSLErrors {
    /// Empties the calling thread's error queue (before an operation).
    @inline(__always)
    static func clear() { ERR_clear_error() }

    /// Empties the queue and returns its oldest error, the cause (later ones are consequences,
    /// "system lib" after "no such file or directory"), or 0 when it was empty.
    static func drainFirst() -> UInt {
        let first = ERR_get_error()
        if first != 0 { ERR_clear_error() }
        return first
    }

    /// Empties the queue and returns its oldest error in words, or `fallback` when it was empty.
    static func drainReason(or fallback: String) -> String {
        reason(of: drainFirst(), or: fallback)
    }

    /// The reason part of ERR_error_string_n's "error:0A00010B:SSL routines::wrong version
    /// number" (for a failed system call, the C library's "no such file or directory"), or
    /// `fallback` when `error` is 0.
    static func reason(of error: UInt, or fallback: String) -> String {
        guard error != 0 else { return fallback }
        var buffer = [CChar](repeating: 0, count: 256)
        ERR_error_string_n(error, &buffer, buffer.count)
        let text = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        // "error", the code, the library, the function (empty in OpenSSL 3), the reason.
        let fields = text.split(separator: ":", maxSplits: 4, omittingEmptySubsequences: false)
        guard fields.count == 5, !fields[4].isEmpty else { return text }
        return lowercasingFirstWord(String(fields[4]))
    }

    /// "No such file or directory" becomes "no such file or directory"; "SSL..." stays.
    private static func lowercasingFirstWord(_ text: String) -> String {
        let utf8 = Array(text.utf8)
        guard utf8.count >= 2, (65...90).contains(utf8[0]), (97...122).contains(utf8[1]) else { return text }
        return text.prefix(1).lowercased() + text.dropFirst()
    }
}
