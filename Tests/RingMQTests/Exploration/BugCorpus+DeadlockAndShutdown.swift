import RingMQ
import RingMQTesting

extension BugCorpus {
    /// 4. A cycle of PUSH/PULL with high-water marks of 1: "left" and "right" each send a burst
    /// of three messages to the other before receiving any. A pipe holds the sender's HWM plus
    /// the receiver's (two messages), so both third sends wait for room that only the other's
    /// receive could make: a deadlock, in every schedule.
    /// Fixed: each side receives one message after each one it sends.
    static func pushPullCycle(fixed: Bool) -> Program {
        { world in
            var peers: [Participant] = []
            for (name, other) in [("left", "right"), ("right", "left")] {
                peers.append(
                    world.thread(name) {
                        let inbox = try world.context.socket(.pull)
                        inbox.receiveHighWaterMark = 1
                        try inbox.bind("inproc://\(name)")
                        let outbox = try world.context.socket(.push)
                        outbox.sendHighWaterMark = 1
                        try outbox.connect("inproc://\(other)")
                        for index in 0..<3 {
                            try outbox.send(Message("\(name) \(index)"))
                            if fixed { _ = try inbox.receive() }
                        }
                        if !fixed {
                            for _ in 0..<3 { _ = try inbox.receive() }
                        }
                    })
            }
            for peer in peers { try await peer.join() }
        }
    }

    /// 5. A shutdown that drops the last result: each worker sends its result on the data
    /// socket, then "done" on the control socket. Main polls both, serves control first (a
    /// shutdown must not wait behind a backlog of results), and stops at the second "done".
    /// The two sockets have no order between them, so a "done" can be seen while results are
    /// still queued, and those are lost when main shuts down.
    /// Fixed: "done" goes on the data pipe, behind the worker's result, which it cannot overtake.
    static func shutdownDropsLastResult(fixed: Bool) -> Program {
        { world in
            let results = try world.context.socket(.pull)
            try results.bind("inproc://results")
            let control = try world.context.socket(.pull)
            try control.bind("inproc://control")
            for name in ["worker-1", "worker-2"] {
                world.thread(name) {
                    let data = try world.context.socket(.push)
                    try data.connect("inproc://results")
                    let done = try world.context.socket(.push)
                    try done.connect("inproc://control")
                    try data.send(Message("\(name)'s result"))
                    try (fixed ? data : done).send("done")
                }
            }
            var poller = Poller()
            poller.register(control, for: .readable)
            poller.register(results, for: .readable)
            var received: [String] = []
            var finished = 0
            while finished < 2 {
                let ready = try await poller.poll(timeout: nil)
                let socket = ready.isReadable(control) ? control : results
                let text = try await socket.receive()[0].string
                if text == "done" { finished += 1 } else { received.append(text) }
            }
            world.context.terminate()
            guard received.count == 2 else {
                throw CorpusBug(
                    "shut down after both workers said done with \(received.count) of 2 results: "
                        + "the last was still queued")
            }
        }
    }
}
