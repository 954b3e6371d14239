import ChatCore
import LineProtocol
import Testing

/// The registry as the directory of rooms: creating, joining with modes, leaving, kicking,
/// renaming and removing, one atomic step each.
@Suite("Registry rooms")
struct RoomDirectoryTests {
    let registry = Registry()
    static let wallClock: Int64 = 1_700_000_000

    func id(_ n: Int) -> ConnectionID { ConnectionID(loop: n % 2, descriptor: Int32(n), serial: UInt64(n)) }
    func nick(_ name: String) throws -> Nickname { try Nickname(validating: name) }
    func room(_ name: String) throws -> RoomName { try RoomName(validating: name) }

    /// Registers `name` on connection `n`.
    @discardableResult
    func user(_ name: String, _ n: Int) throws -> Nickname {
        let nickname = try nick(name)
        let registered = registry.register(
            Registration(
                nickname: nickname, id: id(n), address: "127.0.0.1:\(n)", connectedAt: 0,
                activity: UserActivity(now: 0), username: name, realname: name, isIRCClient: false))
        #expect(registered.problem == nil)
        return nickname
    }

    func join(_ roomName: String, _ nickname: Nickname, _ n: Int, key: String? = nil) throws
        -> Result<JoinOutcome, RoomRefusal>
    {
        registry.join(
            try room(roomName), nickname: nickname, hostmask: "\(nickname.name)!~\(nickname.name)@linechat", id: id(n),
            key: key, founderIsOperator: true, wallClock: Self.wallClock)
    }

    /// A room's modes as 324 shows them: flags, then the arguments.
    func modes(_ modes: RoomModes, showKey: Bool = true) -> String {
        let (flags, arguments) = modes.modeString(showKey: showKey)
        return ([flags] + arguments).joined(separator: " ")
    }

    /// The members of a room in join order, `@` for operators and `+` for voiced, as NAMES shows.
    func names(_ roomName: String) -> [String]? {
        registry.room(named: roomName)?.orderedMembers.map { $0.prefix() + $0.nickname.name }
    }

    @Test(
        "members come in join order for NAMES, whether the join orders in use are dense or sparse (many left)",
        arguments: [1, 50, 199])
    func joinOrderWithChurn(leavers: Int) throws {
        var nicks: [Nickname] = []
        for n in 0..<200 {
            nicks.append(try user("u\(n)", n))
            _ = try join("#churn", nicks[n], n).get()
        }
        // All but the first `leavers` leave (u0 stays, so the orders in use spread out), and
        // every 20th of them comes back, joining last.
        for n in 1...leavers { _ = registry.part("#churn", nickname: nicks[n]) }
        for n in stride(from: 1, through: leavers, by: 20) { _ = try join("#churn", nicks[n], n).get() }
        let room = try #require(registry.room(named: "#churn"))
        var seen: [String] = []
        room.forEachMemberInJoinOrder { seen.append($0.nickname.name) }
        #expect(seen == room.orderedMembers.map(\.nickname.name))
        #expect(seen.count == 200 - leavers + (leavers + 19) / 20)
    }

    @Test("the first joiner creates the room as its operator, +nt, at the wall-clock time; later joiners are plain")
    func joinCreatesWithOperator() throws {
        let alice = try user("alice", 1)
        let bob = try user("bob", 2)
        let created = try join("#Rust", alice, 1).get()
        #expect(created.created)
        #expect(created.room.name.name == "#Rust")
        #expect(created.room.createdAt == Self.wallClock)
        #expect(created.room.modes == RoomModes())
        #expect(modes(created.room.modes) == "+nt")
        #expect(created.room.topic == nil)
        let joined = try join("#rUST", bob, 2).get()  // names ignore ASCII case
        #expect(!joined.created)
        #expect(joined.room.name.name == "#Rust")  // the creator's spelling stays
        #expect(names("#rust") == ["@alice", "bob"])
        #expect(registry.user(named: "bob")?.rooms == ["#rust"])
        #expect(registry.roomCount == 1)
        // Joining again changes nothing.
        #expect(try join("#RUST", bob, 2).refusal == .alreadyMember)
        #expect(names("#rust") == ["@alice", "bob"])
    }

    @Test("an unregistered nickname cannot join")
    func joinNeedsRegistration() throws {
        #expect(try join("#a", try nick("ghost"), 9).refusal == .notRegistered)
        #expect(registry.roomCount == 0)
    }

    @Test("+l: a full room refuses, and takes a member again once one leaves; -l lifts the limit")
    func limit() throws {
        let users = try (0..<4).map { try user("u\($0)", $0) }
        _ = try join("#l", users[0], 0).get()
        let outcome = try registry.changeModes("#l", by: users[0], setter: "op", changes: [.limit(2)], wallClock: 1).get()
        #expect(outcome.applied == [.limit(2)])
        #expect(modes(outcome.room.modes) == "+ntl 2")
        _ = try join("#l", users[1], 1).get()
        #expect(try join("#l", users[2], 2).refusal == .full)
        #expect(registry.user(named: "u2")?.rooms == [])
        _ = try registry.part("#l", nickname: users[1]).get()
        _ = try join("#l", users[2], 2).get()
        #expect(try join("#l", users[3], 3).refusal == .full)
        _ = try registry.changeModes("#l", by: users[0], setter: "op", changes: [.limit(nil)], wallClock: 1).get()
        _ = try join("#l", users[3], 3).get()
        #expect(names("#l") == ["@u0", "u2", "u3"])
    }

    @Test("+k: joining needs the key; the creator needs none; -k removes it")
    func key() throws {
        let alice = try user("alice", 1)
        let bob = try user("bob", 2)
        let carol = try user("carol", 3)
        _ = try join("#k", alice, 1, key: "ignored").get()  // a new room has no key to check
        #expect(try registry.changeModes("#k", by: alice, setter: "op", changes: [.key("sesame")], wallClock: 1).get().applied == [.key("sesame")])
        let keyed = try #require(registry.room(named: "#k")).modes
        #expect(modes(keyed) == "+ntk sesame")
        #expect(modes(keyed, showKey: false) == "+ntk *")  // for those outside the room
        #expect(try join("#k", bob, 2).refusal == .badKey)
        #expect(try join("#k", bob, 2, key: "Sesame").refusal == .badKey)  // keys are exact
        _ = try join("#k", bob, 2, key: "sesame").get()
        _ = try registry.changeModes("#k", by: alice, setter: "op", changes: [.key(nil)], wallClock: 1).get()
        _ = try join("#k", carol, 3).get()
        #expect(names("#k") == ["@alice", "bob", "carol"])
    }

    @Test("+i: only the invited join, an INVITE needs an operator, and an invitation is used up by the join")
    func inviteOnly() throws {
        let alice = try user("alice", 1)
        let bob = try user("bob", 2)
        let carol = try user("carol", 3)
        _ = try join("#i", alice, 1).get()
        _ = try join("#i", bob, 2).get()
        _ = try registry.changeModes("#i", by: alice, setter: "op", changes: [.flag(.inviteOnly, on: true)], wallClock: 1).get()
        #expect(try join("#i", carol, 3).refusal == .inviteOnly)
        #expect(registry.invite("#i", by: bob, target: "carol").refusal == .notOperator)
        #expect(registry.invite("#i", by: carol, target: "bob").refusal == .notMember)
        #expect(registry.invite("#i", by: alice, target: "nobody").refusal == .noSuchNick)
        #expect(registry.invite("#nowhere", by: alice, target: "carol").refusal == .noSuchRoom)
        #expect(registry.invite("#i", by: alice, target: "BOB").refusal == .targetAlreadyMember)
        let invited = try registry.invite("#i", by: alice, target: "CAROL").get()
        #expect(invited.target.nickname.name == "carol")
        #expect(invited.target.id == id(3))
        #expect(invited.room.invited == ["carol"])
        _ = try join("#i", carol, 3).get()
        #expect(registry.room(named: "#i")?.invited == [])
        _ = try registry.part("#i", nickname: carol).get()
        #expect(try join("#i", carol, 3).refusal == .inviteOnly)  // the invitation was used
        // -i forgets pending invitations: they do not come back with the next +i.
        _ = try registry.invite("#i", by: alice, target: "carol").get()
        _ = try registry.changeModes("#i", by: alice, setter: "op", changes: [.flag(.inviteOnly, on: false)], wallClock: 1).get()
        _ = try registry.changeModes("#i", by: alice, setter: "op", changes: [.flag(.inviteOnly, on: true)], wallClock: 1).get()
        #expect(try join("#i", carol, 3).refusal == .inviteOnly)
    }

    @Test("KICK: operators only, of members only; the kicked leave the room and the user's list")
    func kick() throws {
        let alice = try user("alice", 1)
        let bob = try user("bob", 2)
        let carol = try user("carol", 3)
        let dave = try user("dave", 4)
        for (n, who) in [alice, bob, carol].enumerated() { _ = try join("#k", who, n + 1).get() }
        #expect(registry.kick("#k", by: bob, target: "carol").refusal == .notOperator)
        #expect(registry.kick("#k", by: dave, target: "carol").refusal == .notMember)
        #expect(registry.kick("#k", by: alice, target: "dave").refusal == .targetNotMember)
        #expect(registry.kick("#k", by: alice, target: "nobody").refusal == .noSuchNick)
        #expect(registry.kick("#nowhere", by: alice, target: "bob").refusal == .noSuchRoom)
        let kicked = try registry.kick("#K", by: alice, target: "BOB").get()
        #expect(kicked.member.nickname.name == "bob")
        #expect(kicked.member.id == id(2))
        #expect(kicked.room.members["bob"] == nil)
        #expect(names("#k") == ["@alice", "carol"])
        #expect(registry.user(named: "bob")?.rooms == [])
        // The server operator (no kicker) needs no status; kicking the last member ends the room.
        _ = try registry.kick("#k", by: nil, target: "carol").get()
        _ = try registry.kick("#k", by: alice, target: "alice").get()
        #expect(registry.room(named: "#k") == nil)
    }

    @Test("PART: a room left empty is gone, and a new JOIN makes a fresh one with a new operator")
    func partDeletesEmptyRoom() throws {
        let alice = try user("alice", 1)
        let bob = try user("bob", 2)
        _ = try join("#p", alice, 1).get()
        _ = try join("#p", bob, 2).get()
        _ = try registry.changeModes("#p", by: alice, setter: "op", changes: [.flag(.moderated, on: true), .limit(9)], wallClock: 1).get()
        _ = try registry.setTopic("#p", by: alice, setter: "alice", text: "old", wallClock: 1).get()
        #expect(registry.part("#p", nickname: alice).map(\.members.count) == .success(1))
        #expect(registry.part("#p", nickname: alice).refusal == .notMember)
        #expect(registry.room(named: "#p") != nil)
        let last = try registry.part("#P", nickname: bob).get()
        #expect(last.members.isEmpty)
        #expect(registry.room(named: "#p") == nil)
        #expect(registry.roomCount == 0)
        #expect(registry.part("#p", nickname: bob).refusal == .noSuchRoom)
        let again = try join("#p", bob, 2).get()
        #expect(again.created)
        #expect(again.room.modes == RoomModes())
        #expect(again.room.topic == nil)
        #expect(names("#p") == ["@bob"])
    }

    @Test("renaming moves the user's membership and status to the new name in every room")
    func renameMovesMembership() throws {
        let alice = try user("alice", 1)
        let bob = try user("bob", 2)
        _ = try join("#a", alice, 1).get()
        _ = try join("#a", bob, 2).get()
        _ = try join("#b", bob, 2).get()
        _ = try join("#b", alice, 1).get()
        let rooms = try registry.rename(alice, to: try nick("Alicia")).get()
        #expect(rooms.map(\.name) == ["#a", "#b"])  // the rooms it is in, in join order
        #expect(names("#a") == ["@Alicia", "bob"])  // still operator, still first
        #expect(names("#b") == ["@bob", "Alicia"])
        #expect(registry.room(named: "#a")?.members["alice"] == nil)
        #expect(registry.user(named: "alice") == nil)
        #expect(registry.user(named: "alicia")?.rooms == ["#a", "#b"])
        // The new name is the one that can part, kick and be invited in.
        let alicia = try nick("Alicia")
        _ = try registry.kick("#a", by: alicia, target: "bob").get()
        _ = try registry.part("#b", nickname: alicia).get()
        #expect(names("#b") == ["@bob"])
        // A user in no room is renamed too, and gets an empty list.
        let carol = try user("carol", 3)
        #expect(registry.rename(carol, to: try nick("caroline")).map(\.count) == .success(0))
    }

    @Test("an invitation follows its user's rename, and whoever takes the old nickname does not inherit it")
    func renameKeepsInvitation() throws {
        let alice = try user("alice", 1)
        let bob = try user("bob", 2)
        _ = try join("#c", bob, 2).get()
        _ = try registry.changeModes("#c", by: bob, setter: "op", changes: [.flag(.inviteOnly, on: true)], wallClock: 1).get()
        _ = try registry.invite("#c", by: bob, target: "alice").get()
        _ = try registry.rename(alice, to: try nick("alicia")).get()
        let impostor = try user("alice", 3)
        let invited = registry.room(named: "#c")?.invited
        let impostorJoin = try join("#c", impostor, 3).refusal
        let aliciaJoin = try join("#c", try nick("alicia"), 1).refusal
        #expect(invited == ["alicia"])
        #expect(impostorJoin == .inviteOnly)
        #expect(aliciaJoin == nil)
    }

    @Test("remove returns the rooms the user was in, ends the rooms it leaves empty, and checks the connection")
    func removeReturnsRooms() throws {
        let alice = try user("alice", 1)
        let bob = try user("bob", 2)
        _ = try join("#shared", bob, 2).get()
        _ = try join("#solo", alice, 1).get()
        _ = try join("#shared", alice, 1).get()
        #expect(registry.remove(alice, id: id(7)) == [])  // another connection: nothing happens
        #expect(registry.user(named: "alice") != nil)
        #expect(names("#shared") == ["@bob", "alice"])
        #expect(registry.remove(alice, id: id(1)).map(\.name) == ["#solo", "#shared"])
        #expect(registry.room(named: "#solo") == nil)
        #expect(names("#shared") == ["@bob"])
        #expect(registry.user(named: "alice") == nil)
        #expect(registry.remove(alice, id: id(1)) == [])
    }

    @Test("a user may be in at most Limits.roomsPerUser rooms")
    func tooManyRooms() throws {
        let alice = try user("alice", 1)
        for i in 0..<Limits.roomsPerUser { _ = try join("#r\(i)", alice, 1).get() }
        #expect(try join("#one-more", alice, 1).refusal == .tooManyRooms)
        #expect(registry.room(named: "#one-more") == nil)
        _ = try registry.part("#r0", nickname: alice).get()
        _ = try join("#one-more", alice, 1).get()
    }

    @Test("TOPIC: +t lets only operators set it, -t every member, never outsiders; empty text clears it")
    func topic() throws {
        let alice = try user("alice", 1)
        let bob = try user("bob", 2)
        let carol = try user("carol", 3)
        _ = try join("#t", alice, 1).get()
        _ = try join("#t", bob, 2).get()
        #expect(
            registry.setTopic("#t", by: bob, setter: "bob", text: "x", wallClock: 5).refusal == .notOperator)
        #expect(
            registry.setTopic("#t", by: carol, setter: "carol", text: "x", wallClock: 5).refusal == .notMember)
        let set = try registry.setTopic("#t", by: alice, setter: "alice!~a@linechat", text: "hello", wallClock: 5).get()
        #expect(set.topic?.text == "hello")
        #expect(set.topic?.setBy == "alice!~a@linechat")
        #expect(set.topic?.setAt == 5)
        _ = try registry.changeModes("#t", by: alice, setter: "op", changes: [.flag(.topicLocked, on: false)], wallClock: 1).get()
        _ = try registry.setTopic("#t", by: bob, setter: "bob", text: "bob's", wallClock: 6).get()
        #expect(registry.room(named: "#t")?.topic?.text == "bob's")
        _ = try registry.setTopic("#t", by: bob, setter: "bob", text: "", wallClock: 7).get()
        #expect(registry.room(named: "#t")?.topic == nil)
        // The server sets any room's topic, member or not.
        _ = try registry.setTopic("#t", by: nil, setter: "linechat", text: "server", wallClock: 8).get()
        #expect(registry.room(named: "#t")?.topic?.setBy == "linechat")
    }

    @Test("MODE: operators only; only changes that change something are applied; +o and +v by nickname")
    func changeModes() throws {
        let alice = try user("alice", 1)
        let bob = try user("bob", 2)
        _ = try join("#m", alice, 1).get()
        _ = try join("#m", bob, 2).get()
        #expect(registry.changeModes("#m", by: bob, setter: "op", changes: [.flag(.moderated, on: true)], wallClock: 1).refusal == .notOperator)
        let outcome = try registry.changeModes(
            "#m", by: alice, setter: "alice",
            changes: [
                .flag(.noExternalMessages, on: true),  // already set: not applied
                .flag(.moderated, on: true), .member(.voice, target: "BOB", on: true),
                .member(.operator, target: "ghost", on: true), .key(nil),  // no key to remove
            ], wallClock: 1
        ).get()
        #expect(outcome.applied == [.flag(.moderated, on: true), .member(.voice, target: "bob", on: true)])
        #expect(outcome.missingTargets == ["ghost"])
        #expect(names("#m") == ["@alice", "+bob"])
        _ = try registry.changeModes("#m", by: alice, setter: "op", changes: [.member(.operator, target: "bob", on: true)], wallClock: 1).get()
        // Now an operator, bob can take alice's status.
        _ = try registry.changeModes("#m", by: bob, setter: "op", changes: [.member(.operator, target: "alice", on: false)], wallClock: 1).get()
        #expect(registry.room(named: "#m")?.orderedMembers.map { $0.prefix(all: true) } == ["", "@+"])
        #expect(registry.changeModes("#m", by: alice, setter: "op", changes: [.limit(1)], wallClock: 1).refusal == .notOperator)
    }

    @Test("64 users join a +l 5 room at once: exactly 5 members, and every other join is refused as full")
    func concurrentJoinsRespectTheLimit() async throws {
        let owner = try user("owner", 1000)
        _ = try join("#small", owner, 1000).get()
        _ = try registry.changeModes("#small", by: owner, setter: "op", changes: [.limit(5)], wallClock: 1).get()
        let racers = try (0..<64).map { try user("racer\($0)", $0) }
        let lobby = try room("#small")
        let registry = self.registry
        let results = await withTaskGroup(of: RoomRefusal?.self) { group in
            for (n, racer) in racers.enumerated() {
                let id = self.id(n)
                group.addTask {
                    registry.join(
                        lobby, nickname: racer, hostmask: "\(racer.name)!~r@linechat", id: id, key: nil,
                        founderIsOperator: true, wallClock: 0
                    ).refusal
                }
            }
            return await group.reduce(into: [RoomRefusal?]()) { $0.append($1) }
        }
        #expect(results.count == 64)
        #expect(results.filter { $0 == nil }.count == 4)  // the owner holds the fifth place
        #expect(results.filter { $0 == .full }.count == 60)
        let room = try #require(registry.room(named: "#small"))
        #expect(room.members.count == 5)
        // The directory agrees with itself: exactly the members list the room.
        let inRoom = registry.snapshot().filter { $0.rooms == ["#small"] }.map(\.nickname.key)
        #expect(Set(inRoom) == Set(room.members.keys))
    }
}

extension Result where Failure == RoomRefusal {
    /// Why the room operation was refused, or nil when it was done.
    var refusal: RoomRefusal? {
        if case .failure(let refusal) = self { return refusal }
        return nil
    }
}
