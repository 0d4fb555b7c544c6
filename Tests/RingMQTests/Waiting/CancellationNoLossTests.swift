import RingMQ
import RingMQTesting
import Testing

/// No message lost at cancellation: stage and worker tasks written as the docs recommend
/// (`for try await m in input.messages { … try await output.send(…) }`, or `onMessage`),
/// cancelled at seeded random points while messages stream through them.
///
/// A stage cancelled between its receive and its send holds a message that nobody else has:
/// async `send` must still deliver it when there is room (cancellation interrupts only the
/// waiting). Their sends always have room here (default high-water marks, far above the few
/// messages of a run), so every message is always somewhere countable: collected, or still
/// queued in a PULL (or, in the pool, taken back by the distributor); never lost, never twice.
///
/// Seeded (the seed is in every failure; replay with `RINGMQ_SEED`): the draws fix where each
/// run cancels; the timing of the tasks does the rest. Each run is bounded by
/// ``withTimeout(_:sourceLocation:_:)``, so a hang fails the run instead of hanging the suite.
@Suite(.serialized, .runsAlone) struct CancellationNoLossTests {
    static let runs = Scale.count(normal: 1_000, stress: 10_000, sanitized: 1_000)

    // MARK: - Pipeline: feeder → parse → square → sink

    /// Where one pipeline run cancels, drawn before it starts.
    private struct PipelinePlan: Sendable {
        let count: Int
        /// Results the sink collects before the stages and the feeder are cancelled.
        let cancelAfter: Int
        /// Yields between the last of those results and the cancel: a random moment.
        let yieldsBeforeCancel: Int
        /// Whether the stages yield (an async step of their work) between receive and send.
        let stagesPause: Bool
    }

    /// What one pipeline run found: numbers lost or duplicated at the cancel, anything else.
    private struct PipelineOutcome: Sendable {
        var lost: [Int] = []
        var duplicated: [Int] = []
        var problems: [String] = []
    }

    @Test func cancellingPipelineStagesLosesNothing() async throws {
        let seed = TestSeed.value(default: 0xCA7C_E1ED)
        var random = SplitMix64(seed: seed)
        let handedOn = Tally()
        var lost = 0
        var duplicated = 0
        var runsWithLoss = 0
        var firstFailure: String?
        for run in 0..<Self.runs {
            let count = Int.random(in: 40...80, using: &random)
            let plan = PipelinePlan(
                count: count, cancelAfter: Int.random(in: 0..<count, using: &random),
                yieldsBeforeCancel: Int.random(in: 0...3, using: &random),
                stagesPause: Bool.random(using: &random))
            let outcome: PipelineOutcome
            do {
                outcome = try await withTimeout { try await Self.pipelineRun(plan, handedOn: handedOn) }
            } catch {
                Issue.record("\(TestSeed.replay(seed)); run \(run): \(error)")
                break
            }
            lost += outcome.lost.count
            duplicated += outcome.duplicated.count
            if !outcome.lost.isEmpty { runsWithLoss += 1 }
            let problems =
                outcome.problems
                + (outcome.lost.isEmpty ? [] : ["lost \(outcome.lost)"])
                + (outcome.duplicated.isEmpty ? [] : ["duplicated \(outcome.duplicated)"])
            if firstFailure == nil, !problems.isEmpty {
                firstFailure = "run \(run) (\(plan)): " + problems.joined(separator: "; ")
            }
        }
        let replay = TestSeed.replay(seed)
        #expect(lost == 0, "\(replay): \(lost) messages lost, in \(runsWithLoss) of \(Self.runs) runs")
        #expect(duplicated == 0, "\(replay): \(duplicated) messages duplicated")
        #expect(firstFailure == nil, "\(replay): first failing \(firstFailure ?? "")")
        #expect(handedOn.current > 0, "\(replay): no stage was cancelled holding a message, so nothing was tested")
    }

    /// One run: stream `plan.count` numbers through two stages, cancel everything after
    /// `plan.cancelAfter` results, account for every number, then restart the stages and
    /// expect each number at the sink exactly once.
    private static func pipelineRun(_ plan: PipelinePlan, handedOn: Tally) async throws -> PipelineOutcome {
        let test = TestContext()
        defer { test.terminate() }
        /// A PUSH bound to `name`, and the next stage's PULL connected to it.
        func link(_ name: String) throws -> (push: Socket, pull: Socket) {
            let push = try test.socket(.push)
            try push.bind("inproc://\(name)")
            let pull = try test.socket(.pull)
            try pull.connect("inproc://\(name)")
            return (push, pull)
        }
        let (source, parseIn) = try link("raw")
        let (parseOut, squareIn) = try link("parsed")
        let (squareOut, sink) = try link("squared")
        func startStages() -> [Task<Void, any Error>] {
            [
                stage(parseIn, parseOut, viaOnMessage: false, pause: plan.stagesPause, handedOn: handedOn) { $0 + 1 },
                stage(squareIn, squareOut, viaOnMessage: true, pause: plan.stagesPause, handedOn: handedOn) { $0 * $0 },
            ]
        }
        var outcome = PipelineOutcome()

        // Phase 1: stream, and cancel the feeder and both stages mid-stream.
        let feeder = Task {
            for n in 0..<plan.count {
                try Task.checkCancellation()
                try await source.send(numbered(n))
            }
        }
        var stages = startStages()
        var collected: [Int] = []  // numbers whose square reached the sink
        for _ in 0..<plan.cancelAfter { collected.append(unsquare(number(try await sink.receive()))) }
        for _ in 0..<plan.yieldsBeforeCancel { await Task.yield() }
        feeder.cancel()
        for stage in stages { stage.cancel() }
        if case .failed(let error) = await ending(of: feeder) { outcome.problems.append("the feeder failed: \(error)") }
        for (index, stage) in stages.enumerated() {
            switch await ending(of: stage) {
            case .cancelled: break
            case let other: outcome.problems.append("stage \(index + 1) ended with \(other)")
            }
        }

        // Exact accounting, every task ended: each number fed is collected or still queued
        // in exactly one PULL (a stage holds none), as itself, plus one, or squared.
        let fed = source.statistics.messagesSent
        let raw = try drainNumbers(parseIn)
        let parsed = try drainNumbers(squareIn).map { $0 - 1 }
        collected += try drainNumbers(sink).map(unsquare)
        var copies = [Int](repeating: 0, count: fed)
        for n in raw + parsed + collected {
            if copies.indices.contains(n) { copies[n] += 1 } else { outcome.problems.append("unknown number \(n)") }
        }
        outcome.lost = copies.indices.filter { copies[$0] == 0 }
        outcome.duplicated = copies.indices.filter { copies[$0] > 1 }
        guard outcome.lost.isEmpty, outcome.duplicated.isEmpty, outcome.problems.isEmpty else { return outcome }

        // Phase 2: put the queued numbers back where they were, restart the stages, feed the
        // rest: the sink gets every number exactly once.
        for n in raw { try await source.send(numbered(n)) }
        for n in parsed { try await parseOut.send(numbered(n + 1)) }
        stages = startStages()
        for n in fed..<plan.count { try await source.send(numbered(n)) }
        while collected.count < plan.count { collected.append(unsquare(number(try await sink.receive()))) }
        for stage in stages { stage.cancel() }
        for stage in stages { _ = await ending(of: stage) }
        let extra = try drainNumbers(sink).map(unsquare)
        if collected.sorted() != Array(0..<plan.count) || !extra.isEmpty {
            outcome.problems.append("after the restart the sink did not get each number once")
        }
        return outcome
    }

    /// A stage as the docs write one: receive, transform, send, until cancelled; with
    /// `messages` or with `onMessage`. `handedOn` counts the sends that began in a task
    /// already cancelled and still delivered: a message the stage held at cancellation, which
    /// a send that checked cancellation first would have dropped.
    private static func stage(
        _ input: Socket, _ output: Socket, viaOnMessage: Bool, pause: Bool, handedOn: Tally,
        transform: @escaping @Sendable (Int) -> Int
    ) -> Task<Void, any Error> {
        Task {
            let handle: @Sendable (Message) async throws -> Void = { message in
                if pause { await Task.yield() }
                let cancelled = Task.isCancelled
                try await output.send(numbered(transform(number(message))))
                if cancelled { handedOn.add() }
            }
            if viaOnMessage {
                try await input.onMessage(handle)
            } else {
                for try await message in input.messages { try await handle(message) }
            }
        }
    }

    /// The number whose successor squared is `value` (-1 if there is none).
    private static func unsquare(_ value: Int) -> Int {
        let root = Int(Double(value).squareRoot().rounded())
        return root * root == value ? root - 1 : -1
    }

    // MARK: - Worker pool: distributor → 3 workers → collector, one worker replaced

    /// A worker: a PULL from the distributor, a PUSH to the collector, and the task that runs
    /// `onMessage` between them (the callback-style consumer).
    private struct PoolWorker {
        let pull: Socket
        let push: Socket
        let task: Task<Void, any Error>

        init(_ test: TestContext, index: Int, pause: Bool, handedOn: Tally) throws {
            pull = try test.socket(.pull)
            pull.receiveHighWaterMark = 5
            try pull.connect("inproc://pool-tasks")
            push = try test.socket(.push)
            try push.connect("inproc://pool-results")
            let (pull, push) = (pull, push)
            task = Task {
                try await pull.onMessage { job in
                    if pause { await Task.yield() }
                    let cancelled = Task.isCancelled
                    try await push.send([job[0], Frame("\(index)")])
                    if cancelled { handedOn.add() }
                }
            }
        }
    }

    @Test func replacingACancelledWorkerLosesNoTask() async throws {
        let seed = TestSeed.value(default: 0x9001_CA7C)
        var random = SplitMix64(seed: seed)
        let tasks = 60
        let handedOn = Tally()
        var redelivered = 0
        for run in 0..<Self.runs {
            let cancelAfter = Int.random(in: 0..<tasks, using: &random)
            let leaver = Int.random(in: 0..<3, using: &random)
            let yields = Int.random(in: 0...3, using: &random)
            let pause = Bool.random(using: &random)
            let about = "\(TestSeed.replay(seed)); run \(run) (worker \(leaver) leaves after \(cancelAfter) results)"
            do {
                let (problems, taken) = try await withTimeout {
                    try await Self.poolRun(
                        tasks: tasks, cancelAfter: cancelAfter, leaver: leaver, yields: yields,
                        pause: pause, handedOn: handedOn)
                }
                redelivered += taken
                if !problems.isEmpty {
                    Issue.record("\(about): \(problems.joined(separator: "; "))")
                    break
                }
            } catch {
                Issue.record("\(about): \(error)")
                break
            }
        }
        let replay = TestSeed.replay(seed)
        #expect(redelivered > 0, "\(replay): no cancelled worker left a task unread, so redelivery was not tested")
        #expect(handedOn.current > 0, "\(replay): no worker was cancelled holding a task, so nothing was tested")
    }

    /// One run: `tasks` tasks through three workers; after `cancelAfter` results, worker
    /// `leaver` is cancelled, awaited and closed, and a new worker joins. Returns the problems
    /// found (each task's result must arrive exactly once) and the distributor's redeliveries.
    private static func poolRun(
        tasks: Int, cancelAfter: Int, leaver: Int, yields: Int, pause: Bool, handedOn: Tally
    ) async throws -> (problems: [String], redelivered: Int) {
        let test = TestContext()
        defer { test.terminate() }
        let distributor = try test.socket(.push)
        distributor.sendHighWaterMark = 10
        try distributor.bind("inproc://pool-tasks")
        let collector = try test.socket(.pull)
        collector.receiveTimeout = Scale.safety / 3  // a lost task shows as this timeout
        try collector.bind("inproc://pool-results")
        var workers = try (0..<3).map { try PoolWorker(test, index: $0, pause: pause, handedOn: handedOn) }

        // The feeder sends all tasks but the last; the last is sent after the worker has left.
        let feeder = Task { for id in 0..<tasks - 1 { try await distributor.send(numbered(id)) } }
        var problems: [String] = []
        var results = [Int](repeating: 0, count: tasks)
        var received = 0
        func take(_ result: Message) {
            received += 1
            let id = number(Message(result[0]))
            if results.indices.contains(id) { results[id] += 1 } else { problems.append("unknown task \(id)") }
        }
        for _ in 0..<cancelAfter { take(try await collector.receive()) }
        for _ in 0..<yields { await Task.yield() }

        let leaving = workers.remove(at: leaver)
        leaving.task.cancel()
        switch await ending(of: leaving.task) {
        case .cancelled: break
        case let other: problems.append("the cancelled worker ended with \(other)")
        }
        leaving.pull.close()  // its unread tasks go back to the distributor
        leaving.push.close()
        workers.append(try PoolWorker(test, index: 3, pause: pause, handedOn: handedOn))

        // Redelivery happens at the distributor's next call. The feeder may still be sending
        // (its next send takes the tasks back) or may have finished before the worker left,
        // and then nothing would call the distributor again. So once the feeder is done, the
        // test sends the last task: that send takes back the departed worker's unread tasks
        // and sends them before its own, waiting for room if the workers are full (a
        // `statistics` read would resend only what fits at that moment).
        switch await ending(of: feeder) {
        case .value: break
        case let other: problems.append("the feeder ended with \(other)")
        }
        try await distributor.send(numbered(tasks - 1))
        do {
            while received < tasks { take(try await collector.receive()) }
        } catch RingMQError.timedOut {
            problems.append("\(received) of \(tasks) results; missing \(results.indices.filter { results[$0] == 0 })")
        }
        let redelivered = distributor.statistics.messagesRedelivered
        for worker in workers { worker.task.cancel() }
        for worker in workers { _ = await ending(of: worker.task) }
        let twice = results.indices.filter { results[$0] > 1 }
        if !twice.isEmpty { problems.append("done twice: \(twice)") }
        if try collector.tryReceive() != nil { problems.append("more results than tasks") }
        return (problems, redelivered)
    }
}
