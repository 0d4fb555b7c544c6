import RingMQ
import RingMQTesting
import Testing

/// Plain runs (``Schedule/uncontrolled``), the baseline the bug corpus compares exploration
/// with: the same body and participants, free threads, the real clock, no scheduling.
@Suite(.runsAlone) struct UncontrolledRunsTests {
    /// The fixed corpus programs pass plain runs, and no decision is made in them.
    @Test(arguments: CorpusCase.all)
    func fixedProgramsPassPlainRuns(_ bug: CorpusCase) async {
        let result = await Exploration.run(.uncontrolled, options: ExplorationOptions(runs: 30), bug.plain(true))
        #expect(result.failure == nil, "\(bug.name): \(result.failure?.description ?? "")")
        #expect(result.runs == 30)
        #expect(result.decisions == 0)
    }

    /// A plain run that hangs (the deadlocking cycle) fails once its time limit has passed,
    /// naming who was still running, instead of hanging the test; the exploration stops there.
    @Test func aHungPlainRunFailsAfterItsTimeLimit() async throws {
        let result = await Exploration.run(
            .uncontrolled(timeLimit: .milliseconds(200)), options: ExplorationOptions(runs: 5),
            BugCorpus.pushPullCycle(fixed: false))
        let failure = try #require(result.failure)
        #expect(failure.kind == .stall)
        #expect(result.runs == 1)
        #expect(
            failure.message == "did not finish in 0.2 seconds: hung? (still running: main, left, right)",
            "\(failure)")
    }

    /// A participant that throws fails the plain run at once, even while others still wait;
    /// and timeouts are measured on the real clock: a 50 ms receive timeout takes 50 ms.
    @Test func aThrowFailsAPlainRunAndTimeIsReal() async throws {
        let clock = ContinuousClock()
        let started = clock.now
        let result = await Exploration.run(.uncontrolled, options: ExplorationOptions(runs: 3)) { world in
            let pull = try world.context.socket(.pull)
            try pull.bind("inproc://never")
            pull.receiveTimeout = .milliseconds(50)
            world.thread("waiter") { _ = try pull.receive() }
            throw CorpusBug("main gave up")
        }
        let failure = try #require(result.failure)
        #expect(failure.kind == .thrown)
        #expect(failure.message == "main threw main gave up" || failure.message.hasPrefix("waiter threw"))
        #expect(result.runs == 1)
        let timed = await Exploration.run(.uncontrolled, options: ExplorationOptions(runs: 1)) { world in
            let pull = try world.context.socket(.pull)
            pull.receiveTimeout = .milliseconds(50)
            do { _ = try await pull.receive() } catch RingMQError.timedOut {}
        }
        #expect(timed.failure == nil)
        #expect(started.duration(to: clock.now) >= .milliseconds(50))
    }
}
