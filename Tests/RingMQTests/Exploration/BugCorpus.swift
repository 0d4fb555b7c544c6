import RingMQ
import RingMQTesting
import Synchronization

/// What a corpus program saw go wrong, in words: each program checks its own outcome and
/// throws this, so the failure is the program's, not the test runner's.
struct CorpusBug: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}

/// Small programs over RingMQ, written as a user would, each with one real concurrency bug of
/// a different kind (issue 16, item 8). `fixed: true` gives the corrected program. A program
/// detects its own failure: it throws a ``CorpusBug``, or it deadlocks.
enum BugCorpus {
    typealias Program = @Sendable (World) async throws -> Void

    /// 1. An order assumption across two PULL peers: producer A sends two items and "end", B
    /// one item, and the collector takes A's "end" as "all done". A PULL queues its peers
    /// fairly, with no order between them, so B's item can arrive after A's end and is lost.
    /// Fixed: every producer sends an end, and the collector waits for all of them.
    static func orderAcrossPeers(fixed: Bool) -> Program {
        { world in
            let collector = try world.context.socket(.pull)
            try collector.bind("inproc://collect")
            world.thread("producer-b") {
                let push = try world.context.socket(.push)
                try push.connect("inproc://collect")
                try push.send("b1")
                if fixed { try push.send("end") }
            }
            world.thread("producer-a") {
                let push = try world.context.socket(.push)
                try push.connect("inproc://collect")
                for item in ["a1", "a2", "end"] { try push.send(Message(item)) }
            }
            var items: [String] = []
            var ends = 0
            while ends < (fixed ? 2 : 1) {
                let text = try await collector.receive()[0].string
                if text == "end" { ends += 1 } else { items.append(text) }
            }
            guard items.count == 3 else {
                throw CorpusBug(
                    "the collector stopped at producer A's end with \(items.count) of 3 items (\(items)): "
                        + "b1 came after it")
            }
        }
    }

    /// 2. A shared counter updated by two workers that signal through sockets: each reads the
    /// count of jobs done, sends its progress (a socket call, so another worker can run), then
    /// writes what it read plus one. Two workers can read the same value: a lost update.
    /// Fixed: one atomic increment, before the progress message.
    static func sharedCounter(fixed: Bool) -> Program {
        { world in
            let progress = try world.context.socket(.pull)
            try progress.bind("inproc://progress")
            // Atomic so that it can be shared; the bug is the read and the write being apart.
            let jobsDone = Atomic<Int>(0)
            var workers: [Participant] = []
            for name in ["worker-1", "worker-2"] {
                workers.append(
                    world.thread(name) {
                        let push = try world.context.socket(.push)
                        try push.connect("inproc://progress")
                        if fixed {
                            let count = jobsDone.add(1, ordering: .relaxed).newValue
                            try push.send(Message("\(name): job \(count) done"))
                        } else {
                            let count = jobsDone.load(ordering: .relaxed)
                            try push.send(Message("\(name): finishing job \(count + 1)"))
                            jobsDone.store(count + 1, ordering: .relaxed)
                        }
                    })
            }
            for _ in workers { _ = try await progress.receive() }
            for worker in workers { try await worker.join() }
            let count = jobsDone.load(ordering: .relaxed)
            guard count == 2 else {
                throw CorpusBug("two jobs done but the counter says \(count): an update was lost")
            }
        }
    }

    /// 3. A request-reply timeout racing a late reply: a server works `work` on each request,
    /// one at a time. Two clients ask at once: a patient one, and main, which waits 1.5 works
    /// for the square of 3, then gives up and asks for the square of 4. If the patient client's
    /// request reaches the server first, main's is served only after two works, too late:
    /// main has given up, and takes that late reply as the reply to its second request. Which
    /// request comes first is up to the schedule.
    /// Fixed: each request carries an id, and a client drops replies to other ids.
    ///
    /// In a controlled run the times are virtual (no two deadlines tie: work ends at 1, 2, 3
    /// works, main's waits at 1.5 and 3.5, the patient one's at 5); in a plain run they are
    /// real, and a short `work` lets it be tried often.
    static func lateReply(fixed: Bool, work: Duration = .seconds(1)) -> Program {
        { world in
            world.thread("server") {
                let server = try world.context.socket(.router)
                try server.bind("inproc://squares")
                while true {
                    let request = try server.receive()  // [client, id, n]
                    guard let number = Int(request[2].string) else { return }  // "stop"
                    try world.sleep(for: work)
                    try server.send(Message([request[0], request[1], Frame("\(number * number)")]))
                }
            }
            let patient = world.thread("patient") {
                let client = try world.context.socket(.dealer)
                client.receiveTimeout = work * 5
                try client.connect("inproc://squares")
                try ask(client, [(1, 5)], fixed: fixed)
            }
            let client = try world.context.socket(.dealer)
            client.receiveTimeout = work * 1.5
            try client.connect("inproc://squares")
            try withBlockingCallsAllowed { try ask(client, [(1, 3), (2, 4)], fixed: fixed) }
            try await patient.join()
            try await client.send(Message([Frame("0"), Frame("stop")]))
        }
    }

    /// Asks `client`'s server for the square of each number, in turn, under its id; gives up on
    /// one whose reply does not come within the receive timeout. `fixed`: drops replies to
    /// other ids. Throws a ``CorpusBug`` when a reply is not the square asked for.
    static func ask(_ client: Socket, _ requests: [(id: Int, number: Int)], fixed: Bool) throws {
        for (id, number) in requests {
            try client.send(Message([Frame("\(id)"), Frame("\(number)")]))
            do {
                var reply = try client.receive()
                while fixed && reply[0].string != "\(id)" { reply = try client.receive() }
                guard reply[1].string == "\(number * number)" else {
                    throw CorpusBug(
                        "asked for the square of \(number), got \(reply[1].string): "
                            + "the late reply to request \(reply[0].string)")
                }
            } catch RingMQError.timedOut {
                continue  // no answer in time: give up on this one
            }
        }
    }
}
