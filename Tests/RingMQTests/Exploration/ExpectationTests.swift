import RingMQ
import RingMQTesting
import RingMQTestingSwiftTesting
import Synchronization
import Testing

/// Controlled runs inside Swift Testing (issue 16, item 5): a failed expectation in any
/// participant fails its run and stops the exploration, and the test records one issue with
/// the run's report, not the expectation's own; passing runs record nothing.
@Suite(.runsAlone) struct ExpectationTests {
    /// Two producers and a collector that assumes the first message comes from "a": the
    /// collector's `#expect` fails on the interleavings where "b" sends first. The exploration
    /// stops at the first such run with kind `.expectation`, and the test gets exactly one
    /// issue: the report, pointing at the `#expect`.
    @Test func aFailedExpectationInAParticipantFailsItsRunAndIsRecordedOnce() async throws {
        let expectLine = Locked(0)
        let recorded = Atomic<Int>(0)
        let pointed = Atomic<Int>(0)
        var outcome: ExplorationResult?
        await withKnownIssue {
            outcome = await explore(.random(seed: 5), options: ExplorationOptions(runs: 50)) { world in
                let pull = try world.context.socket(.pull)
                try pull.bind("inproc://order")
                for name in ["a", "b"] {
                    world.thread(name) {
                        let push = try world.context.socket(.push)
                        try push.connect("inproc://order")
                        try push.send(Message(name))
                    }
                }
                let collector = world.thread("collector") {
                    let first = try pull.receive()
                    expectLine.withLock { $0 = #line + 1 }
                    #expect(first == Message("a"), "the first message is a's")
                    _ = try pull.receive()
                }
                try await collector.join()
            }
        } matching: { issue in
            guard issue.comments.contains(where: { $0.rawValue.contains("Run ") }) else { return false }
            recorded.add(1, ordering: .relaxed)
            if issue.sourceLocation?.line == expectLine.withLock({ $0 }) { pointed.add(1, ordering: .relaxed) }
            return true
        }
        let result = try #require(outcome)
        let failure = try #require(result.failure)
        #expect(failure.kind == .expectation)
        #expect(result.runs == failure.run + 1)
        #expect(failure.message.hasPrefix("collector: expectation failed: "), "\(failure.message)")
        #expect(failure.message.contains("the first message is a's"), "\(failure.message)")
        #expect(failure.message.contains("ExpectationTests.swift:"), "\(failure.message)")
        #expect(recorded.load(ordering: .relaxed) == 1)
        #expect(pointed.load(ordering: .relaxed) == 1)
    }

    /// A `#require` that fails in main stops main (it throws), but the run's failure is the
    /// expectation, recorded once, not the error it threw.
    @Test func aFailedRequireIsAnExpectationNotAThrow() async throws {
        let recorded = Atomic<Int>(0)
        var outcome: ExplorationResult?
        await withKnownIssue {
            outcome = await explore(.random(seed: 1), options: ExplorationOptions(runs: 5)) { world in
                let pull = try world.context.socket(.pull)
                try pull.bind("inproc://empty")
                let nothing = try pull.tryReceive()
                _ = try #require(nothing, "a message was queued")
            }
        } matching: { issue in
            let isReport = issue.comments.contains { $0.rawValue.contains("Run ") }
            if isReport { recorded.add(1, ordering: .relaxed) }
            return isReport
        }
        let failure = try #require(outcome?.failure)
        #expect(failure.kind == .expectation)
        #expect(failure.run == 0)
        #expect(failure.message.contains("a message was queued"), "\(failure.message)")
        #expect(recorded.load(ordering: .relaxed) == 1)
    }

    /// An exploration whose runs all pass records no issue (any would fail this test) and
    /// makes every run.
    @Test func aPassingExplorationRecordsNothing() async {
        let result = await explore(.random(seed: 3), options: ExplorationOptions(runs: 20)) { world in
            let pull = try world.context.socket(.pull)
            try pull.bind("inproc://fine")
            world.thread("producer") {
                let push = try world.context.socket(.push)
                try push.connect("inproc://fine")
                try push.send(Message("x"))
            }
            let message = try await pull.receive()
            #expect(message == Message("x"))
        }
        #expect(result.failure == nil, "\(result.failure?.description ?? "")")
        #expect(result.runs == 20)
    }

    /// Outside a test (a detached task has no `Test.current`), a failed run records nothing:
    /// the caller reads the result.
    @Test func outsideATestNothingIsRecorded() async throws {
        struct Refused: Error {}
        let result = await Task.detached {
            await explore(.random(seed: 1), options: ExplorationOptions(runs: 3)) { _ in throw Refused() }
        }.value
        let failure = try #require(result.failure)
        #expect(failure.kind == .thrown)
    }
}
