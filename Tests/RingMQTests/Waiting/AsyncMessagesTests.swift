import RingMQ
import Testing

/// `socket.messages` (an `AsyncSequence`) and `socket.onMessage`: messages in order, a normal
/// end when the socket closes, `.terminated` on terminate, `CancellationError` on cancel,
/// `.timedOut` after `receiveTimeout`, and the handler run once per message.
///
/// Loops that must be ended from outside are bounded by ``withTimeout(_:sourceLocation:_:)``.
@Suite(.runsAlone) struct AsyncMessagesTests {
    /// A PULL bound to `name` and a PUSH connected to it.
    private func connection(_ test: TestContext, _ name: String) throws -> (push: Socket, pull: Socket) {
        let pull = try test.socket(.pull)
        try pull.bind("inproc://\(name)")
        let push = try test.socket(.push)
        try push.connect("inproc://\(name)")
        return (push, pull)
    }

    // MARK: - messages

    @Test func messagesYieldsInOrderAndEndsWhenTheBodyCloses() async throws {
        let test = TestContext()
        let (push, pull) = try connection(test, "messages-order")
        let count = 200
        let sender = Task {
            for index in 0..<count { try await push.send([Frame("\(index)"), Frame("part two")]) }
        }
        var numbers: [Int] = []
        for try await message in pull.messages {
            #expect(message.count == 2 && message[1] == "part two")
            numbers.append(Int(message[0].string) ?? -1)
            if numbers.count == count { pull.close() }
        }
        try await sender.value
        #expect(numbers == Array(0..<count))
    }

    @Test func messagesOfAClosedSocketIsEmpty() async throws {
        let test = TestContext()
        let pull = try test.socket(.pull)
        pull.close()
        var iterations = 0
        for try await _ in pull.messages { iterations += 1 }
        #expect(iterations == 0)
    }

    @Test func messagesEndsWhereTheCloseLeftIt() async throws {
        let test = TestContext()
        let (push, pull) = try connection(test, "messages-close-early")
        for index in 0..<5 { try await push.send(numbered(index)) }
        var numbers: [Int] = []
        for try await message in pull.messages {
            numbers.append(number(message))
            if numbers.count == 2 { pull.close() }
        }
        #expect(numbers == [0, 1])
        // The three messages left are gone with the PULL; the PUSH now has no peer.
        #expect(try push.trySend("x") == false)
    }

    @Test func messagesThrowsTerminatedWhenTheContextTerminates() async throws {
        let context = Context()
        let pull = try context.socket(.pull)
        try pull.bind("inproc://messages-terminate")
        let push = try context.socket(.push)
        try push.connect("inproc://messages-terminate")
        for index in 0..<3 { try await push.send(numbered(index)) }

        let seen = Tally()
        let consumer = Task {
            for try await _ in pull.messages { seen.add() }
        }
        // Once the three are read, the loop parks in its next receive.
        #expect(await waitUntilParked(pull))
        #expect(seen.current == 3)
        context.terminate()
        try await withTimeout {
            await #expect(throws: RingMQError.terminated) { try await consumer.value }
        }
    }

    @Test func messagesThrowsCancellationErrorWhenTheTaskIsCancelled() async throws {
        let test = TestContext()
        let (push, pull) = try connection(test, "messages-cancel")
        let consumer = Task {
            var count = 0
            for try await _ in pull.messages { count += 1 }
            return count
        }
        #expect(await waitUntilParked(pull))
        consumer.cancel()
        try await withTimeout {
            await #expect(throws: CancellationError.self) { try await consumer.value }
        }
        // The cancelled loop took nothing: what is sent now is still there.
        try await push.send("after")
        #expect(try pull.tryReceive() == "after")
    }

    @Test func messagesThrowsTimedOutAfterTheReceiveTimeout() async throws {
        let test = TestContext()
        let (push, pull) = try connection(test, "messages-timeout")
        try await push.send("only")
        pull.receiveTimeout = .milliseconds(30)
        var received: [Message] = []
        await expectAsyncTimesOut(after: .milliseconds(30)) {
            for try await message in pull.messages { received.append(message) }
        }
        #expect(received == ["only"])
    }

    // MARK: - onMessage

    @Test func onMessageRunsTheHandlerOncePerMessageUntilClose() async throws {
        let test = TestContext()
        let (push, pull) = try connection(test, "on-message")
        let count = 50
        for index in 0..<count { try await push.send(numbered(index)) }
        var handled: [Int] = []
        try await pull.onMessage { message in
            handled.append(number(message))
            if handled.count == count { pull.close() }
        }
        #expect(handled == Array(0..<count))
    }

    @Test func onMessageStopsAtTheHandlersErrorAndLeavesTheRest() async throws {
        struct Stop: Error {}
        let test = TestContext()
        let (push, pull) = try connection(test, "on-message-error")
        for index in 0..<10 { try await push.send(numbered(index)) }
        var handled = 0
        await #expect(throws: Stop.self) {
            try await pull.onMessage { _ in
                handled += 1
                if handled == 3 { throw Stop() }
            }
        }
        #expect(handled == 3)
        #expect(try drainNumbers(pull) == Array(3..<10))
        #expect(pull.statistics.messagesReceived == 10)
    }

    @Test func onMessageInAnOwnedTaskStopsOnCancelAndOnTerminate() async throws {
        let context = Context()
        let first = try context.socket(.pull)
        try first.bind("inproc://on-message-cancel")
        let second = try context.socket(.pull)
        try second.bind("inproc://on-message-terminate")
        let push = try context.socket(.push)
        try push.connect("inproc://on-message-cancel")
        try await push.send("one")

        let counted = Tally()
        let cancelled = Task { try await first.onMessage { _ in counted.add() } }
        #expect(await waitUntilParked(first))
        cancelled.cancel()
        try await withTimeout {
            await #expect(throws: CancellationError.self) { try await cancelled.value }
        }
        #expect(counted.current == 1)

        let terminated = Task { try await second.onMessage { _ in counted.add() } }
        #expect(await waitUntilParked(second))
        context.terminate()
        try await withTimeout {
            await #expect(throws: RingMQError.terminated) { try await terminated.value }
        }
        #expect(counted.current == 1)
    }
}
