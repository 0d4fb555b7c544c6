import RingMQ
import Testing

/// What ends a suspended async `send` or `receive` other than progress: its timeout
/// (`.timedOut`), the context's `terminate()` (`.terminated`), and the task's cancellation
/// (`CancellationError`). None of them may lose or invent a message: a wait that ends this
/// way has taken nothing and queued nothing.
///
/// Waits without a timeout are bounded by ``withTimeout(_:sourceLocation:_:)``.
@Suite(.runsAlone) struct AsyncWaitEndTests {
    // MARK: - Timeouts

    @Test func receiveTimesOutAndTakesNothingLater() async throws {
        let test = TestContext()
        let (push, pull) = try tinyConnection(test, "timeout-receive")
        pull.receiveTimeout = .milliseconds(50)
        await expectAsyncTimesOut(after: .milliseconds(50)) { try await pull.receive() }

        try await push.send("after")
        #expect(try await pull.receive() == "after")
    }

    @Test func sendTimesOutOnAFullQueueAndQueuesNothing() async throws {
        let test = TestContext()
        let (push, pull) = try tinyConnection(test, "timeout-send")
        #expect(try fill(push) == 2)
        push.sendTimeout = .milliseconds(50)
        await expectAsyncTimesOut(after: .milliseconds(50)) { try await push.send(numbered(99)) }
        #expect(try drainNumbers(pull) == [0, 1])
    }

    @Test func sendTimesOutWithoutAPeer() async throws {
        let test = TestContext()
        let push = try test.socket(.push)
        push.sendTimeout = .milliseconds(30)
        await expectAsyncTimesOut(after: .milliseconds(30)) { try await push.send("nowhere") }

        // Connected before the bind: the pipe takes up to the send high-water mark, then waits.
        push.sendHighWaterMark = 1
        try push.connect("inproc://timeout-no-peer")
        try await push.send("queued")
        await expectAsyncTimesOut(after: .milliseconds(30)) { try await push.send("too many") }
        let pull = try test.socket(.pull)
        try pull.bind("inproc://timeout-no-peer")
        #expect(try drain(pull) == ["queued"])
    }

    @Test func zeroTimeoutsNeverSuspend() async throws {
        let test = TestContext()
        let (push, pull) = try tinyConnection(test, "timeout-zero")
        pull.receiveTimeout = .zero
        push.sendTimeout = .zero
        await expectAsyncError(.timedOut) { try await pull.receive() }
        try await push.send(numbered(0))
        try await push.send(numbered(1))
        await expectAsyncError(.timedOut) { try await push.send(numbered(2)) }
        #expect(try await pull.receive() == numbered(0))
        #expect(try await pull.receive() == numbered(1))
        await expectAsyncError(.timedOut) { try await pull.receive() }
    }

    @Test func aTimerLeftFromAnEarlierWaitDoesNotEndTheNextOne() async throws {
        let test = TestContext()
        let (push, pull) = try tinyConnection(test, "timeout-stale-timer")
        for round in 0..<20 {
            pull.receiveTimeout = .milliseconds(1)
            await expectAsyncError(.timedOut) { try await pull.receive() }
            pull.receiveTimeout = Scale.safety
            let receiver = Task { try await pull.receive() }
            #expect(await waitUntilParked(pull))
            try await push.send(numbered(round))
            #expect(try await receiver.value == numbered(round))
        }
    }

    // MARK: - Terminate

    @Test func terminateWakesASuspendedReceive() async throws {
        let context = Context()
        let pull = try context.socket(.pull)
        try pull.bind("inproc://terminate-receive")
        let receiver = Task { try await pull.receive() }
        #expect(await waitUntilParked(pull))
        context.terminate()
        try await withTimeout {
            await #expect(throws: RingMQError.terminated) { try await receiver.value }
        }
    }

    @Test func terminateWakesASuspendedSend() async throws {
        let context = Context()
        let pull = try context.socket(.pull)
        pull.receiveHighWaterMark = 1
        try pull.bind("inproc://terminate-send")
        let push = try context.socket(.push)
        push.sendHighWaterMark = 1
        try push.connect("inproc://terminate-send")
        #expect(try fill(push) == 2)

        let sender = Task { try await push.send("stuck") }
        #expect(await waitUntilParked(push))
        context.terminate()
        try await withTimeout {
            await #expect(throws: RingMQError.terminated) { try await sender.value }
        }
        await expectAsyncError(.terminated) { try await pull.receive() }
    }

    @Test func terminateWakesAPushWaitingForItsFirstPeer() async throws {
        let context = Context()
        let push = try context.socket(.push)
        let sender = Task { try await push.send("nobody") }
        #expect(await waitUntilParked(push))
        context.terminate()
        try await withTimeout {
            await #expect(throws: RingMQError.terminated) { try await sender.value }
        }
    }

    // MARK: - Cancellation

    @Test func cancellingASuspendedReceiveTakesNothing() async throws {
        let test = TestContext()
        let (push, pull) = try tinyConnection(test, "cancel-receive")
        let receiver = Task { try await pull.receive() }
        #expect(await waitUntilParked(pull))
        receiver.cancel()
        await #expect(throws: CancellationError.self) { try await receiver.value }

        try await push.send("kept")
        #expect(try await pull.receive() == "kept")
        #expect(pull.statistics.messagesReceived == 1)
    }

    @Test func cancellingASuspendedSendQueuesNothing() async throws {
        let test = TestContext()
        let (push, pull) = try tinyConnection(test, "cancel-send")
        #expect(try fill(push) == 2)
        let sender = Task { try await push.send(numbered(99)) }
        #expect(await waitUntilParked(push))
        sender.cancel()
        await #expect(throws: CancellationError.self) { try await sender.value }
        #expect(push.statistics.messagesSent == 2)

        // The room the reader makes goes to the next send, not to the cancelled message.
        #expect(try drainNumbers(pull) == [0, 1])
        try await push.send(numbered(2))
        #expect(try drainNumbers(pull) == [2])
    }

    @Test func aTaskCancelledBeforeItReceivesLosesNothing() async throws {
        let test = TestContext()
        let (push, pull) = try tinyConnection(test, "cancel-before-receive")
        try await push.send("queued")
        let receiver = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await pull.receive()
        }
        switch await ending(of: receiver) {
        case .value(let message):
            #expect(message == "queued")
            #expect(try pull.tryReceive() == nil)
        case .cancelled:
            #expect(try pull.tryReceive() == "queued", "a cancelled receive consumed the message")
        case .failed(let error):
            Issue.record("unexpected \(error)")
        }
    }

    @Test func aTaskCancelledBeforeItSendsSendsAtMostOnce() async throws {
        let test = TestContext()
        let (push, pull) = try tinyConnection(test, "cancel-before-send")
        let sender = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            try await push.send("maybe")
        }
        switch await ending(of: sender) {
        case .value:
            #expect(try drain(pull) == ["maybe"])
            #expect(push.statistics.messagesSent == 1)
        case .cancelled:
            #expect(try drain(pull) == [], "a cancelled send queued its message")
            #expect(push.statistics.messagesSent == 0)
        case .failed(let error):
            Issue.record("unexpected \(error)")
        }
    }

    @Test func cancellingAReceiveWithoutATimeoutEndsIt() async throws {
        let context = Context()
        defer { context.terminate() }
        let pull = try context.socket(.pull)
        let receiver = Task { try await pull.receive() }
        #expect(await waitUntilParked(pull))
        receiver.cancel()
        try await withTimeout {
            await #expect(throws: CancellationError.self) { try await receiver.value }
        }
    }
}
