import RingMQ
import RingMQTesting
import Testing

/// libzmq's `tests/test_proxy_steerable.cpp`, ported over inproc.
@Suite(.runsAlone) struct LibzmqProxySteerableTests {
    /// The port: three DEALER clients send requests through a ROUTER → proxy → DEALER server
    /// to three DEALER workers, which answer each with 0 to 4 replies; the main thread steers
    /// the proxy through its control socket (STATISTICS all zero before the clients start,
    /// growing once they run, frozen while PAUSEd, growing again after RESUME), stops the
    /// clients and workers, and TERMINATEs the proxy, which returns normally.
    ///
    /// Where libzmq sleeps 500 ms to let things happen, this waits for what it observes (the
    /// statistics, the clients' counter). Clients and workers are steered by a PUB in a
    /// context of their own, as in libzmq. Added: the statistics are exact at the end, with
    /// messages counted whole (each request and reply is one message of a 10-byte routing id
    /// and 13 bytes of content).
    @Test(arguments: [SocketType.pair, .rep])
    func libzmqTestProxySteerable(controlType: SocketType) throws {
        let test = TestContext()
        let steering = TestContext()  // libzmq's control_context
        let clientsOut = Counter()
        let workersOut = Counter()
        let workersDone = Counter()
        let workerControl = try steering.socket(.pub)
        try workerControl.bind("inproc://control")

        let server = Peer { try serverTask(test, steering, controlType, workersOut, workersDone) }
        let clients = (0..<3).map { id in Peer { try clientTask(id, test, steering, clientsOut) } }

        let proxyControl = try test.socket(controlType == .rep ? .req : .pair)
        try proxyControl.connect("inproc://proxy_control")
        #expect(try askStatistics(proxyControl) == [0, 0, 0, 0, 0, 0, 0, 0], "all 0 before clients start")

        // libzmq sleeps here; a PUB drops what it sends before a SUB has connected, so wait
        // until all six (three clients, three workers) are subscribed.
        try waitUntil { workerControl.subscriptions[""] == 6 }
        try workerControl.send("START")
        let started = try waitForStatistics(proxyControl) { bytesProxied($0) > 0 }
        #expect(bytesProxied(started) > 0, "started clients")

        try steer(proxyControl, "PAUSE", controlType)
        let bytes = bytesProxied(try askStatistics(proxyControl))
        // Paused while every client sends a few more requests.
        let sentBefore = clientsOut.current
        try waitUntil { clientsOut.current >= sentBefore + 6 }
        #expect(bytesProxied(try askStatistics(proxyControl)) == bytes, "nothing proxied while paused")

        try steer(proxyControl, "RESUME", controlType)
        let resumed = try waitForStatistics(proxyControl) { bytesProxied($0) > bytes }
        #expect(bytesProxied(resumed) > bytes, "ran for a while")

        try workerControl.send("STOP")
        _ = try askStatistics(proxyControl)  // "stopped clients and workers"
        // Clients first, so that every request they sent still finds a worker.
        try workerControl.send("TERMINATE-CLIENTS")
        for client in clients { #expect(throws: Never.self) { try client.join().get() } }
        let requests = clientsOut.current
        _ = try waitForStatistics(proxyControl) { $0[0] == requests && $0[6] == requests }
        try workerControl.send("TERMINATE")
        _ = try askStatistics(proxyControl)  // "terminate clients and server workers"
        try waitUntil { workersDone.current == 3 }

        // Every reply a worker sent has reached the proxy's frontend.
        let final = try waitForStatistics(proxyControl) { $0[4] == workersOut.current && $0[2] == $0[4] }
        let replies = workersOut.current
        #expect(
            final == [
                requests, 23 * requests, replies, 23 * replies,
                replies, 23 * replies, requests, 23 * requests,
            ])

        try steer(proxyControl, "TERMINATE", controlType)
        #expect(throws: Never.self) { try server.join().get() }
        steering.terminate()
        test.terminate()
    }
}

// MARK: - The port's tasks

/// libzmq's client_task: a DEALER that, once STARTed, sends a request each round of its poll
/// (libzmq: every 200 ms) and checks each reply; STOP pauses it, TERMINATE ends it.
private func clientTask(_ id: Int, _ test: TestContext, _ steering: TestContext, _ sent: Counter) throws {
    let client = try test.socket(.dealer)
    client.routingID = Frame(Array("000\(id)-BEEF".utf8) + [0])  // 10 bytes, like "%04X-%04X\0"
    try client.connect("inproc://frontend")
    let control = try steering.socket(.sub)
    try control.subscribe("")
    try control.connect("inproc://control")
    var poller = Poller()
    poller.register(client, for: .readable)
    poller.register(control, for: .readable)
    var request = 0
    var sending = false
    while true {
        for item in try poller.poll(timeout: .milliseconds(10)) {
            if item.socket === client, let reply = try client.tryReceive() {
                #expect(reply.count == 1 && reply[0].count == 13 && reply[0].string.hasPrefix("request #"))
            }
            if item.socket === control, let command = try control.tryReceive() {
                switch command[0].string {
                case "TERMINATE", "TERMINATE-CLIENTS": return
                case "STOP": sending = false
                case "START": sending = true
                default: break
                }
            }
        }
        if sending {
            request += 1
            sent.increment()
            // "request #%03d" and its terminating zero: 13 bytes, as libzmq sends it.
            let text = "request #" + String(String(1000 + request % 1000).dropFirst())
            try client.send(Message(Frame(Array(text.utf8) + [0])))
        }
    }
}

/// libzmq's server_task: ROUTER frontend, DEALER backend, three workers, and the proxy
/// steered by a control socket of `controlType`; returns when the proxy does.
private func serverTask(
    _ test: TestContext, _ steering: TestContext, _ controlType: SocketType,
    _ repliesSent: Counter, _ workersDone: Counter
) throws {
    let frontend = try test.socket(.router)
    try frontend.bind("inproc://frontend")
    let backend = try test.socket(.dealer)
    try backend.bind("inproc://backend")
    let workers = (0..<3).map { number in
        Peer {
            defer { workersDone.increment() }
            try serverWorker(number, test, steering, repliesSent)
        }
    }
    let control = try test.socket(controlType)
    try control.bind("inproc://proxy_control")
    try proxy(frontend: frontend, backend: backend, control: control)
    for worker in workers { #expect(throws: Never.self) { try worker.join().get() } }
}

/// libzmq's server_worker: a DEALER that answers each request with 0 to 4 replies (none once
/// STOPped); TERMINATE ends it.
private func serverWorker(_ number: Int, _ test: TestContext, _ steering: TestContext, _ sent: Counter) throws {
    let worker = try test.socket(.dealer)
    try worker.connect("inproc://backend")
    let control = try steering.socket(.sub)
    try control.subscribe("")
    try control.connect("inproc://control")
    var poller = Poller()
    poller.register(control, for: .readable)
    poller.register(worker, for: .readable)
    var random = SplitMix64(seed: UInt64(number + 1))
    var sending = true
    while true {
        for item in try poller.poll(timeout: .milliseconds(100)) {
            if item.socket === control, let command = try control.tryReceive() {
                if command[0].string == "TERMINATE" { return }
                if command[0].string == "STOP" { sending = false }
            }
            if item.socket === worker, let request = try worker.tryReceive() {
                #expect(request.count == 2 && request[0].count == 10 && request[1].count == 13)
                guard sending else { continue }
                for _ in 0..<Int(random.next() % 5) {
                    sent.increment()
                    try worker.send(request)
                }
            }
        }
    }
}

// MARK: - Helpers

/// Bytes sent on the frontend plus bytes sent on the backend, as libzmq's test adds them.
private func bytesProxied(_ values: [Int]) -> Int {
    values[3] + values[7]
}

/// libzmq's steer(): sends `command`; a REP control socket answers with an empty frame.
private func steer(_ control: Socket, _ command: String, _ controlType: SocketType) throws {
    try control.send(Message(command))
    if controlType == .rep { #expect(try control.receive() == Message(Frame())) }
}

/// Asks for statistics until `condition` holds of them (bounded); returns the last answer.
private func waitForStatistics(_ control: Socket, until condition: ([Int]) -> Bool) throws -> [Int] {
    let clock = ContinuousClock()
    let deadline = clock.now.advanced(by: Scale.safety)
    var values = try askStatistics(control)
    while !condition(values), clock.now < deadline {
        yieldThread()
        values = try askStatistics(control)
    }
    return values
}

private func waitUntil(_ condition: () -> Bool) throws {
    let clock = ContinuousClock()
    let deadline = clock.now.advanced(by: Scale.safety)
    while !condition() {
        if clock.now >= deadline { throw RingMQError.timedOut }
        yieldThread()
    }
}
