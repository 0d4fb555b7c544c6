import Foundation
import RingMQ
import RingMQTesting
import Synchronization
import Testing

/// Every Swift sample of `README.md` and `Docs/*.md`, compiled and run, and checked to do what
/// its page says.
///
/// Each test holds one sample verbatim (indentation aside), between scaffolding that bounds it
/// in time and checks its outcome; ``everySampleOfTheDocsIsHere()`` fails when a page's sample
/// is not found here, so the two cannot drift apart. Samples run on a thread of their own
/// (``Peer``, joined with a time limit) or, when async, under ``withTimeout(_:sourceLocation:_:)``,
/// so that a hang fails the test instead of the run. `print` in a sample is this suite's
/// ``print(_:separator:)``: it records the line, and the test checks what was printed.
@Suite(.runsAlone) struct DocSamplesTests {
    let transcript = DocTranscript()

    /// Records what a sample prints, as `Swift.print` would write it.
    func print(_ items: Any..., separator: String = " ") {
        transcript.record(items.map { "\($0)" }.joined(separator: separator))
    }

    var printed: [String] { transcript.lines }

    // MARK: - README.md

    @Test func readmeFirstExample() throws {
        let next = try Peer { () throws -> Message? in
            let context = Context()
            let pull = try context.socket(.pull)
            try pull.bind("inproc://tasks")
            let push = try context.socket(.push)
            try push.connect("inproc://tasks")

            try push.send("task 1")                 // Message is ExpressibleByStringLiteral
            try push.send(["header", "body"])       // multipart: an array literal of frames
            let message = try pull.receive()        // blocks until a message arrives
            print(message[0].string)                // "task 1"
            return try pull.tryReceive()
        }.join().get()
        #expect(printed == ["task 1"])
        #expect(next == ["header", "body"])
    }

    // MARK: - GettingStarted.md

    @Test func gettingStartedFirstPushPull() throws {
        try Peer {
            let context = Context()
            let pull = try context.socket(.pull)          // the worker end
            try pull.bind("inproc://tasks")
            let push = try context.socket(.push)          // the producer end
            try push.connect("inproc://tasks")

            for n in 1...3 { try push.send("task \(n)") } // a Message from a string
            for _ in 1...3 { print(try pull.receive()[0].string) }
        }.join().get()
        #expect(printed == ["task 1", "task 2", "task 3"])
    }

    @Test func gettingStartedWorkerOnItsOwnThread() throws {
        try Peer {
            let context = Context()
            let tasks = try context.socket(.push)
            try tasks.bind("inproc://tasks")
            let results = try context.socket(.pull)
            try results.bind("inproc://results")

            let worker = Thread {
                do {
                    let input = try context.socket(.pull)
                    try input.connect("inproc://tasks")
                    let output = try context.socket(.push)
                    try output.connect("inproc://results")
                    while true {
                        let task = try input.receive()
                        try output.send("done: \(task[0].string)")
                    }
                } catch {
                    // RingMQError.terminated: context.terminate() below stops the worker.
                }
            }
            worker.start()

            for n in 1...3 { try tasks.send("task \(n)") }
            for _ in 1...3 { print(try results.receive()[0].string) }   // done: task 1, …
            context.terminate()
        }.join().get()
        #expect(printed == ["done: task 1", "done: task 2", "done: task 3"])
    }

    // MARK: - Pipeline.md

    @Test func pipelineRoundRobin() throws {
        try Peer {
            let context = Context()
            let ventilator = try context.socket(.push)
            try ventilator.bind("inproc://tasks")
            let workers = try (0..<3).map { _ in
                let worker = try context.socket(.pull)
                try worker.connect("inproc://tasks")
                return worker
            }

            for n in 0..<6 { try ventilator.send("task \(n)") }
            for (index, worker) in workers.enumerated() {
                while let task = try worker.tryReceive() {
                    print("worker \(index): \(task[0].string)")
                }
            }
            // worker 0: task 0, worker 0: task 3, worker 1: task 1, worker 1: task 4, worker 2: …
        }.join().get()
        #expect(printed == [
            "worker 0: task 0", "worker 0: task 3",
            "worker 1: task 1", "worker 1: task 4",
            "worker 2: task 2", "worker 2: task 5",
        ])
    }

    @Test func pipelineFairQueueing() throws {
        try Peer {
            let context = Context()
            let sink = try context.socket(.pull)
            try sink.bind("inproc://results")
            let first = try context.socket(.push)
            try first.connect("inproc://results")
            let second = try context.socket(.push)
            try second.connect("inproc://results")

            for n in 1...3 { try first.send("a\(n)") }
            for n in 1...3 { try second.send("b\(n)") }
            var order: [String] = []
            while let result = try sink.tryReceive() { order.append(result[0].string) }
            print(order)                                  // ["a1", "b1", "a2", "b2", "a3", "b3"]
        }.join().get()
        #expect(printed == [#"["a1", "b1", "a2", "b2", "a3", "b3"]"#])
    }

    @Test func pipelineBackpressure() throws {
        try Peer {
            let context = Context()
            let worker = try context.socket(.pull)
            worker.receiveHighWaterMark = 2               // set before the connection forms
            try worker.bind("inproc://slow")
            let producer = try context.socket(.push)
            producer.sendHighWaterMark = 2
            try producer.connect("inproc://slow")

            var accepted = 0
            while try producer.trySend("task \(accepted)") { accepted += 1 }
            print(accepted)                               // 4: the queue holds 2 + 2

            producer.sendTimeout = .milliseconds(10)
            do {
                try producer.send("one more")
            } catch RingMQError.timedOut {
                print("the worker is behind")             // send waited 10 ms for room
            }

            while try worker.tryReceive() != nil {}       // the worker catches up …
            print(try producer.trySend("one more"))       // … and there is room at once: true
        }.join().get()
        #expect(printed == ["4", "the worker is behind", "true"])
    }

    @Test func pipelineWorkersJoiningAndLeaving() throws {
        let (steady, newcomer) = try Peer { () throws -> ([String], [String]) in
            let context = Context()
            let ventilator = try context.socket(.push)
            try ventilator.bind("inproc://tasks")
            let steady = try context.socket(.pull)
            try steady.connect("inproc://tasks")
            let leaving = try context.socket(.pull)
            try leaving.connect("inproc://tasks")

            for n in 0..<4 { try ventilator.send("task \(n)") }   // 0, 2 to steady; 1, 3 to leaving
            print(try leaving.receive()[0].string)                // leaving does task 1 …
            print(leaving.statistics.queuedIn)                    // … with 1 task still queued …
            leaving.close()                                       // … and leaves: task 3 goes back
            for n in 4..<6 { try ventilator.send("task \(n)") }   // task 3 first, then 4, 5, to steady
            print(ventilator.statistics.messagesRedelivered)      // 1

            let newcomer = try context.socket(.pull)
            try newcomer.connect("inproc://tasks")                // joins the rotation at once
            for n in 6..<10 { try ventilator.send("task \(n)") }  // shared by steady and newcomer

            return (try drainTexts(steady), try drainTexts(newcomer))
        }.join().get()
        #expect(printed == ["task 1", "1", "1"])
        #expect(steady == ["task 0", "task 2", "task 3", "task 4", "task 5", "task 6", "task 8"])
        #expect(newcomer == ["task 7", "task 9"])
    }

    @Test func pipelineMultiStage() throws {
        try Peer {
            let context = Context()
            let source = try context.socket(.push)
            try source.bind("inproc://numbers")
            let sink = try context.socket(.pull)
            try sink.bind("inproc://squares")

            let stage = Thread {                          // one stage: PULL in, PUSH out
                do {
                    let input = try context.socket(.pull)
                    try input.connect("inproc://numbers")
                    let output = try context.socket(.push)
                    try output.connect("inproc://squares")
                    while true {
                        let message = try input.receive()
                        guard let n = Int(message[0].string) else {
                            try output.send(message)          // "END": pass it on and stop
                            return
                        }
                        try output.send("\(n * n)")
                    }
                } catch {
                    // RingMQError.terminated: context.terminate() stops the stage.
                }
            }
            stage.start()

            for n in 1...4 { try source.send("\(n)") }
            try source.send("END")
            var squares: [Int] = []
            while let square = Int(try sink.receive()[0].string) { squares.append(square) }
            print(squares)                                // [1, 4, 9, 16]
            context.terminate()
        }.join().get()
        #expect(printed == ["[1, 4, 9, 16]"])
    }

    // MARK: - ExclusivePair.md

    @Test func exclusivePairTwoThreadsOneChannel() throws {
        try Peer {
            let context = Context()
            let foreground = try context.socket(.pair)
            try foreground.bind("inproc://background")

            let background = Thread {
                do {
                    let channel = try context.socket(.pair)
                    try channel.connect("inproc://background")
                    try channel.send("ready")
                    while true {
                        let job = try channel.receive()
                        if job[0].string == "stop" { return }
                        try channel.send("done: \(job[0].string)")
                    }
                } catch {
                    // RingMQError.terminated: context.terminate() stops the thread too.
                }
            }
            background.start()

            print(try foreground.receive()[0].string)    // ready
            try foreground.send("resize image")
            print(try foreground.receive()[0].string)    // done: resize image
            try foreground.send("stop")
        }.join().get()
        #expect(printed == ["ready", "done: resize image"])
    }

    @Test func exclusivePairExclusivityErrors() throws {
        let reply = try Peer { () throws -> Message? in
            let context = Context()
            let first = try context.socket(.pair)
            try first.bind("inproc://channel")
            let second = try context.socket(.pair)
            try second.connect("inproc://channel")

            let intruder = try context.socket(.pair)
            do {
                try intruder.connect("inproc://channel")
            } catch RingMQError.addressInUse(let reason) {
                print(reason)       // inproc://channel is bound by a PAIR socket that already has its peer; …
            }
            do {
                try second.connect("inproc://elsewhere")
            } catch RingMQError.invalidState(let reason) {
                print(reason)       // this PAIR socket already has its peer; …
            }

            second.close()                               // the slot is free again …
            try intruder.connect("inproc://channel")     // … so the intruder is now the peer

            try first.send("welcome")
            return try intruder.tryReceive()
        }.join().get()
        #expect(printed.count == 2)
        #expect(printed.first?.hasPrefix("inproc://channel is bound by a PAIR socket that already has its peer") == true)
        #expect(printed.last?.hasPrefix("this PAIR socket already has its peer") == true)
        #expect(reply == "welcome")
    }

    @Test func exclusivePairHighWaterMarks() throws {
        try Peer {
            let context = Context()
            let a = try context.socket(.pair)
            a.sendHighWaterMark = 1
            try a.bind("inproc://channel")
            let b = try context.socket(.pair)
            b.receiveHighWaterMark = 1
            try b.connect("inproc://channel")

            var aToB = 0
            while try a.trySend("ping") { aToB += 1 }
            var bToA = 0
            while try b.trySend("pong") { bToA += 1 }
            print(aToB, bToA)                            // 2 2000: 1 + 1 one way, 1000 + 1000 the other
        }.join().get()
        #expect(printed == ["2 2000"])
    }

    // MARK: - Migrating.md

    @Test func migratingAPyzmqProgramPorted() throws {
        let clock = ContinuousClock()
        let started = clock.now
        try Peer {
            let context = Context()
            let sink = try context.socket(.pull)
            sink.receiveHighWaterMark = 100
            sink.receiveTimeout = .milliseconds(100)
            try sink.bind("inproc://results")
            let source = try context.socket(.push)
            try source.connect("inproc://results")

            try source.send(["job-1", "42"])                 // one Message, two frames
            let frames = try sink.receive().frames
            print(frames[0].string, frames[1].string)        // job-1 42
            if try sink.tryReceive() == nil {
                // nothing queued: nil instead of zmq.Again
            }
            do {
                _ = try sink.receive()
            } catch RingMQError.timedOut {
                print("timed out")                           // after 100 ms
            }
            context.terminate()                              // closing the sockets first is optional
        }.join().get()
        #expect(printed == ["job-1 42", "timed out"])
        #expect(clock.now - started >= .milliseconds(100))
    }

    // MARK: - Async.md

    @Test func asyncSendAndReceive() async throws {
        try await withTimeout {
            let context = Context()
            let pull = try context.socket(.pull)
            try pull.bind("inproc://jobs")
            let push = try context.socket(.push)
            try push.connect("inproc://jobs")

            let consumer = Task {
                let job = try await pull.receive()     // suspends until a message arrives
                print(job[0].string)
            }
            try await push.send("job 1")               // suspends while every peer queue is full
            try await consumer.value
        }
        #expect(printed == ["job 1"])
    }

    @Test func asyncMessagesSequence() async throws {
        try await withTimeout {
            let context = Context()
            let pull = try context.socket(.pull)
            try pull.bind("inproc://lines")
            let push = try context.socket(.push)
            try push.connect("inproc://lines")
            for line in ["start", "work", "stop"] { try await push.send(Message(line)) }

            for try await message in pull.messages {
                print(message[0].string)
                if message[0].string == "stop" { pull.close() }   // ends the loop
            }
        }
        #expect(printed == ["start", "work", "stop"])
    }

    /// Answers jobs until a message arrives on `control`.
    func serve(jobs: Socket, control: Socket, results: Socket) throws {
        var poller = Poller()
        poller.register(jobs, for: .readable)
        poller.register(control, for: .readable)
        while true {
            for item in try poller.poll(timeout: .seconds(1)) {   // or: try await poller.poll(…)
                if item.socket === control { return }
                while let job = try jobs.tryReceive() {
                    try results.send("done: \(job[0].string)")
                }
            }
        }
    }

    @Test func asyncPoller() throws {
        let context = TestContext()
        defer { context.terminate() }
        let jobs = try context.socket(.pull)
        try jobs.bind("inproc://jobs")
        let control = try context.socket(.pull)
        try control.bind("inproc://control")
        let results = try context.socket(.push)
        try results.bind("inproc://results")
        let jobSource = try context.socket(.push)
        try jobSource.connect("inproc://jobs")
        let controller = try context.socket(.push)
        try controller.connect("inproc://control")
        let collector = try context.socket(.pull)
        try collector.connect("inproc://results")

        let server = Peer { try serve(jobs: jobs, control: control, results: results) }
        try jobSource.send("a")
        #expect(try collector.receive() == "done: a")   // served while the poller waited
        try jobSource.send("b")
        try jobSource.send("c")
        #expect(try collector.receive() == "done: b")
        #expect(try collector.receive() == "done: c")
        try controller.send("stop")
        try server.join().get()                          // serve returned on the control message
        #expect(try collector.tryReceive() == nil)
    }

    // MARK: - PubSub.md

    @Test func pubSubAPublisherAndASubscriber() throws {
        let rest = try Peer { () throws -> Message? in
            let context = Context()
            let publisher = try context.socket(.pub)
            try publisher.bind("inproc://weather")

            let subscriber = try context.socket(.sub)
            try subscriber.connect("inproc://weather")
            try subscriber.subscribe("10001 ")           // a byte prefix of the first frame

            try publisher.send(["10001 ", "21 °C"])       // topic frame, then payload
            try publisher.send(["90210 ", "30 °C"])       // nobody subscribed: dropped at the publisher
            let update = try subscriber.receive()         // ["10001 ", "21 °C"]
            print(update[1].string)
            return try subscriber.tryReceive()
        }.join().get()
        #expect(printed == ["21 °C"])
        #expect(rest == nil)
    }

    @Test func pubSubXPubSeesSubscriptions() throws {
        let event = try Peer { () throws -> Message in
            let context = Context()
            let xpub = try context.socket(.xpub)
            try xpub.bind("inproc://prices")
            let sub = try context.socket(.sub)
            try sub.connect("inproc://prices")
            try sub.subscribe("EUR")
            let event = try xpub.receive()                // one frame: byte 1, then "EUR"
            if event[0].bytes.first == 1 { /* someone wants EUR: publish its snapshot */ }
            return event
        }.join().get()
        #expect(event == Message(Frame([1] + Array("EUR".utf8))))
    }

    @Test func pubSubXSubSubscribesBySending() throws {
        let context = TestContext()
        defer { context.terminate() }
        let xpub = try context.socket(.xpub)
        try xpub.bind("inproc://prices")
        let xsub = try context.socket(.xsub)
        try xsub.connect("inproc://prices")

        try xsub.send(Message(Frame([1] + Array("EUR".utf8))))

        #expect(try xpub.tryReceive() == Message(Frame([1, 69, 85, 82])))
        try xpub.send(["EUR", "1.08"])
        try xpub.send(["GBP", "0.85"])
        #expect(try drainTexts(xsub) == ["EUR"])
    }

    @Test func pubSubTheProxy() throws {
        let update = try Peer { () throws -> Message in
            let context = Context()
            let frontend = try context.socket(.xsub)
            try frontend.connect("inproc://weather")       // the publisher's endpoint
            let backend = try context.socket(.xpub)
            try backend.bind("inproc://weather-relay")     // subscribers connect here

            let relay = Thread {                           // any thread of your own, never a pool task
                do { try proxy(frontend: frontend, backend: backend) } catch { /* .terminated */ }
            }
            relay.start()
            // … later: context.terminate() stops the proxy (and every other blocked call).

            // Scaffolding: a publisher that sees subscriptions (XPUB), and a subscriber behind
            // the relay; the subscription reaches the publisher through the proxy's thread.
            defer { context.terminate() }
            let publisher = try context.socket(.xpub)
            try publisher.bind("inproc://weather")
            let subscriber = try context.socket(.sub)
            try subscriber.connect("inproc://weather-relay")
            try subscriber.subscribe("10001 ")
            let subscription = try publisher.receive()
            guard subscription == Message(Frame([1] + Array("10001 ".utf8))) else {
                throw RingMQError.invalidState("unexpected subscription \(subscription)")
            }
            try publisher.send(["90210 ", "30 °C"])
            try publisher.send(["10001 ", "21 °C"])
            return try subscriber.receive()
        }.join().get()
        #expect(update == ["10001 ", "21 °C"])
    }

    // MARK: - RequestReply.md

    @Test func requestReplyTheSimpleCase() throws {
        let (question, answer) = try Peer { () throws -> (Message, Message) in
            let context = Context()
            let service = try context.socket(.rep)
            try service.bind("inproc://clock")
            let client = try context.socket(.req)
            try client.connect("inproc://clock")

            try client.send("what time is it?")
            let question = try service.receive()          // "what time is it?"
            try service.send("noon")
            let answer = try client.receive()             // "noon"
            return (question, answer)
        }.join().get()
        #expect(question == "what time is it?")
        #expect(answer == "noon")
    }

    @Test func requestReplyRouterAddressingPeers() throws {
        let (hello, job) = try Peer { () throws -> (Message, Message) in
            let context = Context()
            let router = try context.socket(.router)
            try router.bind("inproc://workers")
            let worker = try context.socket(.dealer)
            worker.routingID = "worker-1"
            try worker.connect("inproc://workers")

            try worker.send(["", "ready"])
            let hello = try router.receive()              // ["worker-1", "", "ready"]
            try router.send(["worker-1", "", "job 42"])   // routed by the first frame
            return (hello, try worker.receive())
        }.join().get()
        #expect(hello == ["worker-1", "", "ready"])
        #expect(job == ["", "job 42"])
    }

    @Test func requestReplyBroker() throws {
        let reply = try Peer { () throws -> Message in
            let context = Context()
            let frontend = try context.socket(.router)
            try frontend.bind("inproc://clients")
            let backend = try context.socket(.dealer)
            try backend.bind("inproc://workers")
            let broker = Thread {                          // a thread of your own, not a pool task
                do { try proxy(frontend: frontend, backend: backend) } catch { /* .terminated */ }
            }
            broker.start()
            // Clients: REQ sockets connected to inproc://clients.
            // Workers: REP sockets connected to inproc://workers, each in its own thread.
            // context.terminate() stops the broker, and every blocked worker and client.

            // Scaffolding: one worker thread and one client.
            defer { context.terminate() }
            let worker = try context.socket(.rep)
            try worker.connect("inproc://workers")
            Thread {
                do {
                    while true {
                        let request = try worker.receive()
                        try worker.send("answer to \(request[0].string)")
                    }
                } catch {}
            }.start()
            let client = try context.socket(.req)
            try client.connect("inproc://clients")
            try client.send("question 1")
            return try client.receive()
        }.join().get()
        #expect(reply == "answer to question 1")
    }

    // MARK: - The docs and this file agree

    /// Every Swift code block of README.md and Docs/*.md appears in this file, line for line
    /// (indentation, blank lines and imports aside), except package manifests.
    @Test func everySampleOfTheDocsIsHere() throws {
        let root = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        // This file and its `DocSamplesTests+….swift` companions beside it.
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        let sampleFiles = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { $0.hasPrefix("DocSamplesTests") && $0.hasSuffix(".swift") }.sorted()
        let here = try sampleFiles.flatMap { file in
            normalised(try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8))
        }
        let docs = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("Docs").path)
            .filter { $0.hasSuffix(".md") }.sorted().map { "Docs/" + $0 }
        var checked = 0
        for page in ["README.md"] + docs {
            let text = try String(contentsOf: root.appendingPathComponent(page), encoding: .utf8)
            for (index, sample) in swiftBlocks(of: text).enumerated() where !sample.contains("import PackageDescription") {
                let lines = normalised(sample)
                guard !lines.isEmpty else { continue }
                checked += 1
                let found = (0...max(0, here.count - lines.count)).contains { start in
                    here.count >= lines.count && Array(here[start..<(start + lines.count)]) == lines
                }
                #expect(found, "sample \(index + 1) of \(page) is not in DocSamplesTests*.swift, verbatim")
            }
        }
        #expect(checked >= 26, "found only \(checked) samples: have the docs moved?")
    }
}

// MARK: - Testing.md

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
    }
}

// MARK: - Helpers

/// The lines a sample printed, in order (from any thread).
final class DocTranscript: Sendable {
    private let recorded = Locked<[String]>([])

    func record(_ line: String) {
        recorded.withLock { $0.append(line) }
    }

    var lines: [String] { recorded.withLock { $0 } }
}

/// The first frames of every message queued on `socket` now, as text.
private func drainTexts(_ socket: Socket) throws -> [String] {
    var texts: [String] = []
    while let message = try socket.tryReceive() { texts.append(message[0].string) }
    return texts
}

/// The bodies of the ```swift code blocks of a Markdown text.
private func swiftBlocks(of markdown: String) -> [String] {
    var blocks: [String] = []
    var current: [Substring]? = nil
    for line in markdown.split(separator: "\n", omittingEmptySubsequences: false) {
        if current == nil {
            if line.trimmingCharacters(in: .whitespaces) == "```swift" { current = [] }
        } else if line.trimmingCharacters(in: .whitespaces) == "```" {
            blocks.append(current!.joined(separator: "\n"))
            current = nil
        } else {
            current!.append(line)
        }
    }
    return blocks
}

/// Lines without their indentation, dropping blank lines and imports.
private func normalised(_ text: String) -> [String] {
    text.split(separator: "\n", omittingEmptySubsequences: false)
        .map { $0.trimmingCharacters(in: .whitespaces) }
        .filter { !$0.isEmpty && !$0.hasPrefix("import ") }
}
