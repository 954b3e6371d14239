/// The numeric replies LineChat sends. Names follow the IRC documents; PROTOCOL.md lists each
/// with its exact shape.
public enum Numeric: Int, Sendable, CaseIterable {
    case welcome = 1
    case yourHost = 2
    case created = 3
    case myInfo = 4
    case isupport = 5
    case list = 322
    case listEnd = 323
    case motd = 372
    case motdStart = 375
    case motdEnd = 376
    case unknownError = 400
    case noSuchNick = 401
    case tooManyTargets = 407
    case invalidCapCommand = 410
    case noRecipient = 411
    case noTextToSend = 412
    case inputTooLong = 417
    case unknownCommand = 421
    case noNicknameGiven = 431
    case erroneousNickname = 432
    case nicknameInUse = 433
    case notRegistered = 451
    case needMoreParams = 461
    case helpNotFound = 524
    case helpStart = 704
    case helpText = 705
    case helpEnd = 706

    /// The three-digit form used on the wire, for example "001".
    public var code: String {
        let digits = String(rawValue)
        return String(repeating: "0", count: 3 - digits.count) + digits
    }
}
