/// A room's members on one event loop: the recipients of its messages there. Unretained, like
/// the loop's `registered` list: every entry is held by the loop's `connections` and leaves
/// this list (on PART, KICK, JOIN 0 or close, at the loop's safe point or in its effects)
/// before it leaves that one. A class, so that a fan-out iterates it in place.
final class LocalRoom {
    var members: [Unmanaged<Connection>] = []
}
