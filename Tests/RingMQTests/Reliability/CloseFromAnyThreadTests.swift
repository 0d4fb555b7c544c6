import RingMQ
import RingMQTesting
import Synchronization
import Testing

/// `close()` from any thread stops the one call blocked in that socket with `.socketClosed`,
/// loses nothing that was queued, and leaves every other socket alone.
@Suite struct CloseFromAnyThreadTests {
    @Test func closeWakesEachOfSixteenBlockedThreadsWithSocketClosed() throws {
        let context = Context()
        let (calls, sockets) = try BlockedCall.sixteen(on: context, timeout: nil)
        defer { withExtendedLifetime(sockets) {} }
        let threads = calls.map { call in Peer { try call.run() } }
        for thread in threads { thread.waitUntilBlocked() }

        var wrong: [String] = []
        for (call, thread) in zip(calls, threads) {
            // From a thread of its own, so that a close that never returns fails the test.
            let closer = Peer { call.blockingSocket.close() }
            if case .failure = closer.join() { wrong.append("\(call.name): close() did not return") }
            switch thread.join() {
            case .failure(.socketClosed): break
            case .failure(let error): wrong.append("\(call.name): \(error)")
            case .success: wrong.append("\(call.name): returned")
            }
            #expect(throws: RingMQError.socketClosed) { try call.blockingSocket.tryReceive() }
        }
        #expect(wrong.isEmpty, "not ended by .socketClosed: \(wrong)")
        try expectContextStillWorks(context)
    }

    @Test func closeWakesEachSuspendedTaskWithSocketClosed() async throws {
        let context = Context()
        let (allCalls, sockets) = try BlockedCall.sixteen(on: context, timeout: nil)
        defer { withExtendedLifetime(sockets) {} }
        let calls = allCalls.filter { $0.parkingSocket != nil }
        let tasks = calls.map { call in Task { _ = try await call.runAsync() } }
        for call in calls {
            #expect(await waitUntilParked(call.parkingSocket!), "\(call.name) did not park")
        }

        var wrong: [String] = []
        for (call, task) in zip(calls, tasks) {
            let closer = Peer { call.blockingSocket.close() }
            if case .failure = await closer.finished() { wrong.append("\(call.name): close() did not return") }
            do {
                try await withTimeout { try await task.value }
                wrong.append("\(call.name): returned")
            } catch RingMQError.socketClosed {
                continue
            } catch {
                wrong.append("\(call.name): \(error)")
            }
        }
        #expect(wrong.isEmpty, "not ended by .socketClosed: \(wrong)")
        try expectContextStillWorks(context)
    }

    @Test func aSendStoppedByCloseLeavesWhatWasQueuedReceivable() throws {
        let context = Context()
        let pull = try context.socket(.pull)
        pull.receiveHighWaterMark = 1
        try pull.bind("inproc://close-send")
        let push = try context.socket(.push)
        push.sendHighWaterMark = 1
        try push.connect("inproc://close-send")
        let queued = try fill(push)
        let blocked = Peer { try push.send(numbered(queued)) }
        blocked.waitUntilBlocked()

        Peer { push.close() }.join().ignore()
        #expect(throws: RingMQError.socketClosed) { try blocked.join().get() }
        #expect(push.statistics.messagesSent == queued)
        #expect(try drainNumbers(pull) == Array(0..<queued))
    }

    @Test func aMessageLoopEndsWhenAnotherThreadClosesItsSocket() async throws {
        let context = Context()
        let pull = try context.socket(.pull)
        try pull.bind("inproc://close-loop")
        let push = try context.socket(.push)
        try push.connect("inproc://close-loop")
        for value in 0..<3 { #expect(try push.trySend(numbered(value))) }
        let loop = Task {
            var received: [Int] = []
            for try await message in pull.messages { received.append(number(message)) }
            return received
        }
        #expect(await waitUntilParked(pull))
        await Peer { pull.close() }.finished().ignore()
        #expect(try await withTimeout { try await loop.value } == [0, 1, 2])
    }

    /// Rounds of a thread sending as fast as it can (and blocking once the queue is full)
    /// while this thread closes its socket at a random moment: the sender stops with
    /// `.socketClosed`, never a trap, and every message it was told went out is received, in
    /// order.
    @Test func closingARacingSenderLosesNothingItSent() throws {
        let seed = TestSeed.value(default: 0x5EED_C105E)
        var random = SplitMix64(seed: seed)
        for round in 0..<Scale.count(normal: 60, stress: 600, sanitized: 20) {
            let context = Context()
            let pull = try context.socket(.pull)
            pull.receiveHighWaterMark = 64
            try pull.bind("inproc://close-race")
            let push = try context.socket(.push)
            push.sendHighWaterMark = 64
            try push.connect("inproc://close-race")
            let sender = Peer { () throws -> Int in
                var sent = 0
                do {
                    while true {
                        try push.send(numbered(sent))
                        sent += 1
                    }
                } catch RingMQError.socketClosed {
                    return sent
                }
            }
            for _ in 0..<Int.random(in: 0..<300, using: &random) { yieldThread() }
            push.close()
            let sent = try sender.join().get()
            #expect(try drainNumbers(pull) == Array(0..<sent), "round \(round), \(TestSeed.replay(seed))")
        }
    }

    private func expectContextStillWorks(_ context: Context) throws {
        let pull = try context.socket(.pull)
        try pull.bind("inproc://still-works")
        let push = try context.socket(.push)
        try push.connect("inproc://still-works")
        #expect(try push.trySend("after"))
        #expect(try pull.tryReceive() == "after")
    }
}

extension Result {
    /// Drops the outcome of a join whose only job was to return.
    func ignore() {}
}
