import RingMQ
import RingMQTesting
import Synchronization
import Testing

/// Virtual time in a controlled run (issue 16, item 3): the clock moves only when every
/// participant is blocked, straight to the earliest deadline, so timeouts fire at once and in
/// deadline order.
@Suite(.runsAlone) struct ControlledTimeTests {
    /// A 10-second and a 30-second receive timeout, in a thread and in a task, with nothing to
    /// receive: in every run the 10-second one fires first, then the 30-second one; fifty runs
    /// take well under the 20 minutes of real time they stand for.
    @Test func timeoutsFireAtOnceInDeadlineOrder() async throws {
        let wrongOrder = Atomic<Int>(0)
        let timedOut = Atomic<Int>(0)
        let started = ContinuousClock.now
        let result = await Exploration.run(.random(seed: 5), options: ExplorationOptions(runs: 50)) { world in
            let ticket = Atomic<Int>(0)
            world.thread("short") {
                let pull = try world.context.socket(.pull)
                pull.receiveTimeout = .seconds(10)
                try pull.bind("inproc://short")
                do {
                    _ = try pull.receive()
                } catch RingMQError.timedOut {
                    timedOut.add(1, ordering: .relaxed)
                    if ticket.add(1, ordering: .relaxed).newValue != 1 { wrongOrder.add(1, ordering: .relaxed) }
                }
            }
            let pull = try world.context.socket(.pull)
            pull.receiveTimeout = .seconds(30)
            try pull.bind("inproc://long")
            do {
                _ = try await pull.receive()
            } catch RingMQError.timedOut {
                timedOut.add(1, ordering: .relaxed)
                if ticket.add(1, ordering: .relaxed).newValue != 2 { wrongOrder.add(1, ordering: .relaxed) }
            }
        }
        #expect(result.failure == nil, "\(result.failure?.description ?? "")")
        #expect(timedOut.load(ordering: .relaxed) == 2 * 50)
        #expect(wrongOrder.load(ordering: .relaxed) == 0)
        let clockMoves = result.lastTrace.filter { $0.hasPrefix("clock → ") }
        #expect(clockMoves == ["clock → 10.0 seconds", "clock → 30.0 seconds"])
        #expect(started.duration(to: .now) < .seconds(60))
    }

    /// A message that arrives before the deadline wins over the timeout: the clock does not
    /// move while the sender can run.
    @Test func theClockWaitsWhileSomeoneCanRun() async throws {
        let result = await Exploration.run(.random(seed: 9), options: ExplorationOptions(runs: 30)) { world in
            let pull = try world.context.socket(.pull)
            pull.receiveTimeout = .seconds(1)
            try pull.bind("inproc://late")
            world.thread("sender") {
                let push = try world.context.socket(.push)
                try push.connect("inproc://late")
                for _ in 0..<3 { world.yield() }
                try push.send(Message("in time"))
            }
            let message = try await pull.receive()
            guard message[0].string == "in time" else { throw RingMQError.timedOut }
        }
        #expect(result.failure == nil, "\(result.failure?.description ?? "")")
        #expect(!result.lastTrace.contains { $0.hasPrefix("clock → ") })
    }

    /// Two thread participants sleep 30 and 10 virtual seconds: in every run the 10-second one
    /// wakes first, the clock jumps to each deadline in turn, and thirty runs take well under
    /// the 20 minutes of real time they stand for.
    @Test func sleepersWakeInDeadlineOrderAtNoRealCost() async throws {
        let wrongOrder = Atomic<Int>(0)
        let woken = Atomic<Int>(0)
        let started = ContinuousClock.now
        let result = await Exploration.run(.random(seed: 11), options: ExplorationOptions(runs: 30)) { world in
            let ticket = Atomic<Int>(0)
            var sleepers: [Participant] = []
            for (name, seconds, turn) in [("long", 30, 2), ("short", 10, 1)] {
                sleepers.append(
                    world.thread(name) {
                        try world.sleep(for: .seconds(seconds))
                        woken.add(1, ordering: .relaxed)
                        if ticket.add(1, ordering: .relaxed).newValue != turn { wrongOrder.add(1, ordering: .relaxed) }
                    })
            }
            for sleeper in sleepers { try await sleeper.join() }
        }
        #expect(result.failure == nil, "\(result.failure?.description ?? "")")
        #expect(woken.load(ordering: .relaxed) == 2 * 30)
        #expect(wrongOrder.load(ordering: .relaxed) == 0)
        let clockMoves = result.lastTrace.filter { $0.hasPrefix("clock → ") }
        #expect(clockMoves == ["clock → 10.0 seconds", "clock → 30.0 seconds"])
        #expect(started.duration(to: .now) < .seconds(60))
    }

    /// A sleep ends when nothing else can happen before its deadline, and not sooner: a thread
    /// that sleeps 5 s then sends reaches a receive that waits 10 s, and one that sleeps 20 s
    /// comes too late for it, in every run.
    @Test func aSleepEndsAtItsDeadlineOnTheRunsClock() async throws {
        let outcomes = Locked<[String]>([])
        let result = await Exploration.run(.random(seed: 12), options: ExplorationOptions(runs: 30)) { world in
            for seconds in [5, 20] {
                let pull = try world.context.socket(.pull)
                pull.receiveTimeout = .seconds(10)
                try pull.bind("inproc://after-\(seconds)")
                let sender = world.thread("sleeps \(seconds) s") {
                    let push = try world.context.socket(.push)
                    push.sendTimeout = .zero
                    try push.connect("inproc://after-\(seconds)")
                    try world.sleep(for: .seconds(seconds))
                    try push.send(Message("woke"))
                }
                do {
                    _ = try await pull.receive()
                    outcomes.withLock { $0.append("\(seconds) s: received") }
                } catch RingMQError.timedOut {
                    outcomes.withLock { $0.append("\(seconds) s: timed out") }
                }
                try await sender.join()
            }
        }
        #expect(result.failure == nil, "\(result.failure?.description ?? "")")
        let expected = Array(repeating: ["5 s: received", "20 s: timed out"], count: 30).flatMap { $0 }
        #expect(outcomes.withLock { $0 } == expected)
    }
}
