import ChatCore
import LineProtocol
import Testing

@Suite("Registry")
struct RegistryTests {
    func id(_ n: UInt64, loop: Int = 0) -> ConnectionID { ConnectionID(loop: loop, descriptor: Int32(n), serial: n) }
    func nick(_ name: String) throws -> Nickname { try Nickname(validating: name) }
    func registration(_ nickname: Nickname, _ id: ConnectionID) -> Registration {
        Registration(
            nickname: nickname, id: id, address: "", connectedAt: 0, activity: UserActivity(now: 0),
            username: nickname.name, realname: nickname.name, isIRCClient: false)
    }

    @Test("nicknames are unique ignoring case")
    func uniqueIgnoringCase() throws {
        let registry = Registry()
        #expect(registry.register(registration(try nick("Alice"), id(1))).problem == nil)
        #expect(registry.register(registration(try nick("alice"), id(2))).problem == .nicknameInUse)
        #expect(registry.user(named: "ALICE")?.id == id(1))
        #expect(registry.count == 1)
    }

    @Test("renaming frees the old name, keeps the user's place, and allows a change of case")
    func rename() throws {
        let registry = Registry()
        _ = registry.register(registration(try nick("a"), id(1)))
        _ = registry.register(registration(try nick("b"), id(2)))
        #expect(registry.rename(try nick("a"), to: try nick("B")).problem == .nicknameInUse)
        #expect(registry.rename(try nick("a"), to: try nick("A")).problem == nil)
        #expect(registry.rename(try nick("A"), to: try nick("c")).problem == nil)
        #expect(registry.user(named: "a") == nil)
        #expect(registry.snapshot().map(\.nickname.name) == ["c", "b"])
    }

    @Test("remove only forgets the nickname if the same connection still holds it")
    func removeChecksOwner() throws {
        let registry = Registry()
        _ = registry.register(registration(try nick("a"), id(1)))
        _ = registry.remove(try nick("a"), id: id(9))
        #expect(registry.count == 1)
        _ = registry.remove(try nick("A"), id: id(1))
        #expect(registry.count == 0)
    }

    @Test("snapshot lists users in registration order")
    func order() throws {
        let registry = Registry()
        for (i, name) in ["zed", "amy", "Bob", "carl"].enumerated() {
            _ = registry.register(registration(try nick(name), id(UInt64(i))))
        }
        _ = registry.remove(try nick("amy"), id: id(1))
        _ = registry.register(registration(try nick("amy"), id(7)))
        #expect(registry.snapshot().map(\.nickname.name) == ["zed", "Bob", "carl", "amy"])
    }

    @Test("concurrent registrations of one name: exactly one wins")
    func concurrentRegistration() async throws {
        let registry = Registry()
        let name = try nick("race")
        let wins = await withTaskGroup(of: Bool.self) { group in
            for i in 0..<64 {
                group.addTask {
                    registry.register(
                        Registration(
                            nickname: name, id: ConnectionID(loop: 0, descriptor: Int32(i), serial: UInt64(i)),
                            address: "", connectedAt: 0, activity: UserActivity(now: 0), username: "race",
                            realname: "race", isIRCClient: false)
                    ).problem == nil
                }
            }
            return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(wins == 1)
    }
}

extension Result where Failure == DirectoryProblem {
    /// Why the change was refused, or nil when it was made.
    var problem: DirectoryProblem? {
        if case .failure(let problem) = self { return problem }
        return nil
    }
}
