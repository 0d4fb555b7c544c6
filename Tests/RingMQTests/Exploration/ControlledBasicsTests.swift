import RingMQ
import RingMQTesting
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The ground rules of a controlled run (issue 16): one participant runs at a time, every
/// socket call is a scheduling point, and a seed gives the same run step for step. Bounded:
/// each exploration makes a few runs of a few participants, and a stuck run fails after the
/// stall limit instead of hanging.
@Suite(.runsAlone) struct ControlledBasicsTests {
    /// Three thread participants each enter a region, yield the processor inside it, and
    /// leave, between socket calls. Run as free threads, two of them would overlap in the
    /// region; controlled, the count inside never passes one.
    @Test func oneParticipantRunsAtATime() async throws {
        let inside = Atomic<Int>(0)
        let mostInside = Atomic<Int>(0)
        let visits = Atomic<Int>(0)
        let result = await Exploration.run(
            .random(seed: 3), options: ExplorationOptions(runs: 5, stallLimit: .seconds(20))
        ) {
            world in
            let pull = try world.context.socket(.pull)
            try pull.bind("inproc://overlap")
            for index in 0..<3 {
                world.thread("worker-\(index)") {
                    let push = try world.context.socket(.push)
                    try push.connect("inproc://overlap")
                    for round in 0..<4 {
                        let now = inside.add(1, ordering: .sequentiallyConsistent).newValue
                        _ = mostInside.max(now, ordering: .sequentiallyConsistent)
                        for _ in 0..<5 { sched_yield() }
                        inside.subtract(1, ordering: .sequentiallyConsistent)
                        visits.add(1, ordering: .relaxed)
                        try push.send(Message("\(index).\(round)"))
                    }
                }
            }
            for _ in 0..<12 { _ = try await pull.receive() }
        }
        #expect(result.failure == nil, "\(result.failure?.description ?? "")")
        #expect(result.runs == 5)
        #expect(visits.load(ordering: .relaxed) == 5 * 3 * 4)
        #expect(mostInside.load(ordering: .sequentiallyConsistent) == 1)
        #expect(result.choices > 0)
    }

    /// Each kind of socket call, blocking and async, appears in the trace as the caller's
    /// scheduling point; a poll appears once, not once per socket polled.
    @Test func everySocketCallIsASchedulingPoint() async throws {
        let result = await Exploration.run(.random(seed: 1), options: ExplorationOptions(runs: 1)) { world in
            let pull = try world.context.socket(.pull)
            try pull.bind("inproc://calls")
            pull.receiveTimeout = .seconds(1)
            _ = pull.receiveTimeout
            let sub = try world.context.socket(.sub)
            try sub.subscribe("news")
            let worker = world.thread("worker") {
                let push = try world.context.socket(.push)
                try push.connect("inproc://calls")
                try push.send(Message("one"))
                _ = try push.trySend(Message("two"))
                try push.disconnect("inproc://calls")
                _ = push.statistics
                push.close()
            }
            _ = try await pull.receive()
            _ = try await pull.poll(.readable, timeout: .seconds(1))
            _ = try pull.tryReceive()
            try await worker.join()
            try pull.unbind("inproc://calls")
            world.yield()
        }
        #expect(result.failure == nil, "\(result.failure?.description ?? "")")
        let trace = result.lastTrace
        let expected = [
            "main: bind(_:) on a PULL", "main: an option property's setter on a PULL",
            "main: an option property's getter on a PULL", "main: subscribe(_:) on a SUB",
            "worker: connect(_:) on a PUSH", "worker: send(_:) on a PUSH", "worker: trySend(_:) on a PUSH",
            "worker: disconnect(_:) on a PUSH", "worker: statistics on a PUSH", "worker: close() on a PUSH",
            "main: receive() on a PULL", "main: tryReceive() on a PULL", "main: unbind(_:) on a PULL",
            "main: yield()",
        ]
        for line in expected {
            #expect(
                trace.contains { $0.hasPrefix(line) }, "no point \"\(line)…\" in:\n\(trace.joined(separator: "\n"))")
        }
        #expect(trace.count { $0.hasPrefix("main: Socket.poll") || $0.hasPrefix("main: Poller") } == 1)
    }

    /// The same seed gives the same trace, line for line, in two explorations of a pipeline of
    /// three participants; other seeds give other interleavings.
    @Test func sameSeedGivesTheSameTrace() async throws {
        let options = ExplorationOptions(runs: 3)
        let first = await Exploration.run(.random(seed: 42), options: options, Self.pipeline)
        let second = await Exploration.run(.random(seed: 42), options: options, Self.pipeline)
        #expect(first.failure == nil, "\(first.failure?.description ?? "")")
        #expect(first.choices > 10)
        #expect(first.lastTrace == second.lastTrace)
        #expect(first.decisions == second.decisions)
        var others: Set<[String]> = []
        for seed in 100..<105 as Range<UInt64> {
            others.insert(await Exploration.run(.random(seed: seed), options: options, Self.pipeline).lastTrace)
        }
        #expect(others.count > 1, "five seeds, one interleaving: the seed is not used")
    }

    /// A correlated REQ's request id, which RingMQ draws at random, comes from the run's seed in
    /// a controlled run: the same seed gives the same id, and the runs of one exploration differ.
    @Test func aRequestIDIsDrawnFromTheSeed() async throws {
        let ids = Locked<[[UInt8]]>([])
        let exploration = { @Sendable () async in
            await Exploration.run(.random(seed: 6), options: ExplorationOptions(runs: 3)) { world in
                let router = try world.context.socket(.router)
                try router.bind("inproc://ids")
                world.thread("client") {
                    let req = try world.context.socket(.req)
                    req.requestCorrelate = true
                    try req.connect("inproc://ids")
                    try req.send(Message("ask"))
                }
                let request = try await router.receive()
                ids.withLock { $0.append(request[1].bytes) }
            }
        }
        let first = await exploration()
        let second = await exploration()
        #expect(first.failure == nil && second.failure == nil)
        let drawn = ids.withLock { $0 }
        #expect(drawn.count == 6)
        #expect(Array(drawn.prefix(3)) == Array(drawn.suffix(3)))
        #expect(Set(drawn.prefix(3)).count == 3)
    }

    /// A producer thread, a relay task and the main task collecting: three participants over two
    /// PUSH/PULL hops with a high-water mark of 1, so that sends block too.
    @Sendable static func pipeline(_ world: World) async throws {
        let results = try world.context.socket(.pull)
        try results.bind("inproc://results")
        world.thread("producer") {
            let push = try world.context.socket(.push)
            push.sendHighWaterMark = 1
            try push.connect("inproc://work")
            for index in 0..<6 { try push.send(Message("\(index)")) }
        }
        world.task("relay") {
            let pull = try world.context.socket(.pull)
            pull.receiveHighWaterMark = 1
            try pull.bind("inproc://work")
            let push = try world.context.socket(.push)
            try push.connect("inproc://results")
            for _ in 0..<6 { try await push.send(try await pull.receive()) }
        }
        for index in 0..<6 {
            let message = try await results.receive()
            #expect(message[0].string == "\(index)")
        }
    }
}
