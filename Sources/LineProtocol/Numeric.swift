/// The numeric replies LineChat sends. Names follow the IRC documents; PROTOCOL.md lists each
/// with its exact shape.
public enum Numeric: Int, Sendable, CaseIterable {
    case welcome = 1
    case yourHost = 2
    case created = 3
    case myInfo = 4
    case isupport = 5
    case userModeIs = 221
    case away = 301
    case userhost = 302
    case ison = 303
    case unaway = 305
    case nowAway = 306
    case whoisUser = 311
    case whoisServer = 312
    case endOfWho = 315
    case whoisIdle = 317
    case endOfWhois = 318
    case whoisChannels = 319
    case listStart = 321
    case list = 322
    case listEnd = 323
    case channelModeIs = 324
    case creationTime = 329
    case noTopic = 331
    case topic = 332
    case topicWhoTime = 333
    case inviting = 341
    case banList = 367
    case endOfBanList = 368
    case whoReply = 352
    case namesReply = 353
    case endOfNames = 366
    case motd = 372
    case motdStart = 375
    case motdEnd = 376
    case unknownError = 400
    case noSuchNick = 401
    case noSuchChannel = 403
    case cannotSendToChannel = 404
    case tooManyChannels = 405
    case tooManyTargets = 407
    case invalidCapCommand = 410
    case noRecipient = 411
    case noTextToSend = 412
    case inputTooLong = 417
    case unknownCommand = 421
    case noNicknameGiven = 431
    case erroneousNickname = 432
    case nicknameInUse = 433
    /// LineChat in a cluster: the shared store is unreachable, so nothing can be claimed now.
    case unavailable = 440
    case userNotInChannel = 441
    case notOnChannel = 442
    case userOnChannel = 443
    case notRegistered = 451
    case needMoreParams = 461
    case alreadyRegistered = 462
    case keySet = 467
    case channelIsFull = 471
    case unknownMode = 472
    case inviteOnlyChannel = 473
    case bannedFromChannel = 474
    case badChannelKey = 475
    case badChannelMask = 476
    case channelOperatorNeeded = 482
    case userModeUnknownFlag = 501
    case usersDontMatch = 502
    case helpNotFound = 524
    case invalidModeParameter = 696
    case helpStart = 704
    case helpText = 705
    case helpEnd = 706

    /// The three-digit form used on the wire, for example "001".
    public var code: String {
        let digits = String(rawValue)
        return String(repeating: "0", count: 3 - digits.count) + digits
    }
}
