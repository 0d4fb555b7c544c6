import RingMQ

/// Workers that leave and come back: 20 tasks over workers A and B; A leaves after task 7,
/// B does the tasks meanwhile, then A reconnects and the two share the work again. No task
/// is lost and none is done twice.
///
/// What happens to tasks queued to a worker that leaves: in this release RingMQ, like libzmq,
/// drops the messages still queued to a PULL when it closes (a later release will hand them
/// back to the PUSH). So the ventilator keeps exactly one task in flight — it sends task k+1
/// only after the result of task k came back — and a leaving worker closes its PULL *before*
/// it reports its last result. RingMQ applies a close before `close()` returns, and the PUSH
/// takes it into account before its next send; the result message orders the two. So when
/// the ventilator sends the next task, the PUSH already routes only to the remaining worker,
/// with no sleep and no race. A worker that comes back is a new PULL: once its `connect` has
/// returned (which it tells the ventilator), the rotation includes it again.
let workerChurnScenario = Scenario(
    name: "worker-churn",
    summary: "20 tasks over two workers; A leaves after task 7 and comes back; nothing lost or done twice"
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

    let leaveAfter = 7     // A leaves once it has done this task
    let rejoinAfter = 13   // the ventilator calls A back once this task is done
    let taskCount = 20

    /// One worker: takes tasks, reports `[name, task, note]`. Worker A leaves after task
    /// `leaveAfter` and, when called back, comes back with a new PULL.
    func startWorker(_ name: String, leaves: Bool) throws -> PeerThread {
        let firstTasks = try context.patientSocket(.pull)
        try firstTasks.connect("inproc://churn-tasks")
        let report = try context.patientSocket(.push)
        try report.connect("inproc://churn-results")
        let callBack: Socket? = try leaves ? context.patientSocket(.pair) : nil
        try callBack?.connect("inproc://churn-control")
        return PeerThread {
            var tasks = firstTasks
            do {
                while true {
                    let task = try tasks.receive()
                    if task[0].string == "stop" { return }
                    guard let callBack, Int(task[0].string) == leaveAfter else {
                        try report.send([Frame(name), task[0], "done"])
                        continue
                    }
                    // Leave: close first, so nothing can be queued to this worker any more…
                    tasks.close()
                    // …then report the last task; the ventilator sends the next one only after this.
                    try report.send([Frame(name), task[0], "left"])
                    _ = try callBack.receive()   // "come back"
                    tasks = try context.patientSocket(.pull)
                    try tasks.connect("inproc://churn-tasks")
                    try callBack.send("back")    // connected: the next task may come here
                }
            } catch {
                print("   worker \(name) stopped: \(error)")
            }
        }
    }

    // A connects first, so it takes task 1 and, one task in flight, every odd task until it leaves.
    let workers = [try startWorker("A", leaves: true), try startWorker("B", leaves: false)]

    print("   (RingMQ, like libzmq, drops tasks still queued to a PULL that closes; a later release")
    print("    will hand them back. So one task is in flight at a time, and a leaving worker closes")
    print("    its PULL before it reports its last task: nothing is ever queued to a worker that left.)")
    var doneBy: [Int: [String]] = [:]
    var line: [String] = []
    for number in 1...taskCount {
        try ventilator.send(Message("\(number)"))
        let result = try results.receive()
        let (worker, task, note) = (result[0].string, Int(result[1].string)!, result[2].string)
        doneBy[task, default: []].append(worker)
        line.append("\(task)\(worker)")
        try check(task == number, "expected the result of task \(number), got task \(task)")
        if note == "left" {
            print("   tasks: \(line.joined(separator: " "))")
            print("   worker \(worker) left after task \(task)")
            line = []
        }
        if number == rejoinAfter {
            try control.send("come back")
            _ = try control.receive()   // "back": A's new PULL is connected
            print("   tasks: \(line.joined(separator: " "))")
            print("   worker A came back after task \(number)")
            line = []
        }
    }
    print("   tasks: \(line.joined(separator: " "))")
    for _ in workers { try ventilator.send("stop") }   // round-robin: one stop each
    for worker in workers { worker.join() }

    for number in 1...taskCount {
        try check(doneBy[number]?.count == 1,
                  "task \(number) was done \(doneBy[number]?.count ?? 0) times, expected exactly once")
    }
    try check(doneBy[leaveAfter] == ["A"], "task \(leaveAfter) should be A's last before leaving")
    let whileAway = (leaveAfter + 1)...rejoinAfter
    try check(whileAway.allSatisfy { doneBy[$0] == ["B"] },
              "tasks \(whileAway) should all be B's while A is away")
    let afterReturn = (rejoinAfter + 1)...taskCount
    for name in ["A", "B"] {
        try check(afterReturn.contains { doneBy[$0] == [name] },
                  "worker \(name) did none of tasks \(afterReturn) after A came back")
    }
}
