// swift-format-ignore-file
// (Kept as the docs show the samples, line for line: see everySampleOfTheDocsIsHere.)
import Foundation
import RingMQ
import RingMQTesting
import RingMQTestingSwiftTesting
import Testing

// The samples of Docs/Testing.md, verbatim: suites themselves (the check that they match the page
// is in DocSamplesTests.swift).

extension DocSamplesTests {
    /// The samples of Testing.md are tests themselves: here they are, as they are there.
    @Suite(.runsAlone, .asInAUsersSuite) struct TestingGuide {
        /// The code under test: forwards every queued message whose first frame is "urgent".
        func forwardUrgent(from input: Socket, to output: Socket) throws -> Int {
            var forwarded = 0
            while let message = try input.tryReceive() {
                guard message[0].string == "urgent" else { continue }
                try output.send(message)
                forwarded += 1
            }
            return forwarded
        }

        @Test func forwardsOnlyUrgentMessages() throws {
            let context = Context()
            defer { context.terminate() }
            let input = try context.socket(.pull)
            try input.bind("inproc://in")
            let feeder = try context.socket(.push)
            try feeder.connect("inproc://in")                  // usable at once
            let output = try context.socket(.push)
            try output.bind("inproc://out")
            let collector = try context.socket(.pull)
            try collector.connect("inproc://out")

            try feeder.send(["urgent", "disk full"])           // in input's queue when send returns
            try feeder.send(["later", "backup done"])
            #expect(try forwardUrgent(from: input, to: output) == 1)
            #expect(try collector.tryReceive() == ["urgent", "disk full"])
            #expect(try collector.tryReceive() == nil)         // nothing else: no need to wait and see
        }

        @Test func subscriberGetsOnlyItsTopic() throws {
            let context = Context()
            defer { context.terminate() }
            let publisher = try context.socket(.pub)
            try publisher.bind("inproc://prices")
            let subscriber = try context.socket(.sub)
            try subscriber.connect("inproc://prices")
            try subscriber.subscribe("EUR")                    // in force when it returns

            try publisher.send(["EUR", "1.08"])
            try publisher.send(["GBP", "0.85"])
            #expect(try subscriber.tryReceive() == ["EUR", "1.08"])
            #expect(try subscriber.tryReceive() == nil)
        }

        @Test(.timeLimit(.minutes(1)))
        func aSlowWorkerHoldsTheBacklog() async throws {
            let context = Context()
            defer { context.terminate() }
            let worker = try context.socket(.pull)
            worker.receiveHighWaterMark = 5
            try worker.bind("inproc://work")
            let events = worker.makeEventStream()              // the events from now on
            let producer = try context.socket(.push)
            producer.sendHighWaterMark = 5
            try producer.connect("inproc://work")

            var sent = 0
            while try producer.trySend("job \(sent)") { sent += 1 }
            #expect(sent == 10)                                // 5 + 5, then the queue is full
            #expect(worker.statistics == SocketStatistics(queuedIn: 10, peers: 1))
            #expect(producer.statistics.messagesSent == 10)

            var iterator = events.makeAsyncIterator()          // emitted before connect returned
            #expect(await iterator.next() == .peerAttached(endpoint: "inproc://work"))
        }

        /// The code under test: answers each job on inproc://jobs with a result on inproc://results.
        func runWorker(_ context: Context) async throws {
            let jobs = try context.socket(.pull)
            try jobs.connect("inproc://jobs")
            let results = try context.socket(.push)
            try results.connect("inproc://results")
            for try await job in jobs.messages {
                try await results.send("done: \(job[0].string)")
            }
        }

        @Test(.timeLimit(.minutes(1)))                         // a safety net, never reached when green
        func workerAnswersEveryJob() async throws {
            let context = Context()
            defer { context.terminate() }
            let jobs = try context.socket(.push)
            try jobs.bind("inproc://jobs")
            let results = try context.socket(.pull)
            try results.bind("inproc://results")
            let worker = Task { try await runWorker(context) }

            for index in 0..<3 { try await jobs.send("job \(index)") }  // waits for the worker to connect
            var answers: [String] = []
            for _ in 0..<3 { answers.append(try await results.receive()[0].string) }
            #expect(answers == ["done: job 0", "done: job 1", "done: job 2"])
            #expect(jobs.statistics.queuedOut == 0)            // the worker drained its queue
            worker.cancel()
        }

        /// The code under test: a blocking echo service.
        func runEchoService(_ context: Context) throws {
            let service = try context.socket(.rep)
            try service.bind("inproc://echo")
            while true {
                let request = try service.receive()
                try service.send("echo: \(request[0].string)")
            }
        }

        @Test func echoServiceAnswers() throws {
            let context = Context()
            defer { context.terminate() }                      // also stops the service thread
            let client = try context.socket(.req)
            client.receiveTimeout = .seconds(10)               // a safety net, not a synchronisation
            try client.connect("inproc://echo")                // before the bind: fine

            Thread {
                do { try runEchoService(context) } catch {}    // ends with .terminated
            }.start()

            try withBlockingCallsAllowed {                     // this test blocks its pool thread
                try client.send("hello")
                #expect(try client.receive() == "echo: hello")
            }
        }
    }
}

extension DocSamplesTests {
    /// The virtual-time and faults samples of Testing.md.
    @Suite(.runsAlone, .asInAUsersSuite) struct TestingGuideVirtualTime {
        /// The code under test: answers jobs until none has come for 5 seconds.
        func runIdleWorker(jobs: Socket, results: Socket) throws -> Int {
            jobs.receiveTimeout = .seconds(5)
            var done = 0
            while true {
                do {
                    let job = try jobs.receive()
                    try results.send("done: \(job[0].string)")
                    done += 1
                } catch RingMQError.timedOut {
                    return done                                // idle for 5 s: give up
                }
            }
        }

        @Test func workerGivesUpAfterFiveIdleSeconds() async throws {
            let clock = ManualClock()
            let context = Context(clock: clock)                // every timeout on the manual clock
            defer { context.terminate() }
            let jobs = try context.socket(.push)
            try jobs.bind("inproc://jobs")
            let results = try context.socket(.pull)
            try results.bind("inproc://results")
            let workerJobs = try context.socket(.pull)
            try workerJobs.connect("inproc://jobs")
            let workerResults = try context.socket(.push)
            try workerResults.connect("inproc://results")

            Thread {
                let done = (try? runIdleWorker(jobs: workerJobs, results: workerResults)) ?? -1
                _ = try? workerResults.send("gave up after \(done) job")
            }.start()

            #expect(await clock.waitForSleepers(1))            // the worker waits for a job
            clock.advance(by: .seconds(4))                     // 4 s idle: not yet
            try await jobs.send("job 1")
            #expect(try await results.receive() == "done: job 1")
            #expect(await clock.waitForSleepers(1))            // waiting for the next job
            clock.advance(by: .milliseconds(4_999))
            #expect(clock.sleepers == 1)                       // 4.999 s idle: still waiting
            clock.advance(by: .milliseconds(1))                // 5 s: it times out, before this returns
            #expect(clock.sleepers == 0)
            #expect(try await results.receive() == "gave up after 1 job")
        }

        @Test func producerBacksOffWhenTheConsumerIsFull() throws {
            let clock = ManualClock()
            let context = Context(clock: clock)
            defer { context.terminate() }
            let consumer = try context.socket(.pull)
            try consumer.bind("inproc://work")
            let producer = try context.socket(.push)
            try producer.connect("inproc://work")

            try Faults.makePeersLookFull(producer)             // the HWM path, with no flood of messages
            #expect(try producer.trySend("job") == false)
            try Faults.restoreRoom(producer)
            #expect(try producer.trySend("job"))
            #expect(consumer.statistics.queuedIn == 1)

            try Faults.detachPeers(of: consumer)               // the producer's peer goes away mid-stream
            #expect(producer.statistics.peers == 0)
            #expect(try consumer.tryReceive() == "job")        // what was sent is still there
        }

        /// The code under test: the collector must wait for every producer's "end", not the first.
        @Test func collectorGetsEveryResult() async {
            await explore(.pct(depth: 2), options: ExplorationOptions(runs: 300)) { world in
                let collector = try world.context.socket(.pull)
                try collector.bind("inproc://results")
                for name in ["A", "B"] {
                    world.thread("producer-\(name)") {                 // a thread participant
                        let push = try world.context.socket(.push)
                        try push.connect("inproc://results")
                        try push.send(Message("result from \(name)"))
                        try push.send(Message("end"))
                    }
                }
                var results = 0
                var ends = 0
                while ends < 2 {                                       // `ends < 1` is the bug it finds
                    let message = try await collector.receive()
                    if message[0].string == "end" { ends += 1 } else { results += 1 }
                }
                #expect(results == 2)
            }
        }
    }
}
