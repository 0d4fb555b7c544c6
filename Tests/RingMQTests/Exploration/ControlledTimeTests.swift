import RingMQ
import RingMQTesting
import Synchronization
import Testing

/// Virtual time in a controlled run (issue 16, item 3): the clock moves only when every
/// participant is blocked, straight to the earliest deadline, so timeouts fire at once and in
/// deadline order.
@Suite struct ControlledTimeTests {
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
}
