import RingMQ

/// The smallest pipeline: a ventilator PUSHes tasks to two PULL workers on their own
/// threads; each task is done by exactly one worker, handed out round-robin.
let pushPullScenario = Scenario(
    name: "push-pull",
    summary: "one PUSH, two PULL workers on threads: each task to exactly one worker, round-robin"
) {
    let context = Context()
    defer { context.terminate() }

    let ventilator = try context.socket(.push)
    try ventilator.bind("inproc://tasks")
    let results = try context.socket(.pull)
    try results.bind("inproc://results")

    let workers = (0..<2).map { id in
        // Connect before the thread starts, so the round-robin order is known in advance.
        let tasks = try! context.socket(.pull)
        try! tasks.connect("inproc://tasks")
        let report = try! context.socket(.push)
        try! report.connect("inproc://results")
        return PeerThread {
            do {
                while true {
                    let task = try tasks.receive()
                    if task[0].string == "stop" { return }
                    try report.send(["worker \(id)", task[0]])
                }
            } catch {
                print("   worker \(id) stopped: \(error)")
            }
        }
    }

    let taskCount = 6
    for number in 1...taskCount {
        try ventilator.send(Message("task \(number)"))
    }
    var doneBy: [String: String] = [:]
    for _ in 1...taskCount {
        let result = try results.receive()
        print("   \(result[1].string) done by \(result[0].string)")
        doneBy[result[1].string] = result[0].string
    }
    for _ in workers { try ventilator.send("stop") }
    for worker in workers { worker.join() }

    try check(doneBy.count == taskCount, "expected \(taskCount) distinct tasks done, got \(doneBy.count)")
    for number in 1...taskCount {
        let expected = "worker \((number - 1) % 2)"
        try check(
            doneBy["task \(number)"] == expected,
            "task \(number) went to \(doneBy["task \(number)"] ?? "nobody"), expected \(expected) (round-robin)")
    }
}
