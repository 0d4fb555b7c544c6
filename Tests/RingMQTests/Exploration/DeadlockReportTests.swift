import RingMQ
import RingMQTesting
import Testing

/// Deadlocks and stalls in a controlled run (issue 16, items 4 and 6): reported at once, naming
/// each participant and the call it is blocked in with what that call waits for; never hung.
@Suite(.runsAlone) struct DeadlockReportTests {
    /// Two threads that each receive before they send: both block in receive, and main waits
    /// for them. The report names both receives and main's join.
    @Test func bothReceivesOfACycleAreNamed() async throws {
        let result = await Exploration.run(.random(seed: 2), options: ExplorationOptions(runs: 10)) { world in
            for (name, mine, theirs) in [("pinger", "a", "b"), ("ponger", "b", "a")] {
                world.thread(name) {
                    let pull = try world.context.socket(.pull)
                    try pull.bind("inproc://\(mine)")
                    let push = try world.context.socket(.push)
                    try push.connect("inproc://\(theirs)")
                    _ = try pull.receive()
                    try push.send(Message("pong"))
                }
            }
            // Joined in a task: main's own await is then on pinger's end.
            try await world.task("joiner") {}.join()
        }
        let failure = try #require(result.failure)
        #expect(failure.kind == .deadlock)
        #expect(failure.run == 0)
        for name in ["pinger", "ponger"] {
            let bound = name == "pinger" ? "a" : "b"
            let line =
                "  \(name): receive() on a PULL socket (bound to inproc://\(bound)) waits for a message, "
                + "no peer has one queued"
            #expect(failure.message.contains(line), "\(failure.message)")
        }
        #expect(failure.message.contains("main: finished") || failure.message.contains("main: waits for"))
        #expect(failure.message.hasSuffix("\n  cycle: pinger → ponger → pinger"), "\(failure.message)")
    }

    /// A cycle of PUSH/PULL pairs with high-water marks of 1, each side sending before it
    /// receives: both sends block on full pipes. The report names both sends and the cycle,
    /// which goes from each blocked send to the participant that last used the peer socket.
    @Test func aCycleOfTwoFullSendsIsNamedAsACycle() async throws {
        let result = await Exploration.run(.random(seed: 6), options: ExplorationOptions(runs: 10)) { world in
            for (name, mine, theirs) in [("pinger", "a", "b"), ("ponger", "b", "a")] {
                world.thread(name) {
                    let pull = try world.context.socket(.pull)
                    pull.receiveHighWaterMark = 1
                    try pull.bind("inproc://\(mine)")
                    let push = try world.context.socket(.push)
                    push.sendHighWaterMark = 1
                    try push.connect("inproc://\(theirs)")
                    for index in 0..<5 { try push.send(Message("\(index)")) }
                    _ = try pull.receive()
                }
            }
        }
        let failure = try #require(result.failure)
        #expect(failure.kind == .deadlock)
        for (name, theirs) in [("pinger", "b"), ("ponger", "a")] {
            let line =
                "  \(name): send(_:) on a PUSH socket (connected to inproc://\(theirs)) waits for room on the pipe to "
                + "inproc://\(theirs) (full:"
            #expect(failure.message.contains(line), "\(failure.message)")
        }
        #expect(failure.message.hasSuffix("\n  cycle: pinger → ponger → pinger"), "\(failure.message)")
    }

    /// The same cycle of receives made by task participants, parked in async `receive()`: the
    /// report says what each parked call waits for (read while the socket is marked parked) and
    /// finds the cycle through them.
    @Test func aCycleOfParkedTasksIsNamedAsACycle() async throws {
        let result = await Exploration.run(.random(seed: 3), options: ExplorationOptions(runs: 10)) { world in
            for (name, mine, theirs) in [("pinger", "a", "b"), ("ponger", "b", "a")] {
                world.task(name) {
                    let pull = try world.context.socket(.pull)
                    try pull.bind("inproc://\(mine)")
                    let push = try world.context.socket(.push)
                    try push.connect("inproc://\(theirs)")
                    _ = try await pull.receive()
                    try await push.send(Message("pong"))
                }
            }
        }
        let failure = try #require(result.failure)
        #expect(failure.kind == .deadlock)
        for (name, mine) in [("pinger", "a"), ("ponger", "b")] {
            let line =
                "  \(name): receive() on a PULL socket (bound to inproc://\(mine)) waits for a message, "
                + "no peer has one queued"
            #expect(failure.message.contains(line), "\(failure.message)")
        }
        #expect(failure.message.hasSuffix("\n  cycle: pinger → ponger → pinger"), "\(failure.message)")
    }

    /// A participant blocked on one that is not blocked back is no cycle: a sender on a full
    /// pipe whose reader waits for main (which waits for it) has no cycle line.
    @Test func aChainWithoutACycleHasNoCycleLine() async throws {
        let result = await Exploration.run(.random(seed: 4), options: ExplorationOptions(runs: 10)) { world in
            let pull = try world.context.socket(.pull)
            pull.receiveHighWaterMark = 1
            try pull.bind("inproc://chain")
            let worker = world.thread("worker") {
                let push = try world.context.socket(.push)
                push.sendHighWaterMark = 1
                try push.connect("inproc://chain")
                for index in 0..<5 { try push.send(Message("\(index)")) }
            }
            try await worker.join()
            withExtendedLifetime(pull) {}
        }
        let failure = try #require(result.failure)
        #expect(failure.kind == .deadlock)
        #expect(!failure.message.contains("cycle:"), "\(failure.message)")
    }

    /// A sender that fills the pipe nobody reads, with high-water marks of 1, while main waits
    /// for it: the report names the send, the endpoint, and that the pipe is full.
    @Test func aSendOnAFullPipeIsNamedWithItsEndpoint() async throws {
        let result = await Exploration.run(.random(seed: 4), options: ExplorationOptions(runs: 10)) { world in
            let pull = try world.context.socket(.pull)
            pull.receiveHighWaterMark = 1
            try pull.bind("inproc://full")
            let worker = world.thread("worker") {
                let push = try world.context.socket(.push)
                push.sendHighWaterMark = 1
                try push.connect("inproc://full")
                for index in 0..<5 { try push.send(Message("\(index)")) }
            }
            try await worker.join()
            withExtendedLifetime(pull) {}
        }
        let failure = try #require(result.failure)
        #expect(failure.kind == .deadlock)
        #expect(
            failure.message.contains(
                "worker: send(_:) on a PUSH socket (connected to inproc://full) waits for room on the pipe to "
                    + "inproc://full (full:"),
            "\(failure.message)")
        #expect(failure.message.contains("main: waits for worker to finish (join())"), "\(failure.message)")
        #expect(failure.description.contains("seed 0x"))
    }

    /// A participant that blocks outside RingMQ (here on a futex word of the test's) holds the
    /// turn: the run fails as stalled after the stall limit, naming it, instead of hanging.
    @Test func aParticipantBlockedOutsideRingMQIsReportedAsStalled() async throws {
        let gate = Baton()
        let result = await Exploration.run(
            .random(seed: 1), options: ExplorationOptions(runs: 3, stallLimit: .milliseconds(300))
        ) { world in
            world.thread("sleeper") { gate.wait() }
        }
        gate.post()  // frees the leaked thread
        let failure = try #require(result.failure)
        #expect(failure.kind == .stall)
        #expect(failure.message.contains("participant sleeper has not reached a scheduling point"))
    }
}

/// A RingMQ check that fails inside a controlled run fails the run, not the process.
@Suite(.runsAlone) struct ControlledTrapTests {
    /// Two participants sharing one socket: whichever enters while the other is inside a call
    /// (paused at its call's scheduling point, or blocked in it) trips the one-thread-at-a-time
    /// check. The run fails with that message; the trapping thread is left parked (leaked).
    @Test func twoParticipantsInOneSocketFailTheRun() async throws {
        let result = await Exploration.run(.random(seed: 8), options: ExplorationOptions(runs: 20)) { world in
            let push = try world.context.socket(.push)
            push.sendTimeout = .seconds(1)
            try push.connect("inproc://shared")
            world.thread("a") { _ = try? push.send(Message("a")) }
            world.thread("b") { _ = try? push.send(Message("b")) }
        }
        let failure = try #require(result.failure)
        #expect(failure.kind == .trap)
        #expect(failure.message.contains("PUSH socket used from two threads at once"), "\(failure.message)")
    }
}
