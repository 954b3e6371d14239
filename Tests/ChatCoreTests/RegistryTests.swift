import ChatCore
import LineProtocol
import Testing

@Suite("Registry")
struct RegistryTests {
    func id(_ n: UInt64, loop: Int = 0) -> ConnectionID { ConnectionID(loop: loop, descriptor: Int32(n), serial: n) }
    func nick(_ name: String) throws -> Nickname { try Nickname(validating: name) }

    @Test("nicknames are unique ignoring case")
    func uniqueIgnoringCase() throws {
        let registry = Registry()
        #expect(registry.register(try nick("Alice"), id: id(1), address: "a", connectedAt: 0, activity: UserActivity(now: 0)).problem == nil)
        #expect(registry.register(try nick("alice"), id: id(2), address: "b", connectedAt: 0, activity: UserActivity(now: 0)).problem == .nicknameInUse)
        #expect(registry.user(named: "ALICE")?.id == id(1))
        #expect(registry.count == 1)
    }

    @Test("renaming frees the old name, keeps the user's place, and allows a change of case")
    func rename() throws {
        let registry = Registry()
        _ = registry.register(try nick("a"), id: id(1), address: "", connectedAt: 0, activity: UserActivity(now: 0))
        _ = registry.register(try nick("b"), id: id(2), address: "", connectedAt: 0, activity: UserActivity(now: 0))
        #expect(registry.rename(try nick("a"), to: try nick("B")).problem == .nicknameInUse)
        #expect(registry.rename(try nick("a"), to: try nick("A")).problem == nil)
        #expect(registry.rename(try nick("A"), to: try nick("c")).problem == nil)
        #expect(registry.user(named: "a") == nil)
        #expect(registry.snapshot().map(\.nickname.name) == ["c", "b"])
    }

    @Test("remove only forgets the nickname if the same connection still holds it")
    func removeChecksOwner() throws {
        let registry = Registry()
        _ = registry.register(try nick("a"), id: id(1), address: "", connectedAt: 0, activity: UserActivity(now: 0))
        registry.remove(try nick("a"), id: id(9))
        #expect(registry.count == 1)
        registry.remove(try nick("A"), id: id(1))
        #expect(registry.count == 0)
    }

    @Test("snapshot lists users in registration order")
    func order() throws {
        let registry = Registry()
        for (i, name) in ["zed", "amy", "Bob", "carl"].enumerated() {
            _ = registry.register(try nick(name), id: id(UInt64(i)), address: "", connectedAt: 0, activity: UserActivity(now: 0))
        }
        registry.remove(try nick("amy"), id: id(1))
        _ = registry.register(try nick("amy"), id: id(7), address: "", connectedAt: 0, activity: UserActivity(now: 0))
        #expect(registry.snapshot().map(\.nickname.name) == ["zed", "Bob", "carl", "amy"])
    }

    @Test("concurrent registrations of one name: exactly one wins")
    func concurrentRegistration() async throws {
        let registry = Registry()
        let name = try nick("race")
        let wins = await withTaskGroup(of: Bool.self) { group in
            for i in 0..<64 {
                group.addTask {
                    registry.register(name, id: ConnectionID(loop: 0, descriptor: Int32(i), serial: UInt64(i)), address: "", connectedAt: 0, activity: UserActivity(now: 0)).problem == nil
                }
            }
            return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(wins == 1)
    }
}

extension Result where Success == Void, Failure == Registry.Problem {
    /// Why the change was refused, or nil when it was made.
    var problem: Registry.Problem? {
        if case .failure(let problem) = self { return problem }
        return nil
    }
}
