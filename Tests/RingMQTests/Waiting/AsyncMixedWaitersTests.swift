import RingMQ
import Testing

/// A blocking thread on one end of a connection and an async task on the other, both ways
/// round: a thread blocked on a full queue woken by a task's receives, and a task suspended on
/// a full queue woken by a thread's receives. The two kinds of waiter share one signal, so
/// whichever makes progress must wake whichever waits. Exact counts and order.
///
/// The blocking end runs on a ``Peer`` thread, never on the cooperative pool; it is joined
/// only once the task has done everything the thread needs, so the join cannot starve it.
@Suite(.runsAlone) struct AsyncMixedWaitersTests {
    private static let count = Scale.count(normal: 5_000, stress: 200_000, sanitized: 1_000)

    @Test func aThreadBlockedOnAFullQueueIsWokenByATasksReceives() async throws {
        let count = Self.count
        let test = TestContext()
        let (push, pull) = try tinyConnection(test, "mixed-thread-sends")
        let sender = Peer { () throws -> Int in
            for index in 0..<count { try push.send(numbered(index)) }
            return push.statistics.messagesSent
        }
        // Start reading only once the thread sleeps on the full queue, so the first wake-up
        // goes from the task's progress to a thread asleep in the kernel.
        sender.waitUntilBlocked()

        var received: [Int] = []
        received.reserveCapacity(count)
        for _ in 0..<count { received.append(number(try await pull.receive())) }
        #expect(try sender.join().get() == count)
        #expect(received == Array(0..<count))
        #expect(try pull.tryReceive() == nil)
        #expect(pull.statistics.messagesReceived == count)
    }

    @Test func aTaskSuspendedOnAFullQueueIsWokenByAThreadsReceives() async throws {
        let count = Self.count
        let test = TestContext()
        let (push, pull) = try tinyConnection(test, "mixed-task-sends")
        let start = Gate()
        let receiver = Peer { () throws -> [Int] in
            guard start.wait() else { return [] }
            var numbers: [Int] = []
            numbers.reserveCapacity(count)
            for _ in 0..<count { numbers.append(number(try pull.receive())) }
            return numbers
        }

        // Fill the queue, then let the thread read while the next send suspends.
        let prefilled = try fill(push, limit: count)
        #expect(prefilled == 2)
        let sender = Task {
            for index in prefilled..<count { try await push.send(numbered(index)) }
        }
        #expect(await waitUntilParked(push), "the send did not suspend on the full queue")
        start.open()
        try await sender.value
        #expect(try receiver.join().get() == Array(0..<count))
        #expect(push.statistics.messagesSent == count)
    }

    @Test func aTaskSuspendedInReceiveIsWokenByAThreadsSends() async throws {
        let count = Self.count
        let test = TestContext()
        let (push, pull) = try tinyConnection(test, "mixed-task-receives")
        let start = Gate()
        let sender = Peer { () throws -> Void in
            guard start.wait() else { return }
            for index in 0..<count { try push.send(numbered(index)) }
        }
        let receiver = Task {
            var numbers: [Int] = []
            for _ in 0..<count { numbers.append(number(try await pull.receive())) }
            return numbers
        }
        #expect(await waitUntilParked(pull), "the receive did not suspend on the empty queue")
        start.open()
        #expect(try await receiver.value == Array(0..<count))
        #expect(throws: Never.self) { try sender.join().get() }
    }

    @Test func aPairWithAThreadAtOneEndAndATaskAtTheOtherTradesBothWays() async throws {
        let rounds = Scale.count(normal: 2_000, stress: 100_000, sanitized: 500)
        let test = TestContext()
        let threadEnd = try test.socket(.pair)
        threadEnd.sendHighWaterMark = 1
        threadEnd.receiveHighWaterMark = 1
        try threadEnd.bind("inproc://mixed-pair")
        let taskEnd = try test.socket(.pair)
        taskEnd.sendHighWaterMark = 1
        taskEnd.receiveHighWaterMark = 1
        try taskEnd.connect("inproc://mixed-pair")

        // The thread echoes each number plus one; the task keeps up to two requests in flight.
        let echo = Peer { () throws -> Int in
            for _ in 0..<rounds {
                let value = number(try threadEnd.receive())
                try threadEnd.send(numbered(value + 1))
            }
            return rounds
        }
        var replies: [Int] = []
        try await taskEnd.send(numbered(0))
        for index in 1..<rounds {
            try await taskEnd.send(numbered(index))
            replies.append(number(try await taskEnd.receive()))
        }
        replies.append(number(try await taskEnd.receive()))
        #expect(try echo.join().get() == rounds)
        #expect(replies == Array(1...rounds))
    }
}
