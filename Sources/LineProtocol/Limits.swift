/// The protocol's named limits. PROTOCOL.md cites each by name.
public enum Limits {
    /// The longest nickname, in bytes (all nickname characters are ASCII). Advertised as NICKLEN.
    public static let nicknameMaxLength = 30
    /// The default longest inbound line, in bytes, terminator included. Advertised as LINELEN.
    public static let defaultMaxLineBytes = 512
    /// The smallest `--max-line-bytes` a server accepts: room for any command with a nickname.
    public static let minimumMaxLineBytes = 64
    /// The most recipients one PRIVMSG may name. Advertised as TARGMAX=PRIVMSG:10.
    public static let maxTargets = 10
}
