import RingMQ
import RingMQTesting
import Synchronization
import Testing

/// The `worker-churn` shape at scale: a ventilator streams tasks to workers that keep leaving
/// (closing or disconnecting with tasks still queued to them) and coming back, each on a
/// thread of its own. Every task the ventilator accepted reaches the sink exactly once.
///
/// Seeded: each worker draws how many tasks it does before it leaves, and how it leaves, from
/// its own generator; the seed is printed on failure and can be set with `RINGMQ_SEED`.
/// Run under ThreadSanitizer by CI.
@Suite(.runsAlone) struct RedeliveryConcurrencyTests {
    @Test(arguments: [1, 5])
    func everyAcceptedTaskIsDoneExactlyOnceWhileWorkersComeAndGo(mark: Int) throws {
        let seed = TestSeed.value(default: 0x5EED_C4A2)
        let taskCount = Scale.count(normal: 20_000, stress: 200_000, sanitized: 4_000)
        let workerCount = 4
        let context = TestContext()
        let ventilator = try context.socket(.push)
        ventilator.sendHighWaterMark = mark
        try ventilator.bind("inproc://churn-at-scale-tasks")
        let sink = try context.socket(.pull)
        try sink.bind("inproc://churn-at-scale-results")
        let finished = Gate()
        let stints = Counter()

        let workers = (0..<workerCount).map { index in
            Peer { () throws -> Int in
                var random = SplitMix64(seed: seed &+ UInt64(index))
                let results = try context.socket(.push)
                try results.connect("inproc://churn-at-scale-results")
                var done = 0
                while !finished.isOpened {
                    // One stint: join, do a few tasks, leave with more queued (up to 2 × mark).
                    let tasks = try context.socket(.pull)
                    tasks.receiveHighWaterMark = mark
                    tasks.receiveTimeout = .milliseconds(5)  // to notice `finished`
                    try tasks.connect("inproc://churn-at-scale-tasks")
                    let quota = Int.random(in: 1...(4 * mark), using: &random)
                    var taken = 0
                    while taken < quota, !finished.isOpened {
                        do {
                            try results.send(try tasks.receive())
                            taken += 1
                        } catch RingMQError.timedOut {
                            continue
                        }
                    }
                    done += taken
                    if Bool.random(using: &random) {
                        tasks.close()
                    } else {
                        try tasks.disconnect("inproc://churn-at-scale-tasks")
                        tasks.close()
                    }
                    stints.increment()
                }
                return done
            }
        }

        let producer = Peer { () throws -> Int in
            for task in 0..<taskCount { try ventilator.send(numbered(task)) }
            // Tasks taken back from workers that left go out at the ventilator's next call:
            // keep calling until the sink has everything.
            while !finished.isOpened {
                _ = ventilator.statistics
                yieldThread()
            }
            return ventilator.statistics.messagesRedelivered
        }

        defer { finished.open() }  // also when a receive below throws: the peers stop
        var seen = [Int](repeating: 0, count: taskCount)
        var duplicates: [Int] = []
        var outOfRange: [Int] = []
        for _ in 0..<taskCount {
            // A lost task shows as a receive that times out: report what is missing instead.
            guard let result = try? sink.receive() else { break }
            let task = number(result)
            guard seen.indices.contains(task) else {
                outOfRange.append(task)
                continue
            }
            seen[task] += 1
            if seen[task] == 2 { duplicates.append(task) }
        }
        finished.open()
        let redelivered = try producer.join().get()
        let doneByWorkers = try workers.map { try $0.join().get() }.reduce(0, +)

        let about = "seed \(seed) (RINGMQ_SEED), mark \(mark)"
        #expect(duplicates.isEmpty, "done twice: \(duplicates.prefix(10)); \(about)")
        #expect(outOfRange.isEmpty, "unknown tasks \(outOfRange.prefix(10)); \(about)")
        #expect(seen.allSatisfy { $0 == 1 }, "missing: \(seen.indices.filter { seen[$0] == 0 }.prefix(10)); \(about)")
        #expect(doneByWorkers == taskCount, "the workers did \(doneByWorkers); \(about)")
        #expect(try sink.tryReceive() == nil, "more results than tasks; \(about)")
        #expect(redelivered > 0, "no worker left a task queued, so nothing was tested; \(about)")
        #expect(stints.current > workerCount, "the workers never left; \(about)")
    }
}
