import RingMQ

/// Workers that leave and come back: 20 tasks over workers A and B. A leaves after task 7
/// with task 9 still queued to it; the ventilator takes task 9 back and B does it, before the
/// tasks sent after A left; then A reconnects and the two share the work again. No task is
/// lost and none is done twice.
///
/// How it stays deterministic without sleeps: the first ten tasks are queued before the
/// workers start, so A holds 1, 3, 5, 7 and 9 and B the even ones. A closes its PULL after
/// task 7 and only then reports it; RingMQ applies a close before `close()` returns, and the
/// ventilator, at its next send, takes back what A left unread and sends it first. A worker
/// that comes back is a new PULL: once its `connect` has returned (which it tells the
/// ventilator), the rotation includes it again.
let workerChurnScenario = Scenario(
    name: "worker-churn",
    summary:
        "20 tasks over two workers; A leaves after task 7 with task 9 queued, which B does; nothing lost or done twice"
) {
    let context = Context()
    defer { context.terminate() }

    let ventilator = try context.patientSocket(.push)
    try ventilator.bind("inproc://churn-tasks")
    let results = try context.patientSocket(.pull)
    try results.bind("inproc://churn-results")
    // The ventilator's line to worker A: "come back", answered by "back" once A is connected.
    let control = try context.patientSocket(.pair)
    try control.bind("inproc://churn-control")

    let leaveAfter = 7  // A leaves once it has done this task
    let taskCount = 20

    /// One worker: takes tasks, reports `[name, task, note]`. Worker A leaves after task
    /// `leaveAfter` and, when called back, comes back with a new PULL.
    func worker(_ name: String, leaves: Bool) throws -> @Sendable () throws -> Void {
        let firstTasks = try context.patientSocket(.pull)
        try firstTasks.connect("inproc://churn-tasks")
        let report = try context.patientSocket(.push)
        try report.connect("inproc://churn-results")
        let callBack: Socket? = try leaves ? context.patientSocket(.pair) : nil
        try callBack?.connect("inproc://churn-control")
        return {
            var tasks = firstTasks
            while true {
                let task = try tasks.receive()
                if task[0].string == "stop" { return }
                guard let callBack, Int(task[0].string) == leaveAfter else {
                    try report.send([Frame(name), task[0], "done"])
                    continue
                }
                // Leave with tasks still queued: they go back to the ventilator.
                let unread = tasks.statistics.queuedIn
                tasks.close()
                try report.send([Frame(name), task[0], Frame("left with \(unread) queued")])
                _ = try callBack.receive()  // "come back"
                tasks = try context.patientSocket(.pull)
                try tasks.connect("inproc://churn-tasks")
                try callBack.send("back")  // connected: the next task may come here
            }
        }
    }

    // A connects first, so it takes task 1 and every odd task of the first ten.
    let bodies = [try worker("A", leaves: true), try worker("B", leaves: false)]
    for number in 1...10 { try ventilator.send(Message("\(number)")) }
    let workers = bodies.map { body in
        PeerThread {
            do { try body() } catch { print("   worker stopped: \(error)") }
        }
    }

    var doneBy: [Int: [String]] = [:]
    var order: [Int] = []
    /// Collects results until `count` tasks in all are done; returns A's leaving note if it came.
    func collect(until count: Int) throws -> String? {
        var leftNote: String?
        while order.count < count {
            let result = try results.receive()
            let (worker, task, note) = (result[0].string, Int(result[1].string)!, result[2].string)
            doneBy[task, default: []].append(worker)
            order.append(task)
            if note.hasPrefix("left") { leftNote = note }
        }
        return leftNote
    }
    func show(_ tasks: ArraySlice<Int>) -> String {
        tasks.map { "\($0)\(doneBy[$0]?.last ?? "?")" }.joined(separator: " ")
    }

    // A does 1, 3, 5, 7 and leaves; B does 2, 4, 6 meanwhile (at least), all ten get done.
    var leftNote: String?
    while leftNote == nil { leftNote = try collect(until: order.count + 1) }
    print("   worker A left after task \(leaveAfter), \(leftNote!)")
    for number in 11...16 { try ventilator.send(Message("\(number)")) }  // task 9 goes out first
    _ = try collect(until: 16)
    print("   tasks so far: \(show(order[...]))")
    print("   ventilator took back and resent \(ventilator.statistics.messagesRedelivered) task(s)")

    try control.send("come back")
    _ = try control.receive()  // "back": A's new PULL is connected
    print("   worker A came back after task 16")
    for number in 17...taskCount { try ventilator.send(Message("\(number)")) }
    _ = try collect(until: taskCount)
    print("   tasks after A came back: \(show(order[16...]))")
    for _ in workers { try ventilator.send("stop") }  // round-robin: one stop each
    for worker in workers { worker.join() }

    for number in 1...taskCount {
        try check(
            doneBy[number]?.count == 1,
            "task \(number) was done \(doneBy[number]?.count ?? 0) times, expected exactly once")
    }
    try check(leftNote == "left with 1 queued", "A should leave with task 9 queued, said \(leftNote!)")
    try check(doneBy[9] == ["B"], "task 9, queued to A when it left, should be B's")
    try check(ventilator.statistics.messagesRedelivered == 1, "exactly task 9 should have been resent")
    let firstB = order.firstIndex { (11...16).contains($0) }!
    try check(order.firstIndex(of: 9)! < firstB, "task 9 should be done before the tasks sent after A left")
    try check((11...16).allSatisfy { doneBy[$0] == ["B"] }, "tasks 11...16 should all be B's while A is away")
    for name in ["A", "B"] {
        try check(
            (17...taskCount).contains { doneBy[$0] == [name] },
            "worker \(name) did none of tasks 17...\(taskCount) after A came back")
    }
}
