import RingMQ
import Testing

/// The topics published: exact keys, longer topics starting with a key, and near misses.
private let publishedTopics: [String] = {
    var topics: [String] = []
    for k in stride(from: 0, to: 10_000, by: 7) { topics.append("key-\(k)") }
    for k in stride(from: 3, to: 10_000, by: 11) { topics += ["key-\(k)/detail", "key-\(k)0"] }
    for k in stride(from: 1, to: 10_000, by: 97) { topics += ["kex-\(k)", "KEY-\(k)", "xkey-\(k)", " key-\(k)"] }
    topics += ["key-10000", "key-99999", "key-0000", "key-", "key", "k", "", "key-a", "key--1", "key-\u{0}1"]
    return topics
}()

/// The topics among `topics` that start with one of `subscriptions`, checked prefix by
/// prefix against a set (independently of the library's trie).
private func expectedDeliveries(of topics: [String], for subscriptions: Set<String>) -> [Message] {
    topics.filter { topic in
        let bytes = Array(topic.utf8)
        return (0...bytes.count).contains { subscriptions.contains(String(decoding: bytes.prefix($0), as: UTF8.self)) }
    }.map { Message($0) }
}

/// Ten thousand distinct subscriptions on one SUB and one XSUB (which does not filter on its
/// own side, so it shows exactly what the publisher sent): every published topic is
/// delivered once if and only if some subscription is a prefix of it, before and after half
/// of them are withdrawn; a 100,000-byte subscription comes and goes with its subscriber.
@Suite(.runsAlone) struct ManySubscriptionsTests {
    @Test func tenThousandSubscriptionsMatchExactly() throws {
        let test = TestContext()
        let pub = try test.socket(.pub)
        pub.sendHighWaterMark = 0
        try pub.bind("inproc://many")
        let subscribers = try [SocketType.sub, .xsub].map { type in
            let socket = try test.socket(type)
            socket.receiveHighWaterMark = 0
            try socket.connect("inproc://many")
            return socket
        }
        var subscriptions = Set((0..<10_000).map { "key-\($0)" })
        for socket in subscribers {
            for key in subscriptions { try socket.subscribe(Frame(key)) }
        }
        let held = pub.subscriptions
        #expect(held.count == 10_000)
        #expect(held.values.allSatisfy { $0 == 2 })

        for round in ["all", "odd half"] {
            let expected = expectedDeliveries(of: publishedTopics, for: subscriptions)
            #expect(expected.count > 1000 && expected.count < publishedTopics.count - 100, "the topics test both ways")
            for topic in publishedTopics { try pub.send(Message(topic)) }
            for (socket, name) in zip(subscribers, ["SUB", "XSUB"]) {
                let received = try drain(socket)
                #expect(received.count == expected.count, "\(name), \(round)")
                let difference = received.indices.first { $0 < expected.count && received[$0] != expected[$0] }
                #expect(
                    difference == nil,
                    "\(name), \(round): \(difference.map { "got \(received[$0]), expected \(expected[$0])" } ?? "")")
            }
            // Withdraw the even keys.
            for k in stride(from: 0, to: 10_000, by: 2) {
                for socket in subscribers { try socket.unsubscribe(Frame("key-\(k)")) }
                subscriptions.remove("key-\(k)")
            }
            #expect(pub.subscriptions.count == subscriptions.count)
        }

        subscribers[0].close()
        #expect(pub.subscriptions.count == 5_000)
        #expect(pub.subscriptions.values.allSatisfy { $0 == 1 })
    }

    @Test func aHundredThousandByteSubscriptionComesAndGoes() throws {
        let test = TestContext()
        let pub = try test.socket(.pub)
        try pub.bind("inproc://long")
        let sub = try test.socket(.sub)
        try sub.connect("inproc://long")
        let prefix = (0..<100_000).map { UInt8(truncatingIfNeeded: $0 &* 13) }
        try sub.subscribe(Frame(prefix))
        try sub.subscribe(Frame(Array(prefix.prefix(10))))
        #expect(pub.subscriptions.keys.map(\.count).sorted() == [10, 100_000])
        try pub.send(Message(prefix + [9]))
        #expect(try drain(sub).count == 1)
        try sub.unsubscribe(Frame(prefix))
        #expect(pub.subscriptions.keys.map(\.count) == [10])
        try sub.subscribe(Frame(prefix))
        sub.close()
        #expect(pub.subscriptions.isEmpty)
    }
}
