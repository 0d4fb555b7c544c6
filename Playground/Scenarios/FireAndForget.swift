import RingMQ
import Synchronization

/// Fire and forget: a client pushes 40 tasks without ever waiting, and leaves; a slow server
/// (3 ms of simulated work per task, and busy until the client has pushed) is still working
/// through them after the client has gone.
///
/// Shows high-water-mark backpressure. The queue between them holds the client's
/// `sendHighWaterMark` plus the server's `receiveHighWaterMark` messages (5 + 5 here); once it
/// is full, `trySend` returns `false` at once instead of waiting, and the client counts the
/// task as refused (a real client might drop it, retry it later, or report overload).
/// `statistics.queuedOut` shows what the client left queued. Messages already queued when
/// the client closes stay receivable: the server does every task that was accepted.
let fireAndForgetScenario = Scenario(
    name: "fire-and-forget",
    summary: "a client pushes without waiting and leaves; a slow server catches up; HWM backpressure"
) {
    let context = Context()
    defer { context.terminate() }

    let server = try context.patientSocket(.pull)
    server.receiveHighWaterMark = 5  // before bind: marks apply to connections made later
    try server.bind("inproc://fire-and-forget")
    let client = try context.patientSocket(.push)
    client.sendHighWaterMark = 5
    try client.connect("inproc://fire-and-forget")
    let reports = try context.patientSocket(.pull)
    try reports.bind("inproc://fire-and-forget-report")
    let report = try context.patientSocket(.push)
    try report.connect("inproc://fire-and-forget-report")

    // The client tells the server when it has pushed (and how many were accepted) and when
    // it has left, so the story below happens in this order on every run, without timing.
    let notices = try context.patientSocket(.pull)
    try notices.bind("inproc://fire-and-forget-notices")
    let notify = try context.patientSocket(.push)
    try notify.connect("inproc://fire-and-forget-notices")

    let progress = Progress()
    let serverThread = PeerThread {
        var done: [String] = []
        do {
            // The server is busy elsewhere until the client has pushed everything.
            let accepted = Int(try notices.receive()[0].string) ?? 0
            for index in 1...max(accepted, 1) where accepted > 0 {
                // Hold the last task until the client has gone: the client finishes first.
                if index == accepted { _ = try notices.receive() }
                let task = try server.receive()
                simulateWork(.milliseconds(3))  // the server is slow: simulated work, not a wait
                done.append(task[0].string)
                progress.tasksDone.add(1, ordering: .releasing)
            }
            let bye = try server.receive()
            try report.send(Message([Frame(done.joined(separator: ",")), bye[0]]))
        } catch {
            print("   server stopped: \(error)")
        }
    }

    let attempts = 40
    var accepted: [String] = []
    var refused = 0
    for number in 1...attempts {
        if try client.trySend(Message("\(number)")) {
            accepted.append("\(number)")
        } else {
            refused += 1  // the queue is full: the client does not wait, it moves on
        }
    }
    let queued = client.statistics.queuedOut
    try notify.send(Message("\(accepted.count)"))
    try client.send("bye")  // the one message that must arrive: a blocking send waits for room
    client.close()  // the client is finished; what it queued stays for the server
    let doneWhenClientLeft = progress.tasksDone.load(ordering: .acquiring)
    try notify.send("client closed")
    print(
        "   client: \(attempts) tasks pushed without waiting: \(accepted.count) accepted, "
            + "\(refused) refused by trySend (queue full at 5 + 5)")
    print(
        "   client finished and closed: statistics.queuedOut was \(queued); "
            + "the server had done \(doneWhenClientLeft) of \(accepted.count)")

    let reported = try reports.receive()
    let processed = reported[0].string.split(separator: ",").map(String.init)
    serverThread.join()
    print(
        "   server: did all \(processed.count) accepted tasks, \(processed.count - doneWhenClientLeft) of them "
            + "after the client had left")

    try check(accepted.count + refused == attempts, "\(accepted.count) accepted + \(refused) refused != \(attempts)")
    try check(refused > 0, "the server was never too slow: no trySend was refused")
    try check(queued > 0, "the client left nothing queued (statistics.queuedOut == 0)")
    try check(doneWhenClientLeft < accepted.count, "the server had finished before the client did")
    try check(processed == accepted, "the server did \(processed), the client's accepted tasks were \(accepted)")
    try check(reported[1].string == "bye", "the client's last message did not arrive last")
}

/// What the server has done so far, readable from the client's thread.
private final class Progress: Sendable {
    let tasksDone = Atomic<Int>(0)
}
