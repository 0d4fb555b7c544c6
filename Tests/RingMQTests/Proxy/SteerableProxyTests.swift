import RingMQ
import Testing

/// A PULL → proxy → PUSH streamer with `producers` PUSH sockets and one PULL consumer, all
/// connected, the proxy not yet running.
private struct Streamer {
    let test: TestContext
    let proxy: Proxy
    let producers: [Socket]
    let consumer: Socket

    init(name: String, producers count: Int, highWaterMark: Int = 1000) throws {
        let test = TestContext()
        self.test = test
        let frontend = try test.socket(.pull)
        frontend.receiveHighWaterMark = highWaterMark
        try frontend.bind("inproc://\(name)-in")
        let backend = try test.socket(.push)
        backend.sendHighWaterMark = highWaterMark
        try backend.bind("inproc://\(name)-out")
        producers = try (0..<count).map { _ in
            let producer = try test.socket(.push)
            producer.sendHighWaterMark = highWaterMark
            try producer.connect("inproc://\(name)-in")
            return producer
        }
        consumer = try test.socket(.pull)
        consumer.receiveHighWaterMark = highWaterMark
        try consumer.connect("inproc://\(name)-out")
        proxy = try Proxy(frontend: frontend, backend: backend)
    }

    /// Runs the proxy on a thread of its own.
    func start() -> Peer<Void> {
        let proxy = proxy
        return Peer { try proxy.run() }
    }
}

/// Message `sequence` of producer `sender`: its tag, then a frame whose size varies, so that
/// the byte counts are not a multiple of the message counts.
private func payload(sender: Int, sequence: Int) -> Message {
    [Frame("\(sender):\(sequence)"), Frame([UInt8](repeating: 7, count: sequence % 5))]
}

/// `Proxy`: stop, pause and resume from another thread, the blocking and async runs, the
/// statistics, and the errors of a proxy steered at the wrong time.
@Suite(.runsAlone) struct SteerableProxyTests {
    // MARK: - Errors

    @Test func stopOnAProxyNeverRunIsInvalidState() throws {
        let streamer = try Streamer(name: "never-run", producers: 1)
        let message = expectError(.invalidState) { try streamer.proxy.stop() }
        #expect(message?.contains("not running") == true, "\(String(describing: message))")
        #expect(!streamer.proxy.isRunning)
    }

    @Test func stopAfterTheRunEndedIsInvalidState() throws {
        let streamer = try Streamer(name: "ended", producers: 1)
        let relay = streamer.start()
        relay.waitUntilBlocked()
        try stopWhenRunning(streamer.proxy)
        #expect(throws: Never.self) { try relay.join().get() }
        let message = expectError(.invalidState) { try streamer.proxy.stop() }
        #expect(message?.contains("not running") == true, "\(String(describing: message))")
    }

    @Test func aProxyRunTwiceAtOnceIsInvalidState() throws {
        let streamer = try Streamer(name: "twice", producers: 1)
        let relay = streamer.start()
        relay.waitUntilBlocked()
        #expect(streamer.proxy.isRunning)
        let proxy = streamer.proxy
        let second = Peer { try proxy.run() }
        #expect(throws: RingMQError.self) { try second.join().get() }
        if case .failure(let error) = second.join() {
            #expect(error.code == .invalidState)
            #expect(error.message?.contains("running already") == true, "\(error)")
        }
        // The first run is untouched: it still forwards, and stops.
        try streamer.producers[0].send("still here")
        #expect(try streamer.consumer.receive() == "still here")
        try proxy.stop()
        #expect(throws: Never.self) { try relay.join().get() }
    }

    // MARK: - Stopping and pausing an idle run

    @Test func stopWakesAnIdleRunWhichReturnsNormally() throws {
        let streamer = try Streamer(name: "idle-stop", producers: 1)
        let relay = streamer.start()
        relay.waitUntilBlocked()
        try stopWhenRunning(streamer.proxy)
        #expect(throws: Never.self) { try relay.join().get() }
        #expect(!streamer.proxy.isRunning)
        // The sockets are free again, and a new run takes up where the last one stopped.
        try streamer.producers[0].send("after")
        let again = streamer.start()
        #expect(try streamer.consumer.receive() == "after")
        try stopWhenRunning(streamer.proxy)
        #expect(throws: Never.self) { try again.join().get() }
    }

    @Test func aPausedProxyHoldsMessagesInItsSocketsUntilResumed() throws {
        let streamer = try Streamer(name: "paused", producers: 1)
        streamer.proxy.pause()  // before the run: it starts paused
        let relay = streamer.start()
        for i in 0..<10 { try streamer.producers[0].send(numbered(i)) }
        relay.waitUntilBlocked()
        #expect(streamer.proxy.statistics == ProxyStatistics())
        #expect(try streamer.consumer.tryReceive() == nil)
        // A stop wakes a paused run too; messages stay queued in the frontend.
        try stopWhenRunning(streamer.proxy)
        #expect(throws: Never.self) { try relay.join().get() }
        #expect(streamer.proxy.frontend.statistics.queuedIn == 10)

        let again = streamer.start()
        again.waitUntilBlocked()
        #expect(streamer.proxy.statistics == ProxyStatistics())
        streamer.proxy.resume()
        for i in 0..<10 { #expect(try number(streamer.consumer.receive()) == i) }
        try stopWhenRunning(streamer.proxy)
        #expect(throws: Never.self) { try again.join().get() }
        #expect(streamer.proxy.statistics.backend.messagesSent == 10)
    }

    @Test func terminateEndsAPausedRunWithTerminated() throws {
        let streamer = try Streamer(name: "paused-terminate", producers: 1)
        streamer.proxy.pause()
        let relay = streamer.start()
        relay.waitUntilBlocked()
        streamer.test.terminate()
        #expect(throws: RingMQError.terminated) { try relay.join().get() }
    }

    // MARK: - Under traffic

    /// Four producer threads stream while the proxy is paused, resumed, stopped and run again:
    /// the consumer gets every message once, in each producer's order, nothing moves while
    /// paused or stopped, and the statistics count exactly what went through.
    @Test func pauseResumeAndStopUnderTrafficFromFourThreadsCountExactly() throws {
        let perProducer = Scale.count(normal: 3_000, stress: 30_000, sanitized: 600)
        let streamer = try Streamer(name: "four", producers: 4, highWaterMark: 100)
        let barrier = StartBarrier(count: 4)
        let senders = streamer.producers.enumerated().map { sender, producer in
            Peer {
                barrier.arriveAndWait()
                for sequence in 0..<perProducer { try producer.send(payload(sender: sender, sequence: sequence)) }
            }
        }
        var relay = streamer.start()
        var next = [Int](repeating: 0, count: 4)
        var received = 0
        func receive(_ count: Int) throws {
            for _ in 0..<count {
                let message = try streamer.consumer.receive()
                let tag = message[0].string.split(separator: ":").map { Int($0)! }
                #expect(tag[1] == next[tag[0]], "producer \(tag[0])'s messages in order")
                #expect(message == payload(sender: tag[0], sequence: tag[1]))
                next[tag[0]] = tag[1] + 1
                received += 1
            }
        }

        for round in 0..<3 {
            try receive(perProducer / 4)
            // Paused: what went through so far is all there is, while the producers fill the
            // queues up to their high-water marks and wait.
            if round == 1 { try stopWhenRunning(streamer.proxy) } else { streamer.proxy.pause() }
            let held = streamer.proxy.statistics
            for sender in senders { sender.waitUntilBlocked() }
            if round == 1 { #expect(throws: Never.self) { try relay.join().get() } }
            #expect(streamer.proxy.statistics == held)
            try receive(held.backend.messagesSent - received)
            #expect(try streamer.consumer.tryReceive() == nil)
            #expect(streamer.proxy.statistics == held)
            if round == 1 { relay = streamer.start() } else { streamer.proxy.resume() }
        }
        try receive(4 * perProducer - received)
        for sender in senders { #expect(throws: Never.self) { try sender.join().get() } }
        try stopWhenRunning(streamer.proxy)
        #expect(throws: Never.self) { try relay.join().get() }

        let bytes = (0..<4).reduce(0) { total, sender in
            total + (0..<perProducer).reduce(0) { $0 + payload(sender: sender, sequence: $1).map(\.count).reduce(0, +) }
        }
        let expected = ProxyStatistics(
            frontend: .init(messagesReceived: 4 * perProducer, bytesReceived: bytes),
            backend: .init(messagesSent: 4 * perProducer, bytesSent: bytes))
        #expect(streamer.proxy.statistics == expected)
        #expect(next == [Int](repeating: perProducer, count: 4))
    }

    /// Both directions, multipart messages and a capture socket: a message counts once however
    /// many frames it has, bytes count every frame, and the copies to the capture do not count.
    @Test func statisticsCountWholeMessagesAndTheirBytesOnEachSide() throws {
        let test = TestContext()
        let frontend = try test.socket(.pair)
        try frontend.bind("inproc://stats-client-side")
        let backend = try test.socket(.pair)
        try backend.bind("inproc://stats-server-side")
        let capture = try test.socket(.push)
        try capture.bind("inproc://stats-capture")
        let tap = try test.socket(.pull)
        try tap.connect("inproc://stats-capture")
        let client = try test.socket(.pair)
        try client.connect("inproc://stats-client-side")
        let server = try test.socket(.pair)
        try server.connect("inproc://stats-server-side")
        let proxy = try Proxy(frontend: frontend, backend: backend, capture: capture)
        let relay = Peer { try proxy.run() }

        try client.send(["abc", "de"])  // 1 message, 5 bytes
        #expect(try server.receive() == ["abc", "de"])
        try server.send(["x", "", "yz", "w"])  // 1 message of 4 frames, 4 bytes
        #expect(try client.receive() == ["x", "", "yz", "w"])
        try stopWhenRunning(proxy)
        #expect(throws: Never.self) { try relay.join().get() }
        #expect(try drain(tap).count == 2)
        #expect(
            proxy.statistics
                == ProxyStatistics(
                    frontend: .init(messagesReceived: 1, bytesReceived: 5, messagesSent: 1, bytesSent: 4),
                    backend: .init(messagesReceived: 1, bytesReceived: 4, messagesSent: 1, bytesSent: 5)))
    }

    // MARK: - The async run

    @Test func theAsyncRunForwardsAndReturnsWhenStopped() async throws {
        let streamer = try Streamer(name: "async", producers: 1)
        let proxy = streamer.proxy
        let run = Task { try await proxy.run() }
        let producer = streamer.producers[0]
        let consumer = streamer.consumer
        try await withTimeout {
            for i in 0..<100 {
                try await producer.send(numbered(i))
                #expect(try await number(consumer.receive()) == i)
            }
        }
        // The run has forwarded, so it is running: stop() cannot come before it.
        try proxy.stop()
        try await withTimeout { try await run.value }
        #expect(proxy.statistics.backend.messagesSent == 100)
    }

    @Test func terminateEndsAnIdleAsyncRunWithTerminated() async throws {
        let streamer = try Streamer(name: "async-terminate", producers: 1)
        let proxy = streamer.proxy
        let run = Task { try await proxy.run() }
        try await streamer.producers[0].send("one")
        #expect(try await streamer.consumer.receive() == "one")
        streamer.test.terminate()
        await #expect(throws: RingMQError.terminated) { try await withTimeout { try await run.value } }
    }

    @Test func cancellingTheAsyncRunEndsItWithCancellationError() async throws {
        let streamer = try Streamer(name: "async-cancel", producers: 1)
        let proxy = streamer.proxy
        let run = Task { try await proxy.run() }
        try await streamer.producers[0].send("one")
        #expect(try await streamer.consumer.receive() == "one")
        run.cancel()
        await #expect(throws: CancellationError.self) { try await withTimeout { try await run.value } }
        #expect(!proxy.isRunning)
    }
}

/// Stops `proxy`, which the caller knows to be running or about to run: a `run()` that another
/// thread has not begun yet is not running, and `stop()` rightly refuses it, so wait for it.
func stopWhenRunning(_ proxy: Proxy, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let clock = ContinuousClock()
    let deadline = clock.now.advanced(by: Scale.safety)
    while !proxy.isRunning {
        if clock.now >= deadline {
            Issue.record("the proxy never started running", sourceLocation: sourceLocation)
            return
        }
        yieldThread()
    }
    try proxy.stop()
}
