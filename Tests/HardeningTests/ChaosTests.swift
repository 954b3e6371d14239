import Foundation
import Platform
import TestSupport
import Testing

/// Two hundred clients connect, register, chat and leave at random against a server process,
/// while forty of them stay and read everything. Every choice comes from one seed; nothing
/// waits on time alone (each wait is for a line or a count, with a deadline), so a loaded
/// machine makes the test slower, never wrong.
@Suite("Chaos")
struct ChaosTests {
    /// How a churner leaves.
    enum Fate: CaseIterable {
        /// `QUIT :reason`: everything it sent before is delivered.
        case quit
        /// SO_LINGER 0 close: a prefix of what it sent is delivered.
        case reset
        /// Plain close.
        case close
        /// Sends half a line, then closes: the half line reaches nobody.
        case midline
        /// Stops reading: the server drops it with SendQ exceeded.
        case stall
        /// Never registers; resets or closes.
        case unregistered
    }

    final class Member {
        let client: ChaosClient
        let survivor: Bool
        let fate: Fate?
        var registered = false
        var stalled = false
        var gone = false
        /// The next sequence number this member sends.
        var sequence = 0
        init(client: ChaosClient, survivor: Bool, fate: Fate?) {
            self.client = client
            self.survivor = survivor
            self.fate = fate
        }
        var name: String { client.name }
        /// Still connected, registered, reading, and not leaving.
        var canChat: Bool { registered && !stalled && !gone }
    }

    static let seed: UInt64 = 0xC4A0_5EED
    static let survivorCount = 40
    static let churnerCount = 160
    static let rounds = 16

    @Test(
        "200 clients connect, chat and vanish at random; the registry empties, no descriptor leaks, every reader gets every message in order",
        .timeLimit(.minutes(10)))
    func chaos() throws {
        var random = SeededRandom(seed: Self.seed)
        let server = try ServerProcess([
            "--no-console", "--event-loops", "2", "--sendq-bytes", "16384", "--flood-burst", "10000000",
            "--flood-rate", "100000000", "--max-per-ip", "1000", "--max-clients", "1000",
        ])
        let log = try LogDrain(server)
        let baseline = try server.openDescriptorCount
        let baselineKinds = try DescriptorCensus.kinds(pid: server.pid)
        let started = Posix.monotonicNanoseconds()

        var members: [Member] = []
        func live() -> [Member] { members.filter { !$0.gone } }
        func pump() {
            log.drain()
            for member in members where !member.stalled { member.client.drain() }
        }
        /// Reads from every reader until `condition` holds; fails after `timeout` seconds.
        func pump(until what: String, timeout: Double = 20, _ condition: () -> Bool) throws {
            let deadline = Posix.monotonicNanoseconds() + Int64(timeout * 1e9)
            while true {
                pump()
                if condition() { return }
                guard Posix.monotonicNanoseconds() < deadline else {
                    throw ChaosFailure("timed out waiting for \(what)")
                }
                let readers = members.filter { !$0.stalled && $0.client.isReadable }.map(\.client.fd)
                _ = try Socket.waitReadable(readers, timeoutMilliseconds: 10)
            }
        }
        func register(_ batch: [Member]) throws {
            for member in batch { try member.client.send("NICK \(member.name)") }
            for member in batch {
                try member.client.waitFor("376 for \(member.name)") { $0.hasPrefix(":linechat 376 \(member.name) ") }
                member.registered = true
            }
        }

        // Survivors first, so that each of them is in the room for every chat line.
        let survivors = try (0..<Self.survivorCount).map {
            Member(client: try ChaosClient(name: "s\($0)", port: server.port), survivor: true, fate: nil)
        }
        members += survivors
        for wave in stride(from: 0, to: survivors.count, by: 10) { try register(Array(survivors[wave..<(wave + 10)])) }
        let watcher = survivors[0]
        let bully = survivors[1]

        // Churners, each with a fate and a round to meet it in.
        var fates = (0..<Self.churnerCount).map { Fate.allCases[$0 % Fate.allCases.count] }
        fates.shuffle(using: &random)
        var pending = fates.enumerated().map { index, fate in (name: "c\(index)", fate: fate) }
        var departures: [Int: [Member]] = [:]

        // Sent messages, for checking: per sender, each sequence number with who must get it.
        var sentTo: [String: [(sequence: Int, recipients: Set<String>)]] = [:]
        let survivorNames = Set(survivors.map(\.name))

        for round in 0..<Self.rounds {
            // Arrivals.
            let arriving = pending.prefix(Self.churnerCount / Self.rounds)
            pending.removeFirst(arriving.count)
            var newcomers: [Member] = []
            for (name, fate) in arriving {
                let member = Member(client: try ChaosClient(name: name, port: server.port), survivor: false, fate: fate)
                if fate == .stall { member.client.shrinkReceiveBuffer() }
                members.append(member)
                if fate != .unregistered { newcomers.append(member) }
                departures[min(Self.rounds - 1, round + 1 + random.below(4)), default: []].append(member)
            }
            try register(newcomers)

            // Chat: broadcasts and private messages with per-sender sequence numbers.
            let talkers = live().filter(\.canChat)
            for _ in 0..<24 {
                let sender = random.pick(talkers)
                let sequence = sender.sequence
                sender.sequence += 1
                if random.chance(50) {
                    try sender.client.send("BROADCAST m \(sender.name) \(sequence)")
                    sentTo[sender.name, default: []].append((sequence, survivorNames))
                } else {
                    var targets: [String] = []
                    for _ in 0..<(1 + random.below(3)) {
                        let target = random.chance(70) ? random.pick(survivors).name : random.pick(talkers).name
                        if !targets.contains(target) { targets.append(target) }
                    }
                    try sender.client.send("PRIVMSG \(targets.joined(separator: ",")) :m \(sender.name) \(sequence)")
                    sentTo[sender.name, default: []].append((sequence, Set(targets).intersection(survivorNames)))
                }
            }

            // Stalled clients stop reading; the bully fills their queues.
            for member in live() where member.fate == .stall && member.registered && !member.stalled {
                member.stalled = true
            }
            let stalled = live().filter(\.stalled).map(\.name)
            if !stalled.isEmpty {
                let pad = String(repeating: "z", count: 400)
                for _ in 0..<10 {
                    try bully.client.send("PRIVMSG \(stalled.prefix(10).joined(separator: ",")) :flood \(pad)")
                }
            }

            // Departures.
            for member in departures[round] ?? [] where !member.gone {
                switch member.fate! {
                case .quit:
                    try member.client.send("QUIT :bye from \(member.name)")
                case .reset:
                    member.client.reset()
                case .close:
                    member.client.close()
                case .midline:
                    try member.client.sendRaw(Array("BROADCAST half-line-from-\(member.name)".utf8))
                    member.client.close()
                case .unregistered:
                    if random.chance(50) { member.client.reset() } else { member.client.close() }
                case .stall:
                    continue  // stays until the server drops it
                }
                member.gone = true
            }
            pump()
        }

        // Every stalled client is dropped for its full sendq; the bully keeps pushing until then.
        let stallers = members.filter { $0.fate == .stall }
        let quitLine = { (member: Member) in ":\(member.name) QUIT :SendQ exceeded" }
        // One batch in flight at a time (each ends with a PING whose PONG the bully awaits), so
        // that the bully's own 401 replies for targets already gone stay far below its sendq.
        var batch = 0
        var awaitingPong = false
        try pump(until: "every stalled client dropped for SendQ", timeout: 60) {
            if awaitingPong {
                guard bully.client.lines.suffix(400).contains(":linechat PONG linechat :batch\(batch)") else {
                    return false
                }
                awaitingPong = false
                batch += 1
            }
            let seen = Set(watcher.client.lines.filter { $0.hasSuffix(" QUIT :SendQ exceeded") })
            let remaining = stallers.filter { !seen.contains(quitLine($0)) }
            if remaining.isEmpty { return true }
            let pad = String(repeating: "z", count: 400)
            let line = "PRIVMSG \(remaining.prefix(10).map(\.name).joined(separator: ",")) :flood \(pad)\r\n"
            try? bully.client.sendRaw(Array((String(repeating: line, count: 20) + "PING batch\(batch)\r\n").utf8))
            awaitingPong = true
            return false
        }
        for member in stallers { member.gone = true }

        // Every survivor gets everything from every sender that stayed or quit cleanly.
        let exactSenders = Set(members.filter { $0.survivor || $0.fate == .quit }.map(\.name))
        func expected(_ sender: String, _ reader: String) -> [Int] {
            (sentTo[sender] ?? []).filter { $0.recipients.contains(reader) }.map(\.sequence)
        }
        var awaited: [(reader: ChaosClient, line: String)] = []
        for reader in survivors {
            for sender in exactSenders {
                guard let last = expected(sender, reader.name).last else { continue }
                awaited.append((reader.client, " :m \(sender) \(last)"))
            }
        }
        try pump(until: "the last message from every sender to every survivor") {
            awaited.removeAll { item in item.reader.lines.contains { $0.hasSuffix(item.line) } }
            return awaited.isEmpty
        }
        let chatSeconds = Double(Posix.monotonicNanoseconds() - started) / 1e9

        var deliveriesChecked = 0
        for reader in survivors {
            var got: [String: [Int]] = [:]
            var quitSeen: Set<String> = []
            for line in reader.client.lines {
                let words = line.split(separator: " ", omittingEmptySubsequences: false)
                guard words.count >= 3, words[0].hasPrefix(":") else { continue }
                let source = String(words[0].dropFirst())
                switch words[1] {
                case "PRIVMSG":
                    // BROADCAST reaches everyone (in #lobby) as a PRIVMSG to #lobby.
                    #expect(!line.contains("half-line"), "\(reader.name) got a half line: \(line)")
                    #expect(!quitSeen.contains(source), "\(reader.name) got \(line) after \(source) quit")
                    let text = words[3...]
                    guard text.first == ":m" else {
                        Issue.record("\(reader.name) got an unexpected message: \(line)")
                        continue
                    }
                    #expect(text.count == 3 && text[text.startIndex + 1] == source, "\(line): source is not the sender")
                    if words[2] != "#lobby" { #expect(words[2] == reader.name, "\(line) reached \(reader.name)") }
                    got[source, default: []].append(Int(text.last!) ?? -1)
                case "QUIT":
                    quitSeen.insert(source)
                default:
                    break
                }
            }
            for (sender, _) in sentTo {
                let want = expected(sender, reader.name)
                let have = got[sender] ?? []
                deliveriesChecked += have.count
                if exactSenders.contains(sender) {
                    #expect(have == want, "\(reader.name) from \(sender): got \(have), sent \(want)")
                } else {
                    #expect(
                        Array(want.prefix(have.count)) == have,
                        "\(reader.name) from \(sender): got \(have), sent \(want)")
                }
            }
            for (sender, _) in got where sentTo[sender] == nil {
                Issue.record("\(reader.name) got messages from \(sender), who sent none")
            }
        }

        // Everybody leaves; the watcher last, once it has seen every other registered user quit.
        var quitReasons: [String: String] = [:]
        var quitScan = 0
        for member in survivors.dropFirst() {
            switch random.below(3) {
            case 0: try member.client.send("QUIT :bye from \(member.name)")
            case 1: member.client.reset()
            default: member.client.close()
            }
            member.gone = true
        }
        let registeredNames = Set(members.filter { $0.registered && $0 !== watcher }.map(\.name))
        try pump(until: "every registered user's QUIT at the watcher") {
            for line in watcher.client.lines[quitScan...] {
                if let range = line.range(of: " QUIT :") {
                    quitReasons[String(line[line.index(after: line.startIndex)..<range.lowerBound])] =
                        String(line[range.upperBound...])
                }
            }
            quitScan = watcher.client.lines.count
            return registeredNames.isSubset(of: quitReasons.keys)
        }
        for member in members where member.fate == .quit {
            #expect(quitReasons[member.name] == "Quit: bye from \(member.name)")
        }
        // Exactly the clients that stopped reading were dropped for their sendq.
        let droppedForSendQ = Set(quitReasons.filter { $0.value == "SendQ exceeded" }.keys)
        #expect(droppedForSendQ == Set(stallers.map(\.name)), "dropped for SendQ: \(droppedForSendQ.sorted())")
        try watcher.client.send("QUIT :last")
        try watcher.client.waitFor("ERROR for the watcher") { $0.hasPrefix("ERROR :Closing link: s0") }

        // A fresh probe finds nobody else in the registry.
        let probe = try ChaosClient(name: "probe", port: server.port)
        try probe.send("NICK probe")
        try probe.waitFor("376 for the probe") { $0.hasPrefix(":linechat 376 probe ") }
        try probe.send("LIST")
        try probe.waitFor("323") { $0 == ":linechat 323 probe :End of LIST" }
        let listed = probe.lines.filter { $0.hasPrefix(":linechat 322 probe ") }
        #expect(listed.count == 1 && listed[0].hasPrefix(":linechat 322 probe probe "), "LIST: \(listed)")
        probe.close()
        for member in members { member.client.reset() }

        // Descriptors back to the baseline (under a sanitizer, whose runtime opens pipes to its
        // symbolizer, every kind but pipes), and the log tells a consistent story.
        let returned = try waitUntil(timeout: 20) {
            log.drain()
            return try Sanitizers.active
                ? DescriptorCensus.kinds(pid: server.pid).filter { $0.key != "pipe" }
                    == baselineKinds.filter { $0.key != "pipe" }
                : server.openDescriptorCount == baseline
        }
        #expect(returned, "server descriptors: \(DescriptorCensus.describe(pid: server.pid)), baseline \(baselineKinds)")
        log.drain()
        let connected = log.lines(containing: " info connected ").count
        let disconnected = log.lines(containing: " info disconnected ").count
        #expect(connected == members.count + 1, "connected lines: \(connected)")
        #expect(disconnected == connected, "connected \(connected) times, disconnected \(disconnected) times")
        #expect(log.lines(containing: " error ").isEmpty, "errors logged: \(log.lines(containing: " error "))")
        #expect(server.terminate() == 0)
        let reasons = Dictionary(grouping: quitReasons.values) { $0.hasPrefix("Quit: ") ? "Quit" : $0 }.mapValues(
            \.count)
        print(
            "chaos: \(members.count) clients, \(deliveriesChecked) deliveries checked, quits \(reasons), "
                + "\(String(format: "%.1f", chatSeconds)) s to the end of the chat, seed \(Self.seed)")
        #expect(deliveriesChecked > 5000)
    }
}
