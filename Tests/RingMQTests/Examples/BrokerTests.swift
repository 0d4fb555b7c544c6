import RingMQ
import Testing

/// What one REQ client of a broker saw: which worker answered each of its requests, in order,
/// and how many replies were not the echo of the request just sent.
private struct ClientLog: Sendable {
    var workers: [Int] = []
    var wrong = 0
}

/// Request-reply through brokers (ROUTER frontend | proxy | DEALER backend): every request
/// answered exactly once, to the client that sent it; envelopes over one hop and two; and the
/// proxy and its workers stopping when the context terminates.
@Suite(.runsAlone) struct BrokerTests {
    @Test func everyRequestIsAnsweredOnceToTheClientThatSentIt() throws {
        let clientCount = 3
        let workerCount = 2
        let perClient = 50
        let context = TestContext()
        defer { context.terminate() }
        let broker = try BrokerFixture(context, workers: workerCount, clients: clientCount, of: .req)
        let clients = broker.clients.enumerated().map { c, req in
            Peer { () throws -> ClientLog in
                var log = ClientLog()
                for sequence in 0..<perClient {
                    let request = tagged(sender: c, sequence: sequence)
                    try req.send(request)
                    let reply = try req.receive()
                    if reply.count == 2, reply[0] == request[0], let worker = workerIndex(reply[1]) {
                        log.workers.append(worker)
                    } else {
                        log.wrong += 1
                    }
                }
                return log
            }
        }

        let logs = try clients.map { try $0.join().get() }
        for (c, log) in logs.enumerated() {
            #expect(log.wrong == 0, "client \(c) got replies to other requests")
            #expect(log.workers.count == perClient, "client \(c)")
        }
        let answered = try broker.stop()
        #expect(answered.reduce(0, +) == clientCount * perClient, "each request answered exactly once")
        #expect(answered.allSatisfy { $0 > 0 }, "every worker took part: \(answered)")
        for w in 0..<workerCount {
            let seen = logs.map { $0.workers.filter { $0 == w }.count }.reduce(0, +)
            #expect(seen == answered[w], "worker \(w) answered \(answered[w]), clients saw \(seen)")
        }
    }

    @Test func theProxyAndIdleWorkersStopWhenTheContextTerminates() throws {
        let context = TestContext()
        defer { context.terminate() }
        let broker = try BrokerFixture(context, workers: 2)
        broker.proxyThread.waitUntilBlocked()
        for worker in broker.workers { worker.waitUntilBlocked() }
        #expect(try broker.stop() == [0, 0])
    }

    // MARK: - Envelopes over one hop

    @Test func aRepBehindTheBrokerSeesOnlyTheBody() throws {
        let context = TestContext()
        defer { context.terminate() }
        let broker = try Broker(context, frontend: "inproc://front", backend: "inproc://back")
        let proxyThread = broker.start()
        let rep = try context.socket(.rep)
        try rep.connect("inproc://back")
        let req = try context.socket(.req)
        try req.connect("inproc://front")

        try req.send(["part 1", "", "part 3"])
        #expect(try rep.receive() == ["part 1", "", "part 3"])
        try rep.send(["answer 1", "answer 2"])
        #expect(try req.receive() == ["answer 1", "answer 2"])
        context.terminate()
        expectTerminated(proxyThread)
    }

    @Test func aDealerBehindTheBrokerSeesTheWholeEnvelope() throws {
        let context = TestContext()
        defer { context.terminate() }
        let broker = try Broker(context, frontend: "inproc://front", backend: "inproc://back")
        let proxyThread = broker.start()
        let worker = try context.socket(.dealer)
        try worker.connect("inproc://back")
        let named = try context.socket(.req)
        named.routingID = "client"
        try named.connect("inproc://front")
        let anonymous = try context.socket(.req)
        try anonymous.connect("inproc://front")

        try named.send("body")
        #expect(try worker.receive() == ["client", "", "body"])
        try worker.send(["client", "", "answer"])
        #expect(try named.receive() == "answer")

        try anonymous.send("body")
        let request = try worker.receive()
        #expect(request.count == 3 && isGeneratedRoutingID(request[0]), "\(request)")
        #expect(Array(request.dropFirst()) == ["", "body"])
        try worker.send([request[0], "", "answer"])
        #expect(try anonymous.receive() == "answer")
        context.terminate()
        expectTerminated(proxyThread)
    }

    @Test func aCaptureSocketSeesRequestsAndRepliesWithTheirEnvelopes() throws {
        let context = TestContext()
        defer { context.terminate() }
        let broker = try Broker(context, frontend: "inproc://front", backend: "inproc://back")
        let capture = try context.socket(.push)
        try capture.bind("inproc://capture")
        let tap = try context.socket(.pull)
        try tap.connect("inproc://capture")
        let (frontend, backend) = (broker.frontend, broker.backend)
        let proxyThread = Peer { try proxy(frontend: frontend, backend: backend, capture: capture) }
        let rep = try context.socket(.rep)
        try rep.connect("inproc://back")
        let req = try context.socket(.req)
        req.routingID = "client"
        try req.connect("inproc://front")

        try req.send("question")
        #expect(try rep.receive() == "question")
        try rep.send("answer")
        #expect(try req.receive() == "answer")
        #expect(try tap.receive() == ["client", "", "question"])
        #expect(try tap.receive() == ["client", "", "answer"])
        context.terminate()
        expectTerminated(proxyThread)
    }

    // MARK: - Two brokers in a chain

    @Test(arguments: [SocketType.rep, .dealer])
    func twoChainedBrokersStackTheEnvelope(worker type: SocketType) throws {
        let context = TestContext()
        defer { context.terminate() }
        // client → front-1 | proxy | back-1 ("hop") → front-2 | proxy | back-2 → worker.
        let first = try Broker(context, frontend: "inproc://front-1", backend: "inproc://back-1", backendID: "hop")
        let secondFront = try context.socket(.router)
        try secondFront.connect("inproc://back-1")
        let secondBack = try context.socket(.dealer)
        try secondBack.bind("inproc://back-2")
        let proxies = [first.start(), Peer { try proxy(frontend: secondFront, backend: secondBack) }]
        let worker = try context.socket(type)
        try worker.connect("inproc://back-2")
        let client = try context.socket(.req)
        client.routingID = "client"
        try client.connect("inproc://front-1")

        for round in 0..<3 {
            try client.send(["body", Frame("\(round)")])
            let request = try worker.receive()
            if type == .rep {
                #expect(request == ["body", Frame("\(round)")])
                try worker.send(["answer", Frame("\(round)")])
            } else {
                #expect(request == ["hop", "client", "", "body", Frame("\(round)")])
                try worker.send(Message(Array(request.prefix(3)) + ["answer", Frame("\(round)")]))
            }
            #expect(try client.receive() == ["answer", Frame("\(round)")], "round \(round)")
        }
        context.terminate()
        for proxyThread in proxies { expectTerminated(proxyThread) }
    }
}
