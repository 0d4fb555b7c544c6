// swift-format-ignore-file
// (Kept as the docs show the samples, line for line: see everySampleOfTheDocsIsHere.)
import RingMQ
import Testing

// The samples of Docs/Async.md, verbatim (the suite, and the check that they match the page, are
// in DocSamplesTests.swift).

extension DocSamplesTests {
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
            let ready = try poller.poll(timeout: .seconds(1))   // or: try await poller.poll(…)
            while let job = try jobs.tryReceive() {
                try results.send("done: \(job[0].string)")
            }
            if ready.isReadable(control) { return }
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

    /// Waits up to 100 ms for a reply on `client`; `nil` if none came.
    func reply(on client: Socket) throws -> Message? {
        guard try client.poll(.readable, timeout: .milliseconds(100)).contains(.readable) else { return nil }
        return try client.receive()
    }

    /// Polls only `workers` while no worker is free: requests wait in `clients` meanwhile.
    func nextEvent(_ poller: Poller, clients: Socket, workers: Socket, freeWorkers: Int) throws -> [Poller.Item] {
        if freeWorkers == 0 { return try poller.poll(only: [workers], timeout: .seconds(1)) }
        return try poller.poll(timeout: .seconds(1))
    }

    @Test func singleSocketAndSubsetPolls() throws {
        let context = TestContext()
        let client = try context.socket(.pull)
        try client.bind("inproc://doc-one-poll")
        let server = try context.socket(.push)
        try server.connect("inproc://doc-one-poll")
        try server.send("reply")
        try withBlockingCallsAllowed {
            #expect(try reply(on: client) == "reply")
            #expect(try reply(on: client) == nil)            // waited its 100 ms

            let clients = try context.socket(.pull)
            try clients.bind("inproc://doc-clients")
            let workers = try context.socket(.pull)
            try workers.bind("inproc://doc-workers")
            let client = try context.socket(.push)
            try client.connect("inproc://doc-clients")
            let worker = try context.socket(.push)
            try worker.connect("inproc://doc-workers")
            var poller = Poller()
            poller.register(clients, for: .readable)
            poller.register(workers, for: .readable)
            try client.send("request")
            try worker.send("ready")
            let busy = try nextEvent(poller, clients: clients, workers: workers, freeWorkers: 0)
            #expect(busy.count == 1 && busy.isReadable(workers) && !busy.isReadable(clients))
            let free = try nextEvent(poller, clients: clients, workers: workers, freeWorkers: 1)
            #expect(free.isReadable(clients) && free.isReadable(workers))
        }
    }

    @Test func asyncStageKeepsWhatItCouldNotHandOn() async throws {
        try await withTimeout {
            /// Doubles every number from `input` onto `output` until cancelled; returns the result it held
            /// and could not hand on because `output` was full, if any.
            func doublingStage(input: Socket, output: Socket) async throws -> Message? {
                do {
                    for try await message in input.messages {
                        let result = Message("\(2 * Int(message[0].string)!)")
                        do {
                            try await output.send(result)          // delivers even when cancelled, if there is room
                        } catch is CancellationError {
                            return result                          // downstream full: keep it
                        }
                    }
                } catch is CancellationError {}                    // cancelled between messages: nothing in hand
                return nil
            }

            let context = Context()
            let numbers = try context.socket(.push)
            try numbers.bind("inproc://numbers")
            let results = try context.socket(.pull)
            results.receiveHighWaterMark = 1
            try results.bind("inproc://doubled")
            let input = try context.socket(.pull)
            try input.connect("inproc://numbers")
            let output = try context.socket(.push)
            output.sendHighWaterMark = 1
            try output.connect("inproc://doubled")

            for n in 1...3 { try await numbers.send(Message("\(n)")) }
            let stage = Task { try await doublingStage(input: input, output: output) }
            // Wait until the stage has taken all three numbers and 2 and 4 fill the pipe to `results`.
            while numbers.statistics.queuedOut > 0 || results.statistics.queuedIn < 2 { await Task.yield() }
            stage.cancel()
            let held = try await stage.value                       // 6: received, not handed on
            print(try await results.receive()[0].string, try await results.receive()[0].string)
            if let held { try await output.send(held) }            // room again: hand it on
            print(try await results.receive()[0].string)
        }
        #expect(printed == ["2 4", "6"])
    }
}
