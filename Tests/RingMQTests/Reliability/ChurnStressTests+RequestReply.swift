import RingMQ
import Testing

extension ChurnStressTests {
    /// How the REQ clients reach the REP workers.
    enum Route: String, CaseIterable, Sendable, CustomTestStringConvertible {
        /// Through a broker: ROUTER frontend, ``proxy(frontend:backend:capture:)``, DEALER
        /// backend; clients connect to the frontend, workers to the backend.
        case broker
        /// Straight: each client's REQ binds an endpoint of its own, and each worker's REP
        /// connects to all of them.
        case direct

        var testDescription: String { rawValue }
    }

    /// Five REQ clients make requests one at a time, and between requests sometimes close
    /// their REQ and open a new one (which, on the direct route, re-binds the client's
    /// endpoint), or disconnect and reconnect it (unbind and re-bind, direct); three worker
    /// threads answer with REP sockets that leave (close, or disconnect first) after a few
    /// answers or when idle, half of them once a request is queued to them unread, and come
    /// back as new sockets.
    ///
    /// Invariant: each client gets exactly one reply per request, the echo of that request
    /// (it carries the client and the request's number), and across all workers each request
    /// was answered exactly once. It holds because workers leave only between requests
    /// (having answered every request they took): what a REP leaves unread goes back to the
    /// DEALER (broker) or REQ (direct) that sent it and on to another worker, and a reply a
    /// REP sent before closing stays receivable (Docs/Semantics.md, "Nothing queued to a
    /// consumer that leaves is lost").
    @Test(arguments: Route.allCases)
    func requestReplyAnswersEveryRequestExactlyOnce(route: Route) {
        ChurnSoak.run("request-reply \(route)", defaultSeed: 0xC4_2017_0002) {
            try Self.requestReplyRun(seed: $0, route: route)
        }
    }

    private struct ClientLog: Sendable {
        var wrong: [Int] = []
        var unanswered: Int?
        var reopened = 0
        var redelivered = 0
    }

    private struct WorkerLog: Sendable {
        var answered: [(client: Int, sequence: Int)] = []
        var malformed = 0
        var stints = 0
    }

    private static func requestReplyRun(seed: UInt64, route: Route) throws -> ChurnFindings {
        // More clients than workers, so that workers often leave with a request queued.
        let clientCount = 5
        let workerCount = 3
        let perClient = Scale.count(normal: 2_000, stress: 20_000, sanitized: 600)
        let marks = [1, 2, 16]
        let (front, back) = ("inproc://churn-front", "inproc://churn-back")
        let context = TestContext()
        defer { context.terminate() }
        let broker = route == .broker ? try Broker(context, frontend: front, backend: back) : nil
        let relay = broker?.start()
        let finished = Gate()

        let clients = (0..<clientCount).map { c in
            Peer { () throws -> ClientLog in
                var random = SplitMix64.forThread(seed: seed, role: 4, index: c)
                var log = ClientLog()
                let endpoint = "inproc://churn-client-\(c)"
                func open() throws -> Socket {
                    let req = try context.socket(.req)
                    req.sendHighWaterMark = marks.randomElement(using: &random)!
                    req.receiveTimeout = ProgressWatch.stallLimit  // a lost request fails the run, soon
                    if route == .broker { try req.connect(front) } else { try req.bind(endpoint) }
                    return req
                }
                var req = try open()
                for sequence in 0..<perClient {
                    if random.oneIn(12) {
                        // Between requests: nothing is outstanding.
                        log.redelivered += req.statistics.messagesRedelivered
                        if Bool.random(using: &random) {
                            req.close()
                            req = try open()
                        } else if route == .broker {
                            try req.disconnect(front)
                            try req.connect(front)
                        } else {
                            try req.unbind(endpoint)  // workers that connect meanwhile wait for the bind
                            try req.bind(endpoint)
                        }
                        log.reopened += 1
                    }
                    let request = tagged(sender: c, sequence: sequence)
                    try req.send(request)
                    let reply: Message
                    do {
                        reply = try req.receive()
                    } catch RingMQError.timedOut {
                        log.unanswered = sequence
                        break
                    }
                    if reply.count != 2 || reply[0] != request[0] || workerIndex(reply[1]) == nil {
                        log.wrong.append(sequence)
                    }
                }
                log.redelivered += req.statistics.messagesRedelivered
                req.close()
                return log
            }
        }

        let workers = (0..<workerCount).map { w in
            Peer { () throws -> WorkerLog in
                var random = SplitMix64.forThread(seed: seed, role: 5, index: w)
                var log = WorkerLog()
                let endpoints = route == .broker ? [back] : (0..<clientCount).map { "inproc://churn-client-\($0)" }
                while !finished.isOpened {
                    let rep = try context.socket(.rep)
                    rep.receiveHighWaterMark = marks.randomElement(using: &random)!
                    rep.receiveTimeout = .milliseconds(2)  // to notice `finished`, or that no client calls
                    for endpoint in endpoints { try rep.connect(endpoint) }
                    let quota = Int.random(in: 1...24, using: &random)
                    var answered = 0
                    var idle = 0
                    while answered < quota, idle < 4, !finished.isOpened {
                        let request: Message
                        do {
                            request = try rep.receive()
                        } catch RingMQError.timedOut {
                            idle += 1
                            continue
                        }
                        try rep.send(Message(request.frames + [workerName(w)]))
                        if request.count == 1, let tag = tag(of: request) {
                            log.answered.append((tag.sender, tag.sequence))
                        } else {
                            log.malformed += 1
                        }
                        answered += 1
                    }
                    // Between requests: every request this REP took is answered. Half the
                    // stints first wait (a little) until a request is queued to them, unread,
                    // so that they leave one behind: else that is rare behind the broker, whose
                    // one proxy thread hands out requests about as fast as workers answer.
                    if Bool.random(using: &random), !finished.isOpened {
                        var poller = Poller()
                        poller.register(rep, for: .readable)
                        var polls = 0
                        while polls < 4, try poller.poll(timeout: .milliseconds(2)).isEmpty { polls += 1 }
                    }
                    if Bool.random(using: &random) {
                        for endpoint in endpoints { try rep.disconnect(endpoint) }
                    }
                    rep.close()
                    log.stints += 1
                }
                return log
            }
        }

        var findings = ChurnFindings(seed: seed)
        let clientLogs = findings.join(clients, "client").compactMap { $0 }
        finished.open()
        let workerLogs = findings.join(workers, "worker").compactMap { $0 }
        var redelivered = clientLogs.map(\.redelivered).reduce(0, +)
        if let broker, let relay {
            context.terminate()
            if case .success = relay.join() { findings.expect(false, "the proxy returned") }
            redelivered += broker.backend.statistics.messagesRedelivered
        }

        for (c, log) in clientLogs.enumerated() {
            findings.expect(log.unanswered == nil, "client \(c) got no reply to request \(log.unanswered ?? -1)")
            findings.expect(log.wrong.isEmpty, "client \(c) got wrong replies to \(log.wrong.prefix(5))")
        }
        var (answers, unknown) = count(
            workerLogs.flatMap { $0.answered.map { ($0.client, $0.sequence) } },
            senders: clientCount, perSender: perClient)
        unknown += workerLogs.map(\.malformed).reduce(0, +)
        let unanswered = messages(in: answers) { $0 == 0 }
        let twice = messages(in: answers) { $0 > 1 }
        findings.expect(
            unanswered.isEmpty,
            "\(unanswered.count) requests no worker answered, first \(unanswered.prefix(5))")
        findings.expect(twice.isEmpty, "\(twice.count) requests answered twice, first \(twice.prefix(5))")
        findings.expect(unknown == 0, "\(unknown) requests that no client made")

        let stints = workerLogs.map(\.stints).reduce(0, +)
        findings.summary =
            "\(clientCount * perClient) requests, \(stints) worker stints, "
            + "\(clientLogs.map(\.reopened).reduce(0, +)) client reopenings, \(redelivered) redelivered"
        findings.expect(stints > workerCount, "the workers never left (\(stints) stints)")
        findings.expect(redelivered > 0, "no worker left a request unread")
        findings.expect(clientLogs.map(\.reopened).reduce(0, +) > 0, "the clients never reopened")
        return findings
    }
}
