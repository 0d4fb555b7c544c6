import RingMQ
import Testing

/// Async send and receive basics: suspension, wake-up by a peer, timeout, cancellation.
@Suite struct AsyncSmokeTests {
    @Test func receiveSuspendsUntilASendArrives() async throws {
        let context = Context()
        let pull = try context.socket(.pull)
        try pull.bind("inproc://async")
        let push = try context.socket(.push)
        try push.connect("inproc://async")
        async let received = pull.receive()
        try await push.send("hello")
        #expect(try await received == "hello")
    }

    @Test func receiveTimesOut() async throws {
        let context = Context()
        let pull = try context.socket(.pull)
        pull.receiveTimeout = .milliseconds(20)
        await #expect(throws: RingMQError.timedOut) { try await pull.receive() }
    }

    @Test func cancelledReceiveTakesNothing() async throws {
        let context = Context()
        let pull = try context.socket(.pull)
        try pull.bind("inproc://cancel")
        let push = try context.socket(.push)
        try push.connect("inproc://cancel")
        let waiter = Task { try await pull.receive() }
        waiter.cancel()
        await #expect(throws: CancellationError.self) { try await waiter.value }
        try await push.send("kept")
        #expect(try pull.tryReceive() == "kept")
    }

    @Test func terminateWakesASuspendedReceive() async throws {
        let context = Context()
        let pull = try context.socket(.pull)
        let waiter = Task { try await pull.receive() }
        await Task.yield()
        context.terminate()
        await #expect(throws: RingMQError.terminated) { try await waiter.value }
    }

    @Test func messagesEndWhenTheSocketCloses() async throws {
        let context = Context()
        let pull = try context.socket(.pull)
        try pull.bind("inproc://seq")
        let push = try context.socket(.push)
        try push.connect("inproc://seq")
        for index in 0..<3 { try await push.send("\(index)") }
        var seen: [String] = []
        for try await message in pull.messages {
            seen.append(message[0].string)
            if seen.count == 3 { pull.close() }
        }
        #expect(seen == ["0", "1", "2"])
    }
}
