import RingMQ
import RingMQTesting
import Testing

// A worker with a timeout, tested the way a user of RingMQ would test it: the worker gives up
// after 5 seconds without a job, and the test checks that — not after 4.999 s, exactly at
// 5 s — in a few milliseconds of real time, with no sleeps. The context runs on a
// `ManualClock`, so every timeout of its sockets passes only when the test advances the clock.

/// The code under test: takes jobs from `jobs`, reports each one done on `results`, and gives
/// up once no job has come for `idleTimeout`. Returns how many jobs it did.
func runWorker(jobs: Socket, results: Socket, idleTimeout: Duration) async throws -> Int {
    jobs.receiveTimeout = idleTimeout
    var done = 0
    while true {
        let job: Message
        do {
            job = try await jobs.receive()
        } catch RingMQError.timedOut {
            return done  // idle for `idleTimeout`: give up
        }
        try await results.send(Message("done: \(job[0].string)"))
        done += 1
    }
}

@Suite(.runsAlone) struct WorkerTimeoutExampleTests {
    /// The worker's sockets and the test's, connected, on a context whose clock the test moves.
    struct Setup {
        let clock = ManualClock()
        let context: Context
        let jobs: Socket, results: Socket  // the test's ends
        let workerJobs: Socket, workerResults: Socket  // the worker's ends

        init() throws {
            context = Context(clock: clock)  // every timeout of its sockets is measured on `clock`
            jobs = try context.socket(.push)
            try jobs.bind("inproc://jobs")
            results = try context.socket(.pull)
            try results.bind("inproc://results")
            workerJobs = try context.socket(.pull)
            try workerJobs.connect("inproc://jobs")
            workerResults = try context.socket(.push)
            try workerResults.connect("inproc://results")
        }
    }

    @Test func theWorkerGivesUpAfterFiveSecondsWithoutAJob() async throws {
        let setup = try Setup()
        defer { setup.context.terminate() }  // if the test fails half way, this wakes the worker
        let worker = Task {
            try await runWorker(jobs: setup.workerJobs, results: setup.workerResults, idleTimeout: .seconds(5))
        }

        #expect(await setup.clock.waitForSleepers(1))  // the worker is waiting for its first job
        setup.clock.advance(by: .seconds(4))  // 4 s idle: not yet
        try await setup.jobs.send("resize photo.jpg")
        #expect(try await setup.results.receive() == "done: resize photo.jpg")

        #expect(await setup.clock.waitForSleepers(1))  // waiting for the next job: 5 s from now
        setup.clock.advance(by: .milliseconds(4_999))
        #expect(setup.clock.sleepers == 1)  // 4.999 s idle: still waiting
        setup.clock.advance(by: .milliseconds(1))  // 5 s: it times out before `advance` returns
        #expect(try await worker.value == 1)  // 9 s of the worker's time, milliseconds of ours
    }

    @Test func theWorkerDoesEveryQueuedJobBeforeGivingUp() async throws {
        let setup = try Setup()
        defer { setup.context.terminate() }
        for name in ["a", "b", "c"] { try await setup.jobs.send(Message(name)) }
        let worker = Task {
            try await runWorker(jobs: setup.workerJobs, results: setup.workerResults, idleTimeout: .seconds(5))
        }

        for name in ["a", "b", "c"] {
            #expect(try await setup.results.receive() == Message("done: \(name)"))
        }
        #expect(await setup.clock.waitForSleepers(1))  // idle now
        setup.clock.advance(by: .seconds(5))
        #expect(try await worker.value == 3)
    }
}
