/// A valid nickname: 1 to `Limits.nicknameMaxLength` ASCII letters, digits or
/// `-_[]{}\|^` and backtick, not starting with a digit or '-'. Two nicknames are equal when
/// they match ignoring ASCII case (CASEMAPPING=ascii), so `Alice` and `alice` collide.
public struct Nickname: Hashable, Sendable, CustomStringConvertible {
    /// The nickname as the user chose it.
    public let name: String
    /// The nickname in ASCII lower case: the registry's key.
    public let key: String

    /// Why a string is not a valid nickname.
    public enum Problem: Error, Equatable, Sendable {
        case empty
        case tooLong
        case invalidCharacter(Character)
        case invalidFirstCharacter(Character)

        /// The words a 432 reply uses.
        public var reason: String {
            switch self {
            case .empty: "Erroneous nickname: it is empty"
            case .tooLong: "Erroneous nickname: longer than \(Limits.nicknameMaxLength) characters"
            case .invalidCharacter:
                "Erroneous nickname: use letters, digits and - _ [ ] { } \\ | ^ ` only"
            case .invalidFirstCharacter:
                "Erroneous nickname: it must not start with a digit or -"
            }
        }
    }

    public init(validating name: String) throws(Problem) {
        let utf8 = name.utf8
        guard let first = utf8.first else { throw .empty }
        for scalar in name.unicodeScalars where !scalar.isASCII || !Self.isAllowed(UInt8(scalar.value)) {
            throw .invalidCharacter(Character(scalar))
        }
        guard utf8.count <= Limits.nicknameMaxLength else { throw .tooLong }
        if first == UInt8(ascii: "-") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first) {
            throw .invalidFirstCharacter(Character(Unicode.Scalar(first)))
        }
        self.name = name
        self.key = Self.fold(name)
    }

    /// A name that was already validated as a nickname (kept without its key to save memory):
    /// its key is computed again, nothing is checked.
    public init(alreadyValidated name: String) {
        self.name = name
        self.key = Self.fold(name)
    }

    /// ASCII lower case: the registry key for `name`, valid or not.
    public static func fold(_ name: String) -> String { ASCIICase.lowercased(name) }

    private static func isAllowed(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        case UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "{"),
            UInt8(ascii: "}"), UInt8(ascii: "\\"), UInt8(ascii: "|"), UInt8(ascii: "^"), UInt8(ascii: "`"):
            true
        default: false
        }
    }

    public var description: String { name }

    public static func == (a: Nickname, b: Nickname) -> Bool { a.key == b.key }
    public func hash(into hasher: inout Hasher) { hasher.combine(key) }
}
