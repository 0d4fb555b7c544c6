import RingMQ
import RingMQTesting
import Testing

/// Many waiters on one ``ManualClock`` at once: 100 blocked threads, 100 suspended tasks, and
/// 100 waiters of six kinds mixed, with deadlines spread over 1…100 s, advanced together step
/// by step. After each step exactly the waiters that were due have finished, each with
/// `.timedOut` at its own deadline (the virtual time it read when it threw), and every other
/// one is still waiting (still registered on the clock, not finished): none early, none lost.
/// Then waits that start while another thread keeps moving time, to catch a wake-up lost
/// between computing a deadline and sleeping, and messages that win for some waiters among
/// many.
///
/// Run under ThreadSanitizer by CI (as is every suite).
@Suite(.runsAlone) struct VirtualTimeConcurrencyTests {
    static let count = 100

    // MARK: - 100 threads

    @Test func hundredBlockedThreadsTimeOutEachAtItsOwnSecond() throws {
        let time = VirtualTime()
        defer { time.terminate() }
        let deadlines = Array(1...Self.count).shuffled()
        let waiters = try deadlines.map { seconds in
            let pull = try time.socket(.pull)
            pull.receiveTimeout = .seconds(seconds)
            return Peer { [clock = time.clock] in try timeoutInstant(on: clock) { _ = try pull.receive() } }
        }
        #expect(time.clock.waitForSleepers(Self.count))

        for second in 1...Self.count {
            time.clock.advance(by: .seconds(1))
            let due = deadlines.indices.filter { deadlines[$0] == second }
            for index in due {
                #expect(try waiters[index].join().get() == .seconds(second), "waiter due at \(second) s")
            }
            // None early: every later waiter is still registered and still waiting.
            #expect(time.clock.sleepers == Self.count - second, "after \(second) s")
            let early = deadlines.indices.filter { deadlines[$0] > second && waiters[$0].isFinished }
            #expect(early.isEmpty, "finished before their deadline at \(second) s: \(early.map { deadlines[$0] })")
        }
        #expect(waiters.allSatisfy { $0.isFinished }, "none lost")
        time.expectFast()
    }

    /// The case as written: 100 threads each receiving with a 30 s timeout, advanced
    /// together: after 29 s all still wait, after 30 s all have timed out.
    @Test func hundredThirtySecondTimeoutsAdvancedTogether() throws {
        let time = VirtualTime()
        defer { time.terminate() }
        let waiters = try (0..<Self.count).map { _ in
            let pull = try time.socket(.pull)
            pull.receiveTimeout = .seconds(30)
            return Peer { [clock = time.clock] in try timeoutInstant(on: clock) { _ = try pull.receive() } }
        }
        #expect(time.clock.waitForSleepers(Self.count))
        time.clock.advance(by: .seconds(29))
        #expect(time.clock.sleepers == Self.count, "none early")
        #expect(waiters.filter(\.isFinished).isEmpty, "none early")
        time.clock.advance(by: .seconds(1))
        for waiter in waiters {
            #expect(try waiter.join().get() == .seconds(30), "none lost")
        }
        #expect(time.clock.sleepers == 0)
        time.expectFast()
    }

    /// Several due at once: deadlines 3, 6, …, 30 s (ten waiters each) reached by uneven jumps.
    @Test func hundredBlockedThreadsAdvancedInUnevenJumps() throws {
        let time = VirtualTime()
        defer { time.terminate() }
        let deadlines = (0..<Self.count).map { 3 * ($0 % 10 + 1) }.shuffled()
        let waiters = try deadlines.map { seconds in
            let pull = try time.socket(.pull)
            pull.receiveTimeout = .seconds(seconds)
            return Peer { [clock = time.clock] in try timeoutInstant(on: clock) { _ = try pull.receive() } }
        }
        #expect(time.clock.waitForSleepers(Self.count))

        var now = 0
        for jump in [2, 5, 1, 9, 0, 4, 7, 2, 11] {  // ends at 41 s, past the last deadline
            time.clock.advance(by: .seconds(jump))
            now += jump
            for index in deadlines.indices where deadlines[index] <= now {
                // Finished when its deadline was passed, at the virtual time of that jump.
                let result = try waiters[index].join().get()
                #expect(result >= .seconds(deadlines[index]) && result <= .seconds(now))
            }
            let pending = deadlines.filter { $0 > now }.count
            #expect(time.clock.sleepers == pending, "after \(now) s")
            #expect(deadlines.indices.filter { deadlines[$0] > now && waiters[$0].isFinished }.isEmpty)
        }
        #expect(waiters.allSatisfy { $0.isFinished })
        time.expectFast()
    }

    // MARK: - 100 tasks

    @Test func hundredSuspendedTasksTimeOutEachAtItsOwnSecond() async throws {
        let time = VirtualTime()
        defer { time.terminate() }
        let deadlines = Array(1...Self.count).shuffled()
        let waiters = try deadlines.map { seconds in
            let pull = try time.socket(.pull)
            pull.receiveTimeout = .seconds(seconds)
            return TrackedTask { [clock = time.clock] in
                try await asyncTimeoutInstant(on: clock) { _ = try await pull.receive() }
            }
        }
        #expect(await time.clock.waitForSleepers(Self.count))

        for second in 1...Self.count {
            time.clock.advance(by: .seconds(1))
            for index in deadlines.indices where deadlines[index] == second {
                #expect(try await waiters[index].value() == .seconds(second), "waiter due at \(second) s")
            }
            #expect(time.clock.sleepers == Self.count - second, "after \(second) s")
            let early = deadlines.indices.filter { deadlines[$0] > second && waiters[$0].isFinished }
            #expect(early.isEmpty, "finished before their deadline at \(second) s: \(early.map { deadlines[$0] })")
        }
        #expect(waiters.allSatisfy { $0.isFinished }, "none lost")
        time.expectFast()
    }

    // MARK: - Mixed kinds

    /// Blocking and async receives, sends on full queues and polls: 100 waiters, six kinds,
    /// deadlines 1…100 s shuffled over the kinds.
    @Test func hundredWaitersOfSixKindsTimeOutEachAtItsOwnSecond() async throws {
        let time = VirtualTime()
        defer { time.terminate() }
        let clock = time.clock
        let deadlines = Array(1...Self.count).shuffled()
        var waiters: [Waiter] = []
        for (index, seconds) in deadlines.enumerated() {
            let timeout = Duration.seconds(seconds)
            switch index % 6 {
            case 0:
                let pull = try time.socket(.pull)
                pull.receiveTimeout = timeout
                waiters.append(Waiter(Peer { try timeoutInstant(on: clock) { _ = try pull.receive() } }))
            case 1:
                let pull = try time.socket(.pull)
                pull.receiveTimeout = timeout
                waiters.append(
                    Waiter(TrackedTask { try await asyncTimeoutInstant(on: clock) { _ = try await pull.receive() } }))
            case 2:
                let (push, _) = try fullPushPull(time, endpoint: "inproc://vt-mixed-\(index)")
                push.sendTimeout = timeout
                waiters.append(Waiter(Peer { try timeoutInstant(on: clock) { try push.send("no room") } }))
            case 3:
                let (push, _) = try fullPushPull(time, endpoint: "inproc://vt-mixed-\(index)")
                push.sendTimeout = timeout
                waiters.append(
                    Waiter(TrackedTask { try await asyncTimeoutInstant(on: clock) { try await push.send("no room") } }))
            case 4:
                var poller = Poller()
                poller.register(try time.socket(.pull), for: .readable)
                waiters.append(
                    Waiter(
                        Peer { [poller] in
                            try timeoutInstant(on: clock) { try pollExpectingNothing(poller, timeout: timeout) }
                        }))
            default:
                var poller = Poller()
                poller.register(try time.socket(.pull), for: .readable)
                waiters.append(
                    Waiter(
                        TrackedTask { [poller] in
                            try await asyncTimeoutInstant(on: clock) {
                                try await pollExpectingNothing(poller, timeout: timeout)
                            }
                        }))
            }
        }
        #expect(await clock.waitForSleepers(Self.count))

        for second in 1...Self.count {
            clock.advance(by: .seconds(1))
            for index in deadlines.indices where deadlines[index] == second {
                let outcome = await waiters[index].outcome()
                #expect(outcome == .success(.seconds(second)), "kind \(index % 6) due at \(second) s: \(outcome)")
            }
            #expect(clock.sleepers == Self.count - second, "after \(second) s")
            #expect(
                deadlines.indices.filter { deadlines[$0] > second && waiters[$0].isFinished }.isEmpty,
                "finished before their deadline at \(second) s")
        }
        time.expectFast()
    }

    // MARK: - Messages win for some

    /// 50 threads and 50 tasks wait 10 s each; at 5 s every other one gets its message. Those
    /// return their message, the others time out at 10 s, and nothing is left on the clock.
    @Test func messagesBeforeTheDeadlineWinForExactlyTheWaitersTheyReach() async throws {
        let time = VirtualTime()
        defer { time.terminate() }
        let clock = time.clock
        var pushes: [Socket] = []
        var waiters: [Waiter] = []
        for index in 0..<Self.count {
            let pull = try time.socket(.pull)
            pull.receiveTimeout = .seconds(10)
            try pull.bind("inproc://vt-some-win-\(index)")
            let push = try time.socket(.push)
            try push.connect("inproc://vt-some-win-\(index)")
            pushes.append(push)
            let receive = { @Sendable (message: Message) -> Duration in
                guard message == numbered(index) else { throw RingMQError.invalidState("wrong message") }
                return .zero  // received: no timeout
            }
            if index < Self.count / 2 {
                waiters.append(
                    Waiter(
                        Peer {
                            do { return try receive(pull.receive()) } catch RingMQError.timedOut {
                                return clock.now.offset
                            }
                        }))
            } else {
                waiters.append(
                    Waiter(
                        TrackedTask {
                            do { return try receive(await pull.receive()) } catch RingMQError.timedOut {
                                return clock.now.offset
                            }
                        }))
            }
        }
        #expect(await clock.waitForSleepers(Self.count))

        clock.advance(by: .seconds(5))
        for index in stride(from: 0, to: Self.count, by: 2) {
            try await pushes[index].send(numbered(index))
        }
        for index in stride(from: 0, to: Self.count, by: 2) {
            #expect(await waiters[index].outcome() == .success(.zero), "waiter \(index) received its message")
        }
        #expect(clock.sleepers == Self.count / 2)
        #expect(stride(from: 1, to: Self.count, by: 2).allSatisfy { !waiters[$0].isFinished })

        clock.advance(by: .seconds(5))
        for index in stride(from: 1, to: Self.count, by: 2) {
            #expect(await waiters[index].outcome() == .success(.seconds(10)), "waiter \(index) timed out at 10 s")
        }
        #expect(clock.sleepers == 0)
        time.expectFast()
    }

    // MARK: - Time moving while waits start

    /// Threads and tasks each time out `rounds` times in a row (1 s timeouts) while another
    /// thread keeps advancing the clock by 100 ms steps. Deadlines are computed, armed and
    /// reached in every interleaving: no wait ends early (each lasted at least 1 s of virtual
    /// time) and none is lost (every waiter finishes all its rounds while time moves).
    @Test func waitsStartingWhileTimeMovesAreNeitherEarlyNorLost() async throws {
        let time = VirtualTime()
        defer { time.terminate() }
        let clock = time.clock
        let rounds = Scale.count(normal: 40, stress: 400, sanitized: 10)
        let each = 4

        let threads = try (0..<each).map { _ in
            let pull = try time.socket(.pull)
            pull.receiveTimeout = .seconds(1)
            return Peer { () -> Int in
                var early = 0
                for _ in 0..<rounds {
                    let start = clock.now
                    let end = try timeoutInstant(on: clock) { _ = try pull.receive() }
                    if end - start.offset < .seconds(1) { early += 1 }
                }
                return early
            }
        }
        let tasks = try (0..<each).map { _ in
            let pull = try time.socket(.pull)
            pull.receiveTimeout = .seconds(1)
            return TrackedTask { () -> Int in
                var early = 0
                for _ in 0..<rounds {
                    let start = clock.now
                    let end = try await asyncTimeoutInstant(on: clock) { _ = try await pull.receive() }
                    if end - start.offset < .seconds(1) { early += 1 }
                }
                return early
            }
        }
        let mover = Peer { () -> Int in
            var steps = 0
            let limit = ContinuousClock.now.advanced(by: Scale.safety)
            while !(threads.allSatisfy(\.isFinished) && tasks.allSatisfy(\.isFinished)), ContinuousClock.now < limit {
                clock.advance(by: .milliseconds(100))
                steps += 1
                yieldThread()
            }
            return steps
        }

        #expect(await waitUntilFinished(mover))
        let steps = try mover.join().get()
        for thread in threads {
            #expect(await waitUntilFinished(thread), "a thread's wait was lost")
            #expect(try thread.join().get() == 0, "waits that ended before 1 s of virtual time")
        }
        for task in tasks {
            #expect(try await task.value() == 0, "waits that ended before 1 s of virtual time")
        }
        #expect(time.elapsed >= .seconds(rounds), "\(steps) steps")
        #expect(clock.sleepers == 0)
    }
}

// MARK: - Helpers

/// What a waiter's body throws when a call returned instead of timing out.
private enum Unexpected: Error {
    case ready
}

/// A poll that finds nothing ready throws `.timedOut` here, as the other waits do.
private func pollExpectingNothing(_ poller: Poller, timeout: Duration) throws {
    guard try poller.poll(timeout: timeout).isEmpty else { throw Unexpected.ready }
    throw RingMQError.timedOut
}

/// The async form of ``pollExpectingNothing(_:timeout:)``.
private func pollExpectingNothing(_ poller: Poller, timeout: Duration) async throws {
    guard try await poller.poll(timeout: timeout).isEmpty else { throw Unexpected.ready }
    throw RingMQError.timedOut
}

/// Runs `body`, which is expected to end with `.timedOut`, and returns the virtual time at which
/// it did. Throws `.invalidState` if it returned instead (or threw ``Unexpected``).
private func timeoutInstant(on clock: ManualClock, _ body: () throws -> Void) throws -> Duration {
    do {
        try body()
    } catch RingMQError.timedOut {
        return clock.now.offset
    } catch is Unexpected {
        // Reported below.
    }
    throw RingMQError.invalidState("returned before its timeout")
}

/// The async form of ``timeoutInstant(on:_:)``.
private func asyncTimeoutInstant(on clock: ManualClock, _ body: () async throws -> Void) async throws -> Duration {
    do {
        try await body()
    } catch RingMQError.timedOut {
        return clock.now.offset
    } catch is Unexpected {
        // Reported below.
    }
    throw RingMQError.invalidState("returned before its timeout")
}

/// A blocked thread or a suspended task, seen alike.
private struct Waiter: Sendable {
    let isFinishedNow: @Sendable () -> Bool
    let outcome: @Sendable () async -> Result<Duration, RingMQError>

    var isFinished: Bool { isFinishedNow() }

    init(_ peer: Peer<Duration>) {
        isFinishedNow = { peer.isFinished }
        outcome = {
            guard await waitUntilFinished(peer) else { return .failure(.invalidState("still blocked")) }
            return peer.join()
        }
    }

    init(_ task: TrackedTask<Duration>) {
        isFinishedNow = { task.isFinished }
        outcome = { await task.result() }
    }
}
