/// A valid room (IRC channel) name: `#` then 1 to 49 bytes of UTF-8 text with no space, comma or
/// control character (formatting codes and BEL included). Two names are the same room when they match
/// ignoring ASCII case (CASEMAPPING=ascii), so `#Rust` and `#rust` are one room.
public struct RoomName: Hashable, Sendable, CustomStringConvertible {
    /// The name as the room's creator wrote it.
    public let name: String
    /// The name in ASCII lower case: the directory's key.
    public let key: String

    /// Why a string is not a valid room name.
    public enum Problem: Error, Equatable, Sendable {
        case noPrefix
        case empty
        case tooLong
        case invalidCharacter
    }

    public init(validating name: String) throws(Problem) {
        let utf8 = name.utf8
        guard utf8.first == UInt8(ascii: "#") else { throw .noPrefix }
        guard utf8.count > 1 else { throw .empty }
        guard utf8.count <= Limits.roomNameMaxLength else { throw .tooLong }
        for byte in utf8.dropFirst() where byte <= 0x20 || byte == UInt8(ascii: ",") || byte == 0x7F {
            throw .invalidCharacter
        }
        let problem = Array(utf8).withUnsafeBytes { LineContent.problem(in: $0, allowingFormatting: false) }
        guard problem == nil else { throw .invalidCharacter }
        self.name = name
        self.key = Self.fold(name)
    }

    /// ASCII lower case: the directory key for `name`, valid or not.
    public static func fold(_ name: String) -> String { ASCIICase.lowercased(name) }

    /// True when `target` names a room rather than a user (it starts with `#`).
    public static func isRoom(_ target: String) -> Bool { target.utf8.first == UInt8(ascii: "#") }

    public var description: String { name }

    public static func == (a: RoomName, b: RoomName) -> Bool { a.key == b.key }
    public func hash(into hasher: inout Hasher) { hasher.combine(key) }
}
