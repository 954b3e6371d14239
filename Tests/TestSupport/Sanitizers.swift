import Foundation

/// Whether this test process runs under a sanitizer (found by its runtime's symbols), for the
/// few tests whose subject a sanitizer changes: a deliberate crash, resident memory figures.
public enum Sanitizers {
    public static let threadSanitizer = symbolExists("__tsan_init")
    public static let addressSanitizer = symbolExists("__asan_init")
    public static var active: Bool { threadSanitizer || addressSanitizer }

    private static func symbolExists(_ name: String) -> Bool {
        dlsym(UnsafeMutableRawPointer(bitPattern: 0), name) != nil
    }
}
