import RingMQ
import RingMQTesting
import Synchronization
import Testing

/// The search strategies of a controlled run (issue 16, item 2): PCT finds a bug that needs one
/// preemption at one exact place, and the exhaustive search runs every schedule of a small test
/// exactly once, then says it is complete.
@Suite(.runsAlone) struct StrategyTests {
    /// An order bug of depth 2: the writer sets `x` to 1 and back to 0 between socket calls,
    /// and the reader fails if it sees 1. The reader must run after the writer's first store
    /// and before its second: the writer must be preempted at exactly that point. PCT at depth 1
    /// (no change point) runs the higher of the two to its end first, so it never finds it.
    ///
    /// Bound: PCT finds a depth-2 bug with probability at least 1/(n·k) per run, n = 3
    /// participants and k the choices of a run. This test runs at most 30 choices per run
    /// (asserted), so p ≥ 1/90 and 1000 runs miss it with probability (1 − 1/90)^1000 < 2·10⁻⁵
    /// per seed. (The exact odds are about 1/(2k): the writer above the reader, and the change
    /// point at its middle point.)
    @Test(arguments: 0..<5 as Range<UInt64>)
    func pctOfDepthTwoFindsABugThatNeedsOnePreemption(seed: UInt64) async throws {
        let result = await Exploration.run(
            .pct(depth: 2, seed: seed), options: ExplorationOptions(runs: 1000), Self.writerAndReader)
        let failure = try #require(result.failure, "not found in \(result.runs) runs")
        #expect(failure.kind == .thrown)
        #expect(failure.message.contains("reader saw x == 1"), "\(failure.message)")
        #expect(result.choices <= 30 * result.runs, "\(result.choices) choices in \(result.runs) runs")
        #expect(result.runs > 1, "run 0 runs lowest id first and must not find it")
    }

    /// The same test under PCT of depth 1 never finds the bug: it needs a preemption.
    @Test func pctOfDepthOneCannotPreempt() async throws {
        let result = await Exploration.run(
            .pct(depth: 1, seed: 3), options: ExplorationOptions(runs: 200), Self.writerAndReader)
        #expect(result.failure == nil, "\(result.failure?.description ?? "")")
        #expect(result.runs == 200)
    }

    /// Main starts a worker, then main yields `p` times and the worker `q` times.
    ///
    /// The count by hand: a decision comes at every yield and at each participant's end; it is
    /// a choice when both can run. Before main's first yield nothing is chosen (main is alone
    /// until it starts the worker, and starting one is not a scheduling point). From then on a
    /// schedule is one interleaving of what is left, cut at those decisions: main's p segments
    /// (after each of its yields, up to the next yield or its end) and the worker's q + 1
    /// (from its start to its first yield, …, from its last yield to its end). Each choice
    /// picks whose segment comes next, and once one side has ended nothing is chosen. So there
    /// are C(p + q + 1, p) schedules: 3 for (1, 1), 10 for (2, 2), 20 for (3, 2), 35 for (3, 3).
    @Test(arguments: [(1, 1, 3), (2, 2, 10), (3, 2, 20), (3, 3, 35)])
    func exhaustiveRunsEveryScheduleOfATwoParticipantToyOnce(p: Int, q: Int, schedules: Int) async throws {
        let orders = Locked<[String]>([])
        let result = await Exploration.run(.exhaustive(), options: ExplorationOptions(runs: 100)) { world in
            // The segments in the order they ran: "w" for the worker's, "m" for main's after a yield.
            let order = Locked("")
            let worker = world.thread("worker") {
                for _ in 0..<q {
                    order.withLock { $0 += "w" }
                    world.yield()
                }
                order.withLock { $0 += "w" }
            }
            for _ in 0..<p {
                world.yield()
                order.withLock { $0 += "m" }
            }
            // Adds no choice: main either waits for the worker alone, or finds it done.
            try await worker.join()
            orders.withLock { $0.append(order.withLock { $0 }) }
        }
        #expect(result.failure == nil, "\(result.failure?.description ?? "")")
        #expect(result.complete)
        #expect(result.runs == schedules)
        let seen = orders.withLock { $0 }
        #expect(seen.count == schedules)
        #expect(Set(seen).count == schedules, "a schedule ran twice: \(seen)")
    }

    /// The search stops branching after `maxChoices` choices: two participants of 30 yields each
    /// have about 10¹⁷ schedules, but with 4 branching choices, each between the two, there are
    /// exactly 2⁴ = 16 (and 1 with none), and the search completes.
    @Test(arguments: [(4, 16), (0, 1)])
    func maxChoicesMakesTheSearchFinite(maxChoices: Int, schedules: Int) async throws {
        let result = await Exploration.run(.exhaustive(maxChoices: maxChoices), options: ExplorationOptions(runs: 100))
        {
            world in
            world.thread("worker") { for _ in 0..<30 { world.yield() } }
            for _ in 0..<30 { world.yield() }
        }
        #expect(result.failure == nil, "\(result.failure?.description ?? "")")
        #expect(result.complete)
        #expect(result.runs == schedules)
    }

    /// A lost update that needs both workers to read before either writes: the search finds it
    /// in the first few schedules, and its code replays it.
    /// A strategy given a value it cannot run with fails the exploration before any run, as
    /// misuse, saying what the value means and what to use; the body never runs.
    @Test(arguments: [
        (Schedule.pct(depth: 0, seed: 1), "pct(depth: 0, seed: 1) cannot run: the depth is"),
        (Schedule.exhaustive(maxChoices: -1), "exhaustive(maxChoices: -1) cannot run: maxChoices is"),
    ])
    func aScheduleOutOfRangeFailsBeforeAnyRun(schedule: Schedule, start: String) async throws {
        let ran = Atomic<Bool>(false)
        let result = await Exploration.run(schedule) { _ in ran.store(true, ordering: .relaxed) }
        let failure = try #require(result.failure)
        #expect(failure.kind == .misuse)
        #expect(failure.message.hasPrefix(start), "\(failure.message)")
        #expect(failure.message.contains("try ."))
        #expect(result.runs == 0)
        let bodyRan = ran.load(ordering: .relaxed)
        #expect(!bodyRan)
    }

    /// Options out of range fail the exploration before any run, as misuse, naming the option.
    @Test(arguments: [
        (ExplorationOptions(runs: -1), "ExplorationOptions(runs: -1) cannot run"),
        (ExplorationOptions(maxSteps: 0), "ExplorationOptions(maxSteps: 0) cannot run"),
        (ExplorationOptions(stallLimit: .zero), "ExplorationOptions(stallLimit: 0.0 seconds) cannot run"),
        (ExplorationOptions(traceLines: -1), "ExplorationOptions(traceLines: -1) cannot run"),
    ])
    func optionsOutOfRangeFailBeforeAnyRun(options: ExplorationOptions, start: String) async throws {
        let result = await Exploration.run(.random(seed: 1), options: options) { _ in }
        let failure = try #require(result.failure)
        #expect(failure.kind == .misuse)
        #expect(failure.message.hasPrefix(start), "\(failure.message)")
        #expect(result.runs == 0)
    }

    @Test func exhaustiveFindsALostUpdate() async throws {
        let result = await Exploration.run(.exhaustive(), options: ExplorationOptions(runs: 100), Self.lostUpdate)
        let failure = try #require(result.failure)
        #expect(failure.kind == .thrown)
        #expect(failure.message.contains("lost update"), "\(failure.message)")
        #expect(!result.complete)
        let replay = await Exploration.run(.replay(failure.schedule), Self.lostUpdate)
        #expect(replay.failure?.message == failure.message)
    }

    /// Two workers each read a shared counter, yield, and write it plus one; main joins them and
    /// throws if an update was lost.
    @Sendable static func lostUpdate(_ world: World) async throws {
        let counter = Atomic<Int>(0)
        let workers = ["a", "b"].map { name in
            world.thread(name) {
                let seen = counter.load(ordering: .relaxed)
                world.yield()
                counter.store(seen + 1, ordering: .relaxed)
            }
        }
        for worker in workers { try await worker.join() }
        let total = counter.load(ordering: .relaxed)
        if total != 2 { throw ToyFailure("lost update: the counter is \(total), not 2") }
    }

    /// The writer and reader of the depth-2 bug; each socket option read is a scheduling point.
    @Sendable static func writerAndReader(_ world: World) async throws {
        let x = Atomic<Int>(0)
        let writer = world.thread("writer") {
            let socket = try world.context.socket(.push)
            for _ in 0..<5 { _ = socket.sendHighWaterMark }
            x.store(1, ordering: .relaxed)
            _ = socket.sendHighWaterMark
            x.store(0, ordering: .relaxed)
            for _ in 0..<5 { _ = socket.sendHighWaterMark }
        }
        let reader = world.thread("reader") {
            let socket = try world.context.socket(.pull)
            for _ in 0..<5 { _ = socket.receiveHighWaterMark }
            if x.load(ordering: .relaxed) == 1 { throw ToyFailure("reader saw x == 1 between the writer's stores") }
            for _ in 0..<5 { _ = socket.receiveHighWaterMark }
        }
        try await writer.join()
        try await reader.join()
    }
}

/// What a toy of the strategy tests throws when it finds its bug.
struct ToyFailure: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
