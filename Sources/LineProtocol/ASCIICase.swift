/// Case mapping for ASCII letters only (the protocol's CASEMAPPING=ascii): other characters,
/// dotless i and long s included, are left alone.
enum ASCIICase {
    static func uppercased(_ text: String) -> String {
        guard text.containsUTF8Byte(in: 97...122) else { return text }
        return String(decoding: text.utf8.map { $0 >= 97 && $0 <= 122 ? $0 - 32 : $0 }, as: UTF8.self)
    }

    static func lowercased(_ text: String) -> String {
        guard text.containsUTF8Byte(in: 65...90) else { return text }
        return String(decoding: text.utf8.map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }, as: UTF8.self)
    }
}
