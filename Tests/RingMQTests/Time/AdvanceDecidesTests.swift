import RingMQ
import RingMQTesting
import Testing

/// `advance(by:)` settles the outcome of every wait whose deadline it passes before it returns:
/// the waiter times out whatever arrives afterwards, and takes what arrived before.
///
/// Each shape runs many rounds because the race it excludes is a matter of timing: before the
/// clock settled outcomes, a woken waiter that had not run yet took a reply sent right after
/// `advance` returned in 47 to 199 of 200 rounds (the newcomer's `AdvanceRaceTests`).
@Suite(.runsAlone) struct AdvanceDecidesTests {
    /// The newcomer's shapes (a lazy-pirate client's reply wait), as often as the issue asks.
    static let requestRounds = 1_000
    /// The other waits: the same mechanism, fewer rounds.
    static let otherRounds = 300

    // MARK: - What arrives after advance is too late

    @Test func aReplyAfterAdvanceNeverReachesABlockedRequester() throws {
        var outcomes = Outcomes()
        for round in 0..<Self.requestRounds {
            let time = VirtualTime()
            defer { time.terminate() }
            let (client, service) = try requestPair(time, round: round)
            let requester = Peer { () throws -> Message in
                try client.send("ping")
                return try client.receive()
            }
            _ = try service.receive()
            #expect(time.clock.waitForSleepers(1))
            time.clock.advance(by: .seconds(30))  // the requester's deadline
            try service.send("too late")
            outcomes.record(requester.join())
        }
        #expect(outcomes.timedOut == Self.requestRounds, "\(outcomes)")
    }

    @Test func aReplyAfterAdvanceNeverReachesASuspendedRequester() async throws {
        var outcomes = Outcomes()
        for round in 0..<Self.requestRounds {
            let time = VirtualTime()
            defer { time.terminate() }
            let (client, service) = try requestPair(time, round: round)
            let requester = TrackedTask { () async throws -> Message in
                try await client.send("ping")
                return try await client.receive()
            }
            _ = try await service.receive()
            #expect(await time.clock.waitForSleepers(1))
            time.clock.advance(by: .seconds(30))
            try await service.send("too late")
            outcomes.record(await requester.result())
        }
        #expect(outcomes.timedOut == Self.requestRounds, "\(outcomes)")
    }

    @Test func roomAfterAdvanceNeverTakesTheTimedOutMessage() throws {
        var outcomes = Outcomes()
        var sentLate = 0
        for round in 0..<Self.otherRounds {
            let time = VirtualTime()
            defer { time.terminate() }
            let (push, pull) = try fullPushPull(time, endpoint: "inproc://advance-room-\(round)")
            push.sendTimeout = .seconds(30)
            let sender = Peer { () throws -> Message in
                try push.send("late")
                return "sent"
            }
            #expect(time.clock.waitForSleepers(1))
            time.clock.advance(by: .seconds(30))
            #expect(try pull.tryReceive() == numbered(0))  // room, after the deadline
            #expect(try pull.tryReceive() == numbered(1))
            outcomes.record(sender.join())
            if try pull.tryReceive() != nil { sentLate += 1 }
        }
        #expect(outcomes.timedOut == Self.otherRounds, "\(outcomes)")
        #expect(sentLate == 0)
    }

    @Test func aMessageAfterAdvanceNeverEndsATimedOutPoll() async throws {
        var blocking = 0
        var suspended = 0
        for round in 0..<Self.otherRounds {
            let time = VirtualTime()
            defer { time.terminate() }
            let pull = try time.socket(.pull)
            try pull.bind("inproc://advance-poll-\(round)")
            let push = try time.socket(.push)
            try push.connect("inproc://advance-poll-\(round)")
            var poller = Poller()
            poller.register(pull, for: .readable)
            let polling = Peer { [poller] in try poller.poll(timeout: .seconds(30)).count }
            #expect(await time.clock.waitForSleepers(1))
            time.clock.advance(by: .seconds(30))
            try await push.send("late")
            if case .success(0) = polling.join() { blocking += 1 }

            _ = try pull.tryReceive()
            let asyncPolling = TrackedTask { [poller] in try await poller.poll(timeout: .seconds(30)).count }
            #expect(await time.clock.waitForSleepers(1))
            time.clock.advance(by: .seconds(30))
            try await push.send("late again")
            if case .success(0) = await asyncPolling.result() { suspended += 1 }
        }
        #expect(blocking == Self.otherRounds)
        #expect(suspended == Self.otherRounds)
    }

    // MARK: - What arrived before advance is in time

    @Test func aMessageSentBeforeAdvanceIsReceivedNotTimedOut() async throws {
        var blocking = Outcomes()
        var suspended = Outcomes()
        for round in 0..<Self.otherRounds {
            let time = VirtualTime()
            defer { time.terminate() }
            let pull = try time.socket(.pull)
            pull.receiveTimeout = .seconds(30)
            try pull.bind("inproc://advance-in-time-\(round)")
            let push = try time.socket(.push)
            try push.connect("inproc://advance-in-time-\(round)")

            let receiver = Peer { try pull.receive() }
            #expect(await time.clock.waitForSleepers(1))
            try await push.send("in time")  // before the deadline…
            time.clock.advance(by: .seconds(30))  // …even if the receiver has not run yet
            blocking.record(receiver.join())

            let task = TrackedTask { try await pull.receive() }
            #expect(await time.clock.waitForSleepers(1))
            try await push.send("in time")
            time.clock.advance(by: .seconds(30))
            suspended.record(await task.result())
        }
        #expect(blocking.received == Self.otherRounds, "\(blocking)")
        #expect(suspended.received == Self.otherRounds, "\(suspended)")
    }

    // MARK: - advance from a task

    /// `advance` called from a task must not wait for a woken task that needs the very pool
    /// thread `advance` holds: it lets the task look when it runs (the message sent before the
    /// deadline still wins). A clock that waited for it stalled until its patience ran out.
    @Test func advanceFromATaskNeverWaitsForAWokenTaskWithoutAThread() async throws {
        for round in 0..<20 {
            let time = VirtualTime()
            defer { time.terminate() }
            let pull = try time.socket(.pull)
            pull.receiveTimeout = .seconds(30)
            try pull.bind("inproc://advance-from-task-\(round)")
            let push = try time.socket(.push)
            try push.connect("inproc://advance-from-task-\(round)")
            let receiver = TrackedTask { try await pull.receive() }
            #expect(await time.clock.waitForSleepers(1))

            // Hold every other thread of the pool, so that the woken receiver cannot run.
            let release = Flag()
            let holding = Tally()
            let hogs = (1..<cooperativePoolWidth()).map { _ in
                Task.detached {
                    _ = holding.add()
                    while !release.isSet { yieldThread() }
                }
            }
            while holding.current < hogs.count { await Task.yield() }
            try await push.send("in time")  // wakes the receiver: no thread for it
            let start = ContinuousClock.now
            time.clock.advance(by: .seconds(30))
            let took = ContinuousClock.now - start
            release.set()
            for hog in hogs { await hog.value }
            #expect(took < .seconds(1), "advance waited \(took) for a task that needed its thread")
            #expect(try await receiver.value() == "in time")
        }
    }

    // MARK: - Helpers

    /// A REQ with a 30 s receive timeout connected to a REP.
    private func requestPair(_ time: VirtualTime, round: Int) throws -> (client: Socket, service: Socket) {
        let service = try time.socket(.rep)
        try service.bind("inproc://advance-\(round)")
        let client = try time.socket(.req)
        client.receiveTimeout = .seconds(30)
        try client.connect("inproc://advance-\(round)")
        return (client, service)
    }
}

/// How the rounds of a shape ended.
private struct Outcomes: CustomStringConvertible {
    var timedOut = 0
    var received = 0
    var other: [String] = []

    mutating func record(_ result: Result<Message, RingMQError>) {
        switch result {
        case .failure(.timedOut): timedOut += 1
        case .success: received += 1
        case .failure(let error): other.append("\(error)")
        }
    }

    var description: String {
        "timed out \(timedOut), received \(received), other \(other.prefix(3))"
    }
}
