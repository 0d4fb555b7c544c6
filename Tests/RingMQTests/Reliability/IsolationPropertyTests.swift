import RingMQ
import RingMQTesting
import Testing

/// Isolation, as properties over seeded random cases (the seed is in every failure; replay
/// with `RINGMQ_SEED`):
/// - sockets of one context never reach another context's endpoints, whatever the order of
///   binds and connects to the same names across contexts;
/// - a subscriber never receives a message that none of its subscriptions matches at the
///   moment it receives it, and receives exactly the matching ones (single-threaded, checked
///   against a model), also while another thread changes its subscriptions (concurrent).
@Suite(.runsAlone) struct IsolationPropertyTests {
    static let cases = Scale.count(normal: 300, stress: 5_000, sanitized: 40)

    // MARK: - Contexts

    @Test func socketsNeverReachAnotherContextsEndpoints() throws {
        let seed = TestSeed.value(default: 0x15_0A7E)
        var random = SplitMix64(seed: seed)
        let names = ["inproc://shared-a", "inproc://shared-b", "inproc://shared-c"]
        var delivered = 0
        for round in 0..<Self.cases {
            let location = "\(TestSeed.replay(seed)); round \(round)"
            let contexts = (0..<3).map { _ in Context() }
            defer { for context in contexts { context.terminate() } }
            var pullers: [(context: Int, socket: Socket)] = []
            var pushers: [(context: Int, socket: Socket)] = []
            var bound: Set<String> = []  // "context/name"

            // Binds and connects to the same few names from all contexts, in a random order.
            var steps: [(context: Int, binds: Bool)] = []
            for context in contexts.indices {
                steps += Array(repeating: (context, true), count: 2) + Array(repeating: (context, false), count: 2)
            }
            steps.shuffle(using: &random)
            for step in steps {
                let context = contexts[step.context]
                let name = names.randomElement(using: &random)!
                if step.binds {
                    let pull = try context.socket(.pull)
                    pull.receiveHighWaterMark = 10_000
                    let key = "\(step.context)/\(name)"
                    if bound.contains(key) {
                        expectError(.addressInUse) { try pull.bind(name) }
                    } else {
                        try pull.bind(name)
                        bound.insert(key)
                    }
                    pullers.append((step.context, pull))
                } else {
                    let push = try context.socket(.push)
                    push.sendHighWaterMark = 10_000
                    try push.connect(name)
                    pushers.append((step.context, push))
                }
            }
            for (index, pusher) in pushers.enumerated() {
                for copy in 0..<3 { _ = try pusher.socket.trySend(["\(pusher.context)", "\(index).\(copy)"]) }
            }
            for puller in pullers {
                let pushersHere = pushers.filter { $0.context == puller.context }.count
                #expect(puller.socket.statistics.peers <= pushersHere, "\(location): a peer from another context")
                while let message = try puller.socket.tryReceive() {
                    delivered += 1
                    #expect(
                        message[0].string == "\(puller.context)",
                        "\(location): context \(puller.context) received \(message[1].string) from context \(message[0].string)"
                    )
                }
            }
            for pusher in pushers {
                let bindersHere = pullers.contains { $0.context == pusher.context }
                if !bindersHere {
                    #expect(pusher.socket.statistics.peers == 0, "\(location): a PUSH found a peer in another context")
                }
            }
        }
        #expect(delivered > 0, "\(TestSeed.replay(seed)): no connection formed in any round, so nothing was tested")
    }

    // MARK: - Subscriptions

    /// Topics and message prefixes over a two-letter alphabet, so that prefixes often collide.
    private static func word(_ random: inout SplitMix64, maxLength: Int) -> String {
        String((0..<Int.random(in: 0...maxLength, using: &random)).map { _ in Bool.random(using: &random) ? "a" : "b" })
    }

    @Test func aSubscriberReceivesExactlyWhatItsSubscriptionsMatch() throws {
        let seed = TestSeed.value(default: 0x5B_5C1B)
        var random = SplitMix64(seed: seed)
        for round in 0..<Self.cases {
            let location = "\(TestSeed.replay(seed)); round \(round)"
            let context = Context()
            defer { context.terminate() }
            let pub = try context.socket(.pub)
            pub.sendHighWaterMark = 100_000
            try pub.bind("inproc://isolation-topics")
            let sub = try context.socket(.sub)
            sub.receiveHighWaterMark = 100_000
            try sub.connect("inproc://isolation-topics")

            // The model: the subscriptions in force (counted: each subscribe needs its own
            // unsubscribe) and the messages sent while a subscription matched them.
            var held: [String: Int] = [:]
            var inFlight: [String] = []
            func matches(_ topic: String) -> Bool { held.keys.contains { topic.hasPrefix($0) } }
            var sequence = 0
            for _ in 0..<40 {
                switch Int.random(in: 0..<10, using: &random) {
                case 0...1:
                    let topic = Self.word(&random, maxLength: 2)
                    try sub.subscribe(Frame(topic))
                    held[topic, default: 0] += 1
                case 2...3:
                    guard let topic = held.keys.sorted().randomElement(using: &random) else { continue }
                    try sub.unsubscribe(Frame(topic))
                    held[topic]! -= 1
                    if held[topic] == 0 { held[topic] = nil }
                case 4...7:
                    let topic = Self.word(&random, maxLength: 3)
                    sequence += 1
                    try pub.send(["\(topic)", "\(sequence)"])
                    if matches(topic) { inFlight.append("\(topic)/\(sequence)") }
                default:
                    var received: [String] = []
                    while let message = try sub.tryReceive() {
                        received.append("\(message[0].string)/\(message[1].string)")
                    }
                    func topic(_ entry: String) -> String {
                        String(entry.split(separator: "/", omittingEmptySubsequences: false)[0])
                    }
                    // Sent while matching and still matching now: exactly these, in order.
                    let expected = inFlight.filter { matches(topic($0)) }
                    let unmatched = received.filter { !matches(topic($0)) }
                    guard unmatched.isEmpty, received == expected else {
                        Issue.record(
                            "\(location): subscriptions \(held); unmatched \(unmatched); received \(received), expected \(expected)"
                        )
                        return
                    }
                    inFlight = []
                }
            }
        }
    }

    /// A thread changes its subscriptions at random while a publisher thread sends every
    /// topic: each message it receives matches what it holds when it receives it.
    @Test func aSubscriberChangingItsSubscriptionsUnderTrafficNeverGetsAnUnmatchedMessage() throws {
        let seed = TestSeed.value(default: 0xC0_4C07)
        let count = Scale.count(normal: 20_000, stress: 200_000, sanitized: 4_000)
        let context = TestContext()
        let pub = try context.socket(.pub)
        try pub.bind("inproc://isolation-traffic")
        let sub = try context.socket(.sub)
        sub.receiveTimeout = .zero
        try sub.connect("inproc://isolation-traffic")
        let topics = ["", "a", "b", "aa", "ab", "ba", "bb", "aab", "bba"]
        let done = Gate()
        let published = Gate()

        let publisher = Peer { () throws -> Int in
            var sent = 0
            while !done.isOpened, sent < 50 * count {
                try pub.send([Frame(topics[sent % topics.count]), "x"])
                sent += 1
                if sent % 64 == 0 { yieldThread() }
            }
            published.open()
            return sent
        }
        let subscriber = Peer { () throws -> (Int, [String]) in
            var random = SplitMix64(seed: seed)
            var held: [String: Int] = [:]
            var wrong: [String] = []
            var received = 0
            while received < count, wrong.isEmpty {
                if Int.random(in: 0..<16, using: &random) == 0 {
                    let topic = topics.dropFirst().randomElement(using: &random)!
                    if held[topic] != nil, Bool.random(using: &random) {
                        try sub.unsubscribe(Frame(topic))
                        held[topic]! -= 1
                        if held[topic] == 0 { held[topic] = nil }
                    } else {
                        try sub.subscribe(Frame(topic))
                        held[topic, default: 0] += 1
                    }
                }
                guard let message = try sub.tryReceive() else {
                    if published.isOpened { break }
                    if held.isEmpty {
                        try sub.subscribe("a")
                        held["a", default: 0] += 1
                    }
                    yieldThread()
                    continue
                }
                received += 1
                let topic = message[0].string
                if !held.keys.contains(where: { topic.hasPrefix($0) }) { wrong.append("\(topic) with \(held)") }
            }
            done.open()
            return (received, wrong)
        }
        let (received, wrong) = try subscriber.join().get()
        done.open()
        _ = try publisher.join().get()
        #expect(received > 0, "\(TestSeed.replay(seed)): nothing received")
        #expect(wrong.isEmpty, "\(TestSeed.replay(seed)): unmatched messages received: \(wrong.prefix(5))")
    }
}
