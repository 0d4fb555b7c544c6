import RingMQ

/// A pool of PULL workers that grows and shrinks while tasks flow: `scale(to:)` takes it
/// from 2 workers to 5 and back to 2, and the per-worker counts show each phase's tasks
/// spread round-robin over the workers there were.
///
/// Adding a worker is one `connect`: the PUSH includes it from its next send. Removing one
/// safely needs care, because in this release RingMQ (like libzmq) drops the tasks still
/// queued to a PULL when it closes. The pool removes a worker by draining it: `scale(to:)` is
/// called from the thread that feeds the tasks, so nothing is sent while it runs; it tells
/// the worker to retire on the worker's own PAIR line; the worker finishes every task already
/// queued to it (all were sent before "retire", so they are all there), closes its PULL, and
/// answers "retired". Only then does the feeder send again, and the PUSH, which applies the
/// close before its next send, no longer routes to that worker.
let workerPoolScenario = Scenario(
    name: "worker-pool",
    summary: "a pool that scales from 2 to 5 workers and back to 2 while tasks flow, per-worker counts"
) {
    let context = Context()
    defer { context.terminate() }

    let feeder = try context.patientSocket(.push)
    try feeder.bind("inproc://pool-tasks")
    let results = try context.patientSocket(.pull)
    try results.bind("inproc://pool-results")
    let pool = WorkerPool(context: context, tasks: "inproc://pool-tasks", results: "inproc://pool-results")

    var nextTask = 1
    var lastTaskBefore: [String: Int] = [:]  // retired worker -> the last task sent before it retired
    /// Sends `count` tasks to whatever workers the pool has now.
    func feed(_ count: Int) throws {
        for _ in 0..<count {
            try feeder.send(Message("\(nextTask)"))
            nextTask += 1
        }
    }

    var phases: [(workers: Int, change: String, range: ClosedRange<Int>)] = []
    /// Scales the pool to `workers`, then feeds it `tasks` tasks.
    func phase(workers: Int, tasks: Int) throws {
        let before = pool.names
        try pool.scale(to: workers)
        let started = pool.names.filter { !before.contains($0) }
        let retired = before.filter { !pool.names.contains($0) }.reversed()  // newest first
        for name in retired { lastTaskBefore[name] = nextTask - 1 }
        var change = ""
        if !started.isEmpty { change = "started \(started.joined(separator: ", "))" }
        if !retired.isEmpty {
            let drained = retired.map { pool.drainedOnRetire[$0]! }.reduce(0, +)
            change =
                "retired \(retired.joined(separator: ", ")) "
                + "(first doing the \(drained) tasks still queued to them)"
        }
        let first = nextTask
        try feed(tasks)
        phases.append((workers, change, first...(nextTask - 1)))
    }
    try phase(workers: 2, tasks: 20)
    try phase(workers: 5, tasks: 30)  // w1 and w2 may still be busy with the first 20
    try phase(workers: 2, tasks: 20)  // w3-w5 finish what is queued to them, then leave
    try pool.scale(to: 0)  // drain everyone

    var doneBy: [Int: [String]] = [:]
    for _ in 1..<nextTask {
        let result = try results.receive()
        doneBy[Int(result[1].string)!, default: []].append(result[0].string)
    }
    try check(try results.tryReceive() == nil, "more results than tasks")

    let names = pool.everyName
    for (workers, change, range) in phases {
        let counts = names.map { name in range.filter { doneBy[$0]?.first == name }.count }
        let shown = zip(names, counts).filter { $0.1 > 0 }.map { "\($0.0) \($0.1)" }
        print("   scale(to: \(workers)): \(change)")
        print("     tasks \(range.lowerBound)-\(range.upperBound) done by \(shown.joined(separator: ", "))")
    }

    for task in 1..<nextTask {
        try check(doneBy[task]?.count == 1, "task \(task) was done \(doneBy[task]?.count ?? 0) times, expected once")
    }
    for name in lastTaskBefore.keys.sorted() {
        let last = lastTaskBefore[name]!
        let late = doneBy.filter { $0.value.contains(name) && $0.key > last }.keys.sorted()
        try check(late.isEmpty, "\(name) retired after task \(last) but did tasks \(late)")
    }
    for (workers, _, range) in phases {
        let busy = Set(range.compactMap { doneBy[$0]?.first })
        try check(busy.count == workers, "tasks \(range) were done by \(busy.sorted()), not by \(workers) workers")
    }
}

/// Workers on threads of their own that take tasks from a PUSH and report to a PULL; grows
/// and shrinks with ``scale(to:)``. Used by one thread: the one that sends the tasks.
final class WorkerPool {
    private struct Worker {
        let name: String
        let line: Socket  // the pool's end of the worker's PAIR
        let thread: PeerThread
    }

    private let context: Context
    private let tasks: String
    private let results: String
    private var workers: [Worker] = []
    private var started = 0
    /// Every worker that ever ran, in the order they started.
    private(set) var everyName: [String] = []
    /// Retired worker -> how many tasks were still queued to it when it was told to retire.
    private(set) var drainedOnRetire: [String: Int] = [:]

    init(context: Context, tasks: String, results: String) {
        self.context = context
        self.tasks = tasks
        self.results = results
    }

    /// The workers running now.
    var names: [String] { workers.map(\.name) }

    /// Starts or retires workers until `count` run. Retires the newest first, each after it has
    /// done every task already queued to it; call it from the thread that sends the tasks.
    func scale(to count: Int) throws {
        while workers.count < count { try addWorker() }
        while workers.count > count { try retire(workers.removeLast()) }
    }

    private func addWorker() throws {
        started += 1
        let name = "w\(started)"
        let line = try context.patientSocket(.pair)
        try line.bind("inproc://pool-line-\(name)")
        let farEnd = try context.patientSocket(.pair)
        try farEnd.connect("inproc://pool-line-\(name)")
        let inbox = try context.patientSocket(.pull)
        try inbox.connect(tasks)  // in the rotation from the feeder's next send
        let report = try context.patientSocket(.push)
        try report.connect(results)
        let thread = PeerThread {
            do {
                try WorkerPool.work(name: name, inbox: inbox, line: farEnd, report: report)
            } catch {
                print("   \(name) stopped: \(error)")
            }
        }
        workers.append(Worker(name: name, line: line, thread: thread))
        everyName.append(name)
    }

    /// Drains the worker, then waits for it to leave.
    private func retire(_ worker: Worker) throws {
        try worker.line.send("retire")
        let answer = try worker.line.receive()
        guard answer[0].string == "retired" else {
            throw ScenarioFailure(description: "\(worker.name) answered \(answer) to retire")
        }
        worker.thread.join()
        worker.line.close()
        drainedOnRetire[worker.name] = Int(answer[1].string)
    }

    /// A worker's loop: a task when one is queued, the pool's "retire" when it comes.
    private static func work(name: String, inbox: Socket, line: Socket, report: Socket) throws {
        func perform(_ task: Message) throws {
            simulateWork(.microseconds(200))
            try report.send([Frame(name), task[0]])
        }
        var poller = Poller()
        poller.register(inbox, for: .readable)
        poller.register(line, for: .readable)
        while true {
            let ready = try poller.poll(timeout: patience)
            guard !ready.isEmpty else { throw RingMQError.timedOut }
            if let task = try inbox.tryReceive() { try perform(task) }
            if try line.tryReceive() != nil {
                // "retire": the feeder sent nothing since, so every task meant for this
                // worker is already queued here. Finish them, then leave the rotation.
                var drained = 0
                while let task = try inbox.tryReceive() {
                    try perform(task)
                    drained += 1
                }
                inbox.close()
                report.close()  // what it reported stays queued for the pool's PULL
                try line.send(["retired", "\(drained)"])
                return
            }
        }
    }
}
