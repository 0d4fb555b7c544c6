import RingMQ
import RingMQTesting
import Synchronization
import Testing

/// Every run is reproducible (issue 16, items 2 and 5): the same strategy and seed give the
/// same trace byte for byte, and a failed run's schedule code replays the same failure every
/// time, or says clearly why it cannot.
@Suite(.runsAlone) struct DeterminismTests {
    /// Two explorations of the three-participant pipeline with the same strategy and seed, in one
    /// process, end with identical traces; another seed gives another trace (the seed is used).
    @Test(arguments: [
        (Schedule.random(seed: 11), Schedule.random(seed: 12)),
        (Schedule.pct(depth: 3, seed: 11), Schedule.pct(depth: 3, seed: 12)),
    ])
    func theSameSeedGivesTheSameTraceByteForByte(schedule: Schedule, other: Schedule) async throws {
        let options = ExplorationOptions(runs: 4)
        let first = await Exploration.run(schedule, options: options, ControlledBasicsTests.pipeline)
        let second = await Exploration.run(schedule, options: options, ControlledBasicsTests.pipeline)
        let third = await Exploration.run(other, options: options, ControlledBasicsTests.pipeline)
        #expect(first.failure == nil && second.failure == nil, "\(first.failure?.description ?? "")")
        #expect(first.choices > 10)
        let bytes = { (result: ExplorationResult) in Array(result.lastTrace.joined(separator: "\n").utf8) }
        #expect(bytes(first) == bytes(second))
        #expect((first.decisions, first.choices) == (second.decisions, second.choices))
        #expect(bytes(first) != bytes(third), "\(schedule) and \(other) ran the same schedule")
    }

    /// A lost update found at random, in a test whose correlated REQ draws its request id from
    /// the run's seed (the id is in the failure's message): its schedule code, replayed 100
    /// times, fails the same way every time, with the same message and trace.
    @Test func aFailedRunsCodeReplaysTheSameFailure100Times() async throws {
        let found = await Exploration.run(
            .random(seed: 4), options: ExplorationOptions(runs: 200), Self.lostUpdateWithRequest)
        let failure = try #require(found.failure)
        #expect(failure.kind == .thrown)
        #expect(failure.schedule.hasPrefix("rmq1:"))
        #expect(failure.description.hasSuffix("RINGMQ_SCHEDULE=\(failure.schedule) swift test --filter <the test>"))
        #expect(failure.description.contains("Exploration.run(.replay(\"\(failure.schedule)\")) { … }"))
        for _ in 0..<100 {
            let replay = await Exploration.run(.replay(failure.schedule), Self.lostUpdateWithRequest)
            let again = try #require(replay.failure)
            #expect(again.kind == failure.kind)
            #expect(again.message == failure.message)
            #expect(again.trace == failure.trace)
            #expect(again.schedule == failure.schedule)
            if again.message != failure.message || again.trace != failure.trace { break }
        }
    }

    /// A code replayed on a test where three participants can run at its first choice, not two,
    /// fails as a divergence that names the three.
    @Test func aReplayWithAnotherParticipantCountDiverges() async throws {
        let code = try await Self.code(of: Self.yields(workers: 1, points: 2, failing: true))
        let replay = await Exploration.run(.replay(code), Self.yields(workers: 2, points: 2, failing: true))
        let failure = try #require(replay.failure)
        #expect(failure.kind == .divergence)
        #expect(failure.message.hasPrefix("replay diverged at choice 1: the schedule says "), "\(failure.message)")
        #expect(failure.message.contains(" of 2, but 3 participants can run (main, worker-0, worker-1)"))
    }

    /// A code with fewer choices than the run needs diverges where it runs out; one with more
    /// diverges at the run's end.
    @Test func aReplayWithTooFewOrTooManyChoicesDiverges() async throws {
        let short = try await Self.code(of: Self.yields(workers: 1, points: 1, failing: true))
        let tooFew = await Exploration.run(.replay(short), Self.yields(workers: 1, points: 3, failing: true))
        let first = try #require(tooFew.failure)
        #expect(first.kind == .divergence)
        #expect(first.message.contains("the schedule has only "), "\(first.message)")
        #expect(first.message.contains("but 2 participants can run here (main, worker-0)"), "\(first.message)")

        let long = try await Self.code(of: Self.yields(workers: 1, points: 3, failing: true))
        let tooMany = await Exploration.run(.replay(long), Self.yields(workers: 1, points: 1, failing: false))
        let second = try #require(tooMany.failure)
        #expect(second.kind == .divergence)
        #expect(second.message.hasPrefix("replay diverged: the run ended after "), "\(second.message)")
    }

    /// A code that was changed or cut fails the exploration before any run, saying what is wrong
    /// and what a code looks like; the test body never runs.
    @Test func aCorruptedCodeIsAClearError() async throws {
        let code = try await Self.code(of: Self.yields(workers: 1, points: 3, failing: true))
        let body = code.dropFirst("rmq1:".count).prefix { $0 != ":" }
        let flipped = String(body.first == "A" ? "B" : "A") + body.dropFirst()
        let cases: [(String, String)] = [
            ("rmq2:" + code.dropFirst(5), "it does not start with \"rmq1:\""),
            (String(code.dropLast(3)), "it needs exactly one \":\""),
            (String(code.dropLast(2)) + "zz", "its checksum \"zz\" is not two hex digits"),
            ("rmq1:" + body + "*:" + code.suffix(2), "is not base64url"),
            ("rmq1:" + flipped + ":" + code.suffix(2), "the checksum does not match"),
        ]
        let ran = Atomic<Int>(0)
        for (bad, problem) in cases {
            let result = await Exploration.run(.replay(bad)) { _ in ran.add(1, ordering: .relaxed) }
            let failure = try #require(result.failure, "\(bad) was accepted")
            #expect(failure.kind == .divergence)
            #expect(failure.message.hasPrefix("cannot replay the schedule code \"\(bad)\": "), "\(failure.message)")
            #expect(failure.message.contains(problem), "\(failure.message)")
            #expect(failure.message.contains("such as \"rmq1:"))
            #expect(result.runs == 0)
        }
        #expect(ran.load(ordering: .relaxed) == 0)
    }

    /// Codes with a valid checksum that no run printed: a stretch length at the 64-bit limit,
    /// and a stretch of 2³² choices. Each fails before any run, saying the code holds more
    /// choices than a run makes, instead of overflowing or expanding it in memory.
    @Test(arguments: ["rmq1:AAH___________8B:90", "rmq1:AAH9____Dw:95"])
    func aForgedCodeOfTooManyChoicesIsAClearError(code: String) async throws {
        let result = await Exploration.run(.replay(code)) { _ in }
        let failure = try #require(result.failure)
        #expect(failure.kind == .divergence)
        #expect(
            failure.message.contains("it holds more than 16777216 choices, more than a run makes"), "\(failure.message)"
        )
        #expect(result.runs == 0)
    }

    /// The schedule code of a failing run of `body`, found at random.
    static func code(of body: @escaping @Sendable (World) async throws -> Void) async throws -> String {
        let result = await Exploration.run(.random(seed: 1), options: ExplorationOptions(runs: 1), body)
        return try #require(result.failure?.schedule)
    }

    /// Main and `workers` threads each yield `points` times; main joins them, then throws if
    /// `failing` (so that the run has a schedule code).
    static func yields(workers: Int, points: Int, failing: Bool) -> @Sendable (World) async throws -> Void {
        { world in
            let started = (0..<workers).map { index in
                world.thread("worker-\(index)") { for _ in 0..<points { world.yield() } }
            }
            for _ in 0..<points { world.yield() }
            for worker in started { try await worker.join() }
            if failing { throw ToyFailure("done") }
        }
    }

    /// The lost update of ``StrategyTests/lostUpdate(_:)``, with a correlated REQ whose request
    /// id (drawn from the run's seed) the failure names.
    @Sendable static func lostUpdateWithRequest(_ world: World) async throws {
        let router = try world.context.socket(.router)
        try router.bind("inproc://ids")
        world.thread("client") {
            let req = try world.context.socket(.req)
            req.requestCorrelate = true
            try req.connect("inproc://ids")
            try req.send(Message("ask"))
        }
        let request = try await router.receive()
        do {
            try await StrategyTests.lostUpdate(world)
        } catch {
            throw ToyFailure("\(error), request id \(request[1].bytes)")
        }
    }
}
