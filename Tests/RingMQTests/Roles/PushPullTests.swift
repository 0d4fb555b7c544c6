import RingMQ
import Testing

/// `count` PULL sockets bound to `inproc://pull-0`, `inproc://pull-1`, …, with the given
/// receive high-water marks (default when `nil`).
private func pulls(_ context: TestContext, count: Int, receiveHighWaterMarks: [Int]? = nil) throws -> [Socket] {
    try (0..<count).map { i in
        let pull = try context.socket(.pull)
        if let marks = receiveHighWaterMarks { pull.receiveHighWaterMark = marks[i] }
        try pull.bind("inproc://pull-\(i)")
        return pull
    }
}

@Suite(.runsAlone) struct PushPullTests {
    // MARK: - PUSH: load balancing

    @Test func pushRoundRobinsOverItsPeers() throws {
        let context = TestContext()
        let pullers = try pulls(context, count: 3)
        let push = try context.socket(.push)
        for i in 0..<3 { try push.connect("inproc://pull-\(i)") }
        for i in 0..<30 { try push.send(numbered(i)) }
        for (p, pull) in pullers.enumerated() {
            #expect(try drainNumbers(pull) == Array(stride(from: p, to: 30, by: 3)), "puller \(p)")
        }
    }

    @Test func boundPushRoundRobinsOverConnectedPeers() throws {
        let context = TestContext()
        let push = try context.socket(.push)
        try push.bind("inproc://fan-out")
        let pullers = try (0..<3).map { _ in
            let pull = try context.socket(.pull)
            try pull.connect("inproc://fan-out")
            return pull
        }
        for i in 0..<30 { try push.send(numbered(i)) }
        let received = try pullers.map { try drainNumbers($0) }
        // Each puller gets every third message, in order.
        for (p, numbers) in received.enumerated() {
            #expect(numbers.count == 10, "puller \(p)")
            #expect(numbers == numbers.sorted(), "puller \(p)")
            #expect(Set(numbers.map { $0 % 3 }).count == 1, "puller \(p) got \(numbers)")
        }
        #expect(received.flatMap { $0 }.sorted() == Array(0..<30))
    }

    @Test func aNewPeerJoinsTheRotation() throws {
        let context = TestContext()
        let pullers = try pulls(context, count: 2)
        let push = try context.socket(.push)
        try push.connect("inproc://pull-0")
        for i in 0..<4 { try push.send(numbered(i)) }
        try push.connect("inproc://pull-1")
        for i in 4..<10 { try push.send(numbered(i)) }
        let first = try drainNumbers(pullers[0])
        let second = try drainNumbers(pullers[1])
        #expect(Array(first.prefix(4)) == [0, 1, 2, 3])
        #expect(first.count == 7 && second.count == 3)
        #expect((first + second).sorted() == Array(0..<10))
    }

    @Test func pushSkipsAFullPeer() throws {
        let context = TestContext()
        // Queues: 1 + 100, 1 + 1, 1 + 100.
        let pullers = try pulls(context, count: 3, receiveHighWaterMarks: [100, 1, 100])
        let push = try context.socket(.push)
        push.sendHighWaterMark = 1
        for i in 0..<3 { try push.connect("inproc://pull-\(i)") }
        for i in 0..<30 {
            #expect(try push.trySend(numbered(i)), "message \(i): a peer had room")
        }
        let received = try pullers.map { try drainNumbers($0) }
        #expect(received[1] == [1, 4], "the middle peer takes its turns until its queue of 2 is full")
        #expect(received[0] == received[0].sorted())
        #expect(received[2] == received[2].sorted())
        #expect(abs(received[0].count - received[2].count) <= 1, "the others share the rest: \(received)")
        #expect(received.flatMap { $0 }.sorted() == Array(0..<30))

        // Once it has room again, the middle peer is back in the rotation.
        for i in 30..<33 { try push.send(numbered(i)) }
        #expect(try pullers.map { try drainNumbers($0).count } == [1, 1, 1])
    }

    @Test func pushWaitsWhenEveryPeerIsFull() throws {
        let context = TestContext()
        let pullers = try pulls(context, count: 2, receiveHighWaterMarks: [1, 1])
        let push = try context.socket(.push)
        push.sendHighWaterMark = 1
        for i in 0..<2 { try push.connect("inproc://pull-\(i)") }
        #expect(try fill(push, limit: 100) == 4)
        #expect(try push.trySend("full") == false)
        push.sendTimeout = .milliseconds(50)
        expectTimesOut(after: .milliseconds(50)) { try push.send("full") }
        // Nothing extra was queued.
        #expect(try pullers.map { try drainNumbers($0) } == [[0, 2], [1, 3]])
    }

    @Test func pushWithoutPeersWaits() throws {
        let context = TestContext()
        let push = try context.socket(.push)
        #expect(try push.trySend("nobody") == false)
        push.sendTimeout = .milliseconds(30)
        expectTimesOut(after: .milliseconds(30)) { try push.send("nobody") }
    }

    // MARK: - PULL: fair queueing

    @Test func pullFairQueuesOverItsPeers() throws {
        let context = TestContext()
        let pull = try context.socket(.pull)
        try pull.bind("inproc://fair")
        let pushes = try (0..<3).map { _ in
            let push = try context.socket(.push)
            try push.connect("inproc://fair")
            return push
        }
        let k = 5
        for (s, push) in pushes.enumerated() {
            for sequence in 0..<k { try push.send(tagged(sender: s, sequence: sequence)) }
        }
        let tags = try drain(pull).compactMap(tag(of:))
        #expect(tags.count == 3 * k)
        let senders = tags.map(\.sender)
        // The senders take turns: the first three are distinct, then the pattern repeats.
        #expect(Set(senders.prefix(3)) == [0, 1, 2], "order: \(senders)")
        for i in 3..<senders.count {
            #expect(senders[i] == senders[i - 3], "order: \(senders)")
        }
        for s in 0..<3 {
            #expect(tags.filter { $0.sender == s }.map(\.sequence) == Array(0..<k))
        }
    }

    @Test func oneBusyPusherCannotStarveAnother() throws {
        let context = TestContext()
        let pull = try context.socket(.pull)
        try pull.bind("inproc://starve")
        let busy = try context.socket(.push)
        try busy.connect("inproc://starve")
        let quiet = try context.socket(.push)
        try quiet.connect("inproc://starve")
        for i in 0..<100 { try busy.send(tagged(sender: 0, sequence: i)) }
        try quiet.send(tagged(sender: 1, sequence: 0))
        let firstTwo = try (0..<2).compactMap { _ in try pull.tryReceive().flatMap(tag(of:)) }
        #expect(firstTwo.contains { $0.sender == 1 }, "the quiet pusher waited behind the busy one: \(firstTwo)")
    }

    // MARK: - Exactly once, in order

    @Test func everyMessageReachesExactlyOnePullInOrder() throws {
        let context = TestContext()
        let pullers = try pulls(context, count: 3)
        let pushes = try (0..<3).map { _ in
            let push = try context.socket(.push)
            for i in 0..<3 { try push.connect("inproc://pull-\(i)") }
            return push
        }
        let perSender = 300
        for sequence in 0..<perSender {
            for (s, push) in pushes.enumerated() { try push.send(tagged(sender: s, sequence: sequence)) }
        }
        var all: [Int: [Int]] = [:]
        for pull in pullers {
            let tags = try drain(pull).compactMap(tag(of:))
            for s in 0..<3 {
                let sequences = tags.filter { $0.sender == s }.map(\.sequence)
                #expect(sequences == sequences.sorted(), "sender \(s) to one puller out of order")
                all[s, default: []] += sequences
            }
        }
        for s in 0..<3 {
            #expect(all[s, default: []].sorted() == Array(0..<perSender), "sender \(s): lost or duplicated")
        }
    }

    @Test func pullReadsWhatAPeerSentBeforeAnotherConnected() throws {
        let context = TestContext()
        let pull = try context.socket(.pull)
        try pull.bind("inproc://early")
        let first = try context.socket(.push)
        try first.connect("inproc://early")
        try first.send("first")
        let second = try context.socket(.push)
        try second.connect("inproc://early")
        try second.send("second")
        #expect(Set(try drain(pull)) == ["first", "second"])
    }
}
