import RingMQ
import Testing

/// What one client of a broker received: how many replies for each of its sequence numbers,
/// which worker answered them, and what did not belong.
private struct ReplyLog: Sendable {
    let client: Int
    var replies: [UInt8]
    var perWorker: [Int]
    /// Replies that are not the echo of a request of this client (another client's, or garbage).
    var foreign = 0
    /// Replies whose sequence number is not above the previous one's.
    var outOfOrder = 0
    private var last = -1

    init(client: Int, requests: Int, workers: Int) {
        self.client = client
        replies = Array(repeating: 0, count: requests)
        perWorker = Array(repeating: 0, count: workers)
    }

    /// Records a reply made by ``startEchoWorker(_:name:counting:)``: the request's frame, then the
    /// worker's name.
    mutating func record(_ reply: Message) {
        guard reply.count == 2, let tag = tag(of: Message(reply[0])), tag.sender == client,
            replies.indices.contains(tag.sequence), let worker = workerIndex(reply[1]),
            perWorker.indices.contains(worker)
        else {
            foreign += 1
            return
        }
        replies[tag.sequence] &+= 1
        perWorker[worker] += 1
        if tag.sequence <= last { outOfOrder += 1 }
        last = tag.sequence
    }
}

/// Checks that every request of every client was answered exactly once, to that client, and
/// that what the workers say they answered adds up to what the clients received.
private func expectEachAnsweredOnce(
    _ logs: [ReplyLog], answered: [Int], inOrder: Bool, sourceLocation: SourceLocation = #_sourceLocation
) {
    let requests = logs.map(\.replies.count).reduce(0, +)
    let missing = logs.map { $0.replies.filter { $0 == 0 }.count }.reduce(0, +)
    let duplicated = logs.map { $0.replies.filter { $0 > 1 }.count }.reduce(0, +)
    #expect(
        logs.map(\.foreign).reduce(0, +) == 0, "replies that went to the wrong client", sourceLocation: sourceLocation)
    #expect(missing == 0, "requests never answered", sourceLocation: sourceLocation)
    #expect(duplicated == 0, "requests answered twice", sourceLocation: sourceLocation)
    if inOrder {
        #expect(logs.map(\.outOfOrder).reduce(0, +) == 0, "replies out of order", sourceLocation: sourceLocation)
    }
    #expect(answered.reduce(0, +) == requests, "workers answered \(answered)", sourceLocation: sourceLocation)
    for (w, count) in answered.enumerated() {
        let received = logs.map { $0.perWorker[w] }.reduce(0, +)
        #expect(
            received == count, "worker \(w) answered \(count), clients received \(received)",
            sourceLocation: sourceLocation)
        #expect(count > 0, "worker \(w) took no part", sourceLocation: sourceLocation)
    }
}

/// Request-reply with real threads on every side: clients, a broker (ROUTER | proxy | DEALER)
/// and REP workers, each on its own thread. Bounded in iterations (scaled by
/// `RINGMQ_STRESS=1`, reduced under ThreadSanitizer) and in time (``TestContext`` timeouts on
/// every blocking call, bounded joins; the proxy and the workers end when the context
/// terminates).
///
/// CI runs this suite under `--sanitize=thread`. Serialized: each test starts up to eight
/// threads, and the machine has two cores.
@Suite(.serialized, .runsAlone) struct RequestReplyConcurrencyTests {
    static let clientCount = 4
    static let workerCount = 2

    @Test func requestersThroughABrokerEachGetTheirOwnRepliesInOrder() throws {
        let perClient = Scale.count(normal: 20_000, stress: 100_000, sanitized: 20_000)
        let context = TestContext()
        defer { context.terminate() }
        let broker = try BrokerFixture(context, workers: Self.workerCount, clients: Self.clientCount, of: .req)
        let start = StartBarrier(count: Self.clientCount)
        let clients = broker.clients.enumerated().map { c, req in
            Peer { () throws -> ReplyLog in
                var log = ReplyLog(client: c, requests: perClient, workers: Self.workerCount)
                start.arriveAndWait()
                for sequence in 0..<perClient {
                    try req.send(tagged(sender: c, sequence: sequence))
                    log.record(try req.receive())
                }
                return log
            }
        }

        let logs = try clients.map { try $0.join().get() }
        let answered = try broker.stop()
        expectEachAnsweredOnce(logs, answered: answered, inOrder: true)
    }

    @Test func dealerClientsWithRequestsInFlightEachGetTheirOwnReplies() throws {
        let perClient = Scale.count(normal: 20_000, stress: 100_000, sanitized: 20_000)
        let window = 16
        let context = TestContext()
        defer { context.terminate() }
        let broker = try BrokerFixture(context, workers: Self.workerCount, clients: Self.clientCount, of: .dealer)
        let start = StartBarrier(count: Self.clientCount)
        let clients = broker.clients.enumerated().map { c, dealer in
            Peer { () throws -> ReplyLog in
                var log = ReplyLog(client: c, requests: perClient, workers: Self.workerCount)
                start.arriveAndWait()
                var sent = 0
                var received = 0
                while received < perClient {
                    // Keep up to `window` requests outstanding; the replies come back in any
                    // order, as two workers answer them.
                    while sent < perClient, sent - received < window {
                        try dealer.send(["", tagged(sender: c, sequence: sent)[0]])
                        sent += 1
                    }
                    let reply = try dealer.receive()
                    received += 1
                    if reply.first?.isEmpty == true {
                        log.record(Message(Array(reply.dropFirst())))
                    } else {
                        log.foreign += 1
                    }
                }
                return log
            }
        }

        let logs = try clients.map { try $0.join().get() }
        let answered = try broker.stop()
        expectEachAnsweredOnce(logs, answered: answered, inOrder: false)
    }

    @Test func clientsComeAndGoWhileTheBrokerServes() throws {
        let rounds = Scale.count(normal: 500, stress: 5_000, sanitized: 200)
        let perRound = 3
        let threads = 2
        let context = TestContext()
        defer { context.terminate() }
        let answeredSoFar = Counter()
        let broker = try BrokerFixture(context, workers: Self.workerCount, counting: answeredSoFar)
        let start = StartBarrier(count: threads)
        // Each thread opens a fresh anonymous REQ per round, makes a few requests and closes it;
        // every third round it closes with a request still outstanding, whose reply the
        // frontend then has nobody to route to. Returns how many requests it sent, and how
        // many replies were not the echo of the request just sent.
        let clients = (0..<threads).map { t in
            Peer { () throws -> (sent: Int, wrong: Int) in
                start.arriveAndWait()
                var sent = 0
                var wrong = 0
                for round in 0..<rounds {
                    let req = try context.socket(.req)
                    try req.connect("inproc://front")
                    let client = t * rounds + round
                    for sequence in 0..<perRound {
                        let request = tagged(sender: client, sequence: sequence)
                        try req.send(request)
                        sent += 1
                        let reply = try req.receive()
                        if reply.count != 2 || reply[0] != request[0] || workerIndex(reply[1]) == nil { wrong += 1 }
                    }
                    if round % 3 == 0 {
                        try req.send(tagged(sender: client, sequence: perRound))
                        sent += 1
                    }
                    req.close()
                }
                return (sent, wrong)
            }
        }

        let results = try clients.map { try $0.join().get() }
        #expect(results.map(\.wrong).reduce(0, +) == 0)
        let sent = results.map(\.sent).reduce(0, +)
        // The abandoned requests were queued before their clients closed: the workers answer
        // them too. Wait (bounded) for the last of those answers.
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: Scale.safety)
        while answeredSoFar.current < sent, clock.now < deadline { yieldThread() }

        // The broker still serves a newcomer.
        let last = try context.socket(.req)
        try last.connect("inproc://front")
        try last.send("still there?")
        #expect(try last.receive().first == "still there?")

        let answered = try broker.stop()
        #expect(answered.reduce(0, +) == sent + 1, "every request answered exactly once: \(answered), sent \(sent + 1)")
    }

    @Test func aMandatoryRouterWaitsForEachFullPeerAndIsWokenByItsReads() throws {
        let perPeer = Scale.count(normal: 20_000, stress: 200_000, sanitized: 10_000)
        let names: [Frame] = ["A", "B"]
        let context = TestContext()
        let router = try context.socket(.router)
        router.routerMandatory = true
        router.sendHighWaterMark = 1
        try router.bind("inproc://mandatory")
        let dealers = try names.map { name in
            let dealer = try context.socket(.dealer)
            dealer.receiveHighWaterMark = 1
            dealer.routingID = name
            try dealer.connect("inproc://mandatory")
            return dealer
        }
        // Queues of two messages: the ROUTER waits on a full peer all the time, and each read
        // must wake it.
        let readers = dealers.map { dealer in
            Peer { () throws -> Int in
                var wrong = 0
                for i in 0..<perPeer where number(try dealer.receive()) != i { wrong += 1 }
                return wrong
            }
        }
        for i in 0..<perPeer {
            for name in names { try router.send([name, numbered(i)[0]]) }
        }
        for (r, reader) in readers.enumerated() {
            #expect(try reader.join().get() == 0, "peer \(r) received messages out of order or altered")
        }
        for dealer in dealers { #expect(try dealer.tryReceive() == nil) }
    }
}
