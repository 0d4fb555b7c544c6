import RingMQ

/// The classic task ventilator: one PUSH hands 10 tasks to three PULL workers, each on its
/// own thread, and collects their results on a PULL.
///
/// Shows that a PUSH load-balances: every task is done by exactly one worker, and the workers
/// take turns (1, 2, 3, 1, 2, 3, …). The workers connect before the first task is sent — in
/// RingMQ a connection is in place when `connect` returns — so the order is known in advance;
/// with libzmq the first worker to connect often gets every task (the "slow joiner").
let taskDistributorScenario = Scenario(
    name: "task-distributor",
    summary: "one PUSH ventilator, three PULL workers: each task to exactly one worker, round-robin"
) {
    let context = Context()
    defer { context.terminate() }

    let ventilator = try context.patientSocket(.push)
    try ventilator.bind("inproc://distributor-tasks")
    let results = try context.patientSocket(.pull)
    try results.bind("inproc://distributor-results")

    let workerCount = 3
    let workers = try (1...workerCount).map { id in
        // Connected here, before any task is sent and in this order: worker 1 is first in turn.
        let tasks = try context.patientSocket(.pull)
        try tasks.connect("inproc://distributor-tasks")
        let report = try context.patientSocket(.push)
        try report.connect("inproc://distributor-results")
        return PeerThread {
            do {
                while true {
                    let task = try tasks.receive()
                    if task[0].string == "stop" { return }
                    try report.send(["\(id)", task[0]])
                }
            } catch {
                print("   worker \(id) stopped: \(error)")
            }
        }
    }

    let taskCount = 10
    for number in 1...taskCount {
        try ventilator.send(Message("\(number)"))
    }
    var doneBy: [Int: [Int]] = [:]  // task number -> the workers that reported it
    for _ in 1...taskCount {
        let result = try results.receive()
        doneBy[Int(result[1].string)!, default: []].append(Int(result[0].string)!)
    }
    for _ in workers { try ventilator.send("stop") }  // round-robin: one stop each
    for worker in workers { worker.join() }

    for id in 1...workerCount {
        let tasks = (1...taskCount).filter { doneBy[$0]?.contains(id) == true }
        print("   worker \(id) did tasks \(tasks.map(String.init).joined(separator: ", "))")
    }
    let order = (1...taskCount).map { doneBy[$0]?.first.map(String.init) ?? "?" }
    print("   task 1…\(taskCount) went to workers \(order.joined(separator: ","))")

    for number in 1...taskCount {
        try check(
            doneBy[number]?.count == 1,
            "task \(number) was done \(doneBy[number]?.count ?? 0) times, expected exactly once")
        let expected = (number - 1) % workerCount + 1
        try check(
            doneBy[number] == [expected],
            "task \(number) went to worker \(order[number - 1]), expected worker \(expected) (round-robin)")
    }
}
