import RingMQ

/// A tour of every socket pattern, one small exchange each, each checking its outcome:
///
/// - REQ/REP: a client asks "hello", a service on another thread answers "world".
/// - PUB/SUB with a topic frame: messages are `[topic, payload]`; each subscriber gets only
///   the topic it subscribed to.
/// - PUSH/PULL: a one-way stream, in order.
/// - DEALER/ROUTER: a DEALER named "client-A" (its `routingID`) talks to a ROUTER, which sees
///   the name in front of each message and routes the reply back by it, past "client-B".
/// - PAIR: two threads ping-pong over an exclusive connection.
/// - Swift concurrency: task consumers written with `for try await message in pull.messages`
///   and with the callback form `onMessage` (txzmq's `onPull(message)`); the blocking main
///   thread waits for their report on a socket, never on a pool thread.
let patternTourScenario = Scenario(
    name: "pattern-tour",
    summary: "REQ/REP, PUB/SUB with topics, PUSH/PULL, DEALER/ROUTER by name, PAIR, async consumers"
) {
    let context = Context()
    defer { context.terminate() }
    try tourRequestReply(context)
    try tourPublishSubscribe(context)
    try tourPushPull(context)
    try tourDealerRouter(context)
    try tourPair(context)
    try tourAsync(context)
}

private func tourRequestReply(_ context: Context) throws {
    let service = try context.patientSocket(.rep)
    try service.bind("inproc://tour-hello")
    let client = try context.patientSocket(.req)
    try client.connect("inproc://tour-hello")
    let thread = PeerThread {
        do {
            let request = try service.receive()
            try service.send(request[0].string == "hello" ? "world" : "pardon?")
        } catch {
            print("   REP stopped: \(error)")
        }
    }
    try client.send("hello")
    let reply = try client.receive()
    thread.join()
    print("   REQ/REP        REQ sent \"hello\", REP on its thread answered \"\(reply[0].string)\"")
    try check(reply == "world", "REQ got \(reply), expected \"world\"")
}

private func tourPublishSubscribe(_ context: Context) throws {
    let publisher = try context.patientSocket(.pub)
    try publisher.bind("inproc://tour-news")
    let sportsFan = try context.patientSocket(.sub)
    try sportsFan.connect("inproc://tour-news")
    try sportsFan.subscribe("sports")
    let weatherWatcher = try context.patientSocket(.sub)
    try weatherWatcher.connect("inproc://tour-news")
    try weatherWatcher.subscribe("weather")

    // In force as soon as subscribe returned: no slow joiner, nothing published is lost.
    try publisher.send(["sports", "3-1 at half time"])
    try publisher.send(["weather", "rain from the west"])
    try publisher.send(["politics", "nobody subscribed to this"])
    try publisher.send(["sports", "final score 4-2"])

    func drain(_ subscriber: Socket) throws -> [Message] {
        var got: [Message] = []
        while let message = try subscriber.tryReceive() { got.append(message) }
        return got
    }
    let sports = try drain(sportsFan)
    let weather = try drain(weatherWatcher)
    print(
        "   PUB/SUB        4 published on 3 topics; \"sports\" subscriber got \(sports.count) "
            + "(\(sports.map { $0[1].string }.joined(separator: "; "))), \"weather\" got \(weather.count)")
    try check(
        sports == [["sports", "3-1 at half time"], ["sports", "final score 4-2"]],
        "the sports subscriber got \(sports)")
    try check(weather == [["weather", "rain from the west"]], "the weather subscriber got \(weather)")
}

private func tourPushPull(_ context: Context) throws {
    let pull = try context.patientSocket(.pull)
    try pull.bind("inproc://tour-stream")
    let push = try context.patientSocket(.push)
    try push.connect("inproc://tour-stream")
    let sent = (1...5).map { Message("item \($0)") }
    for message in sent { try push.send(message) }
    let received = try sent.map { _ in try pull.receive() }
    let items = received.map { $0[0].string }.joined(separator: ", ")
    print("   PUSH/PULL      5 items streamed, received in order: \(items)")
    try check(received == sent, "PULL got \(received), expected \(sent)")
}

private func tourDealerRouter(_ context: Context) throws {
    let router = try context.patientSocket(.router)
    try router.bind("inproc://tour-router")
    let clientA = try context.patientSocket(.dealer)
    clientA.routingID = "client-A"  // before connecting: the ROUTER learns it at connect
    try clientA.connect("inproc://tour-router")
    let clientB = try context.patientSocket(.dealer)
    clientB.routingID = "client-B"
    try clientB.connect("inproc://tour-router")

    try clientA.send("what is my name?")
    let request = try router.receive()  // [routing id, body]
    let name = request[0]
    try router.send([name, Frame("you are \(name.string)")])
    let reply = try clientA.receive()
    print(
        "   DEALER/ROUTER  ROUTER got [\(name.string), \(request[1].string)] and routed "
            + "\"\(reply[0].string)\" back to it")
    try check(name == "client-A", "the ROUTER saw the request from \(name), expected client-A")
    try check(reply == "you are client-A", "client-A got \(reply)")
    try check(try clientB.tryReceive() == nil, "client-B received a reply meant for client-A")
}

private func tourPair(_ context: Context) throws {
    let left = try context.patientSocket(.pair)
    try left.bind("inproc://tour-pair")
    let right = try context.patientSocket(.pair)
    try right.connect("inproc://tour-pair")
    let rounds = 3
    let partner = PeerThread {
        do {
            for _ in 1...rounds {
                let ball = try right.receive()
                try right.send(Message("pong \(ball[0].string.dropFirst(5))"))
            }
        } catch {
            print("   PAIR partner stopped: \(error)")
        }
    }
    var replies: [String] = []
    for round in 1...rounds {
        try left.send(Message("ping \(round)"))
        replies.append(try left.receive()[0].string)
    }
    partner.join()
    print("   PAIR           two threads: \(replies.joined(separator: ", "))")
    try check(replies == (1...rounds).map { "pong \($0)" }, "PAIR got \(replies)")
}

/// Two consumers on Swift tasks; the main thread (a thread of its own, not the pool's) blocks
/// on a PULL until they report.
private func tourAsync(_ context: Context) throws {
    let jobs = try context.patientSocket(.push)
    try jobs.bind("inproc://tour-async-jobs")
    let reports = try context.patientSocket(.pull)
    try reports.bind("inproc://tour-async-reports")

    // Consumer 1: `for try await` over the socket's messages; closing the socket ends the loop.
    let sequenceInbox = try context.patientSocket(.pull)
    try sequenceInbox.connect("inproc://tour-async-jobs")
    let sequenceReport = try context.patientSocket(.push)
    try sequenceReport.connect("inproc://tour-async-reports")
    Task {
        var seen: [String] = []
        do {
            for try await message in sequenceInbox.messages {
                if message[0].string == "stop" { sequenceInbox.close() } else { seen.append(message[0].string) }
            }
            try await sequenceReport.send(["for-await", Frame(seen.joined(separator: ","))])
        } catch {
            try? await sequenceReport.send(["for-await", Frame("failed: \(error)")])
        }
    }

    // Consumer 2: a callback per message, txzmq's `onPull(message)` in Swift.
    let callbackInbox = try context.patientSocket(.pull)
    try callbackInbox.connect("inproc://tour-async-jobs")
    let callbackReport = try context.patientSocket(.push)
    try callbackReport.connect("inproc://tour-async-reports")
    Task {
        var seen: [String] = []
        do {
            try await callbackInbox.onMessage { message in
                if message[0].string == "stop" { callbackInbox.close() } else { seen.append(message[0].string) }
            }
            try await callbackReport.send(["onMessage", Frame(seen.joined(separator: ","))])
        } catch {
            try? await callbackReport.send(["onMessage", Frame("failed: \(error)")])
        }
    }

    // Both connected before the first send: the PUSH alternates between them.
    for number in 1...6 { try jobs.send(Message("job \(number)")) }
    try jobs.send("stop")
    try jobs.send("stop")
    var got: [String: String] = [:]
    for _ in 1...2 {
        let report = try reports.receive()
        got[report[0].string] = report[1].string
    }
    print(
        "   async          a task with for-await did \(got["for-await"] ?? "?"); "
            + "a task with onMessage did \(got["onMessage"] ?? "?")")
    try check(got["for-await"] == "job 1,job 3,job 5", "the for-await consumer did \(got["for-await"] ?? "nothing")")
    try check(got["onMessage"] == "job 2,job 4,job 6", "the onMessage consumer did \(got["onMessage"] ?? "nothing")")
}
