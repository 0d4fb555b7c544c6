import RingMQ
import Testing

/// A PUSH and a PULL that never reads, with the given high-water marks, connected in the given
/// order (`bindFirst`: the PULL binds before the PUSH connects).
private func pipeline(
    _ context: TestContext, send: Int?, receive: Int?, bindFirst: Bool = true, name: String = "inproc://hwm"
) throws -> (push: Socket, pull: Socket) {
    let push = try context.socket(.push)
    let pull = try context.socket(.pull)
    if let send { push.sendHighWaterMark = send }
    if let receive { pull.receiveHighWaterMark = receive }
    if bindFirst {
        try pull.bind(name)
        try push.connect(name)
    } else {
        try push.connect(name)
        try pull.bind(name)
    }
    return (push, pull)
}

@Suite(.runsAlone) struct HighWaterMarkTests {
    @Test func defaultsAreOneThousand() throws {
        let context = TestContext()
        let socket = try context.socket(.push)
        #expect(socket.sendHighWaterMark == 1000)
        #expect(socket.receiveHighWaterMark == 1000)
        socket.sendHighWaterMark = 7
        try socket.setOption(.receiveHighWaterMark(9))
        #expect(socket.sendHighWaterMark == 7)
        #expect(socket.receiveHighWaterMark == 9)
        try socket.setOption(.sendHighWaterMark(0))
        #expect(socket.sendHighWaterMark == 0)
    }

    // MARK: - Capacity: send HWM + receive HWM (ZeroMQ's inproc rule)

    @Test(arguments: [(1000, 1000, 2000), (10, 10, 20), (1, 1, 2), (100, 5, 105), (5, 100, 105)], [true, false])
    func queueHoldsSendPlusReceiveHighWaterMark(marks: (send: Int, receive: Int, expected: Int), bindFirst: Bool) throws
    {
        let context = TestContext()
        let (push, pull) = try pipeline(context, send: marks.send, receive: marks.receive, bindFirst: bindFirst)
        #expect(try fill(push, limit: marks.expected + 100) == marks.expected)
        #expect(try push.trySend("one too many") == false)
        #expect(try drainNumbers(pull) == Array(0..<marks.expected))
    }

    @Test(arguments: [(0, 0), (0, 5), (5, 0), (0, 1000)])
    func zeroMeansNoLimit(send: Int, receive: Int) throws {
        let context = TestContext()
        let (push, pull) = try pipeline(context, send: send, receive: receive)
        #expect(try fill(push, limit: 10_000) == 10_000)
        let received = try drainNumbers(pull)
        #expect(received.count == 10_000)
        #expect(received == Array(0..<10_000))
    }

    @Test func zeroSendHighWaterMarkBeforeBindIsUnbounded() throws {
        let context = TestContext()
        let (push, pull) = try pipeline(context, send: 0, receive: 5, bindFirst: false)
        #expect(try fill(push, limit: 3000) == 3000)
        #expect(try drainNumbers(pull).count == 3000)
    }

    // MARK: - When a high-water mark applies

    @Test func highWaterMarksSetAfterConnectDoNotChangeExistingConnections() throws {
        let context = TestContext()
        let (push, pull) = try pipeline(context, send: nil, receive: nil)
        push.sendHighWaterMark = 1
        pull.receiveHighWaterMark = 1
        #expect(try fill(push, limit: 3000) == 2000, "the connection keeps the 1000 + 1000 it was made with")

        // A connection made now uses the new values: 1 + 1.
        let second = try context.socket(.pull)
        second.receiveHighWaterMark = 1
        try second.bind("inproc://second")
        try push.connect("inproc://second")
        #expect(try fill(push, limit: 3000, from: 2000) == 2)
        #expect(try drainNumbers(pull).count == 2000)
        #expect(try drainNumbers(second) == [2000, 2001])
    }

    @Test func boundSideHighWaterMarkSetAfterBindAppliesToLaterConnections() throws {
        // The documented zmq_setsockopt rule, which RingMQ follows for the bound side too.
        let context = TestContext()
        let pull = try context.socket(.pull)
        try pull.bind("inproc://late-option")
        pull.receiveHighWaterMark = 3
        let push = try context.socket(.push)
        push.sendHighWaterMark = 2
        try push.connect("inproc://late-option")
        #expect(try fill(push, limit: 100) == 5)
    }

    @Test func eachConnectionHasItsOwnQueue() throws {
        let context = TestContext()
        let push = try context.socket(.push)
        push.sendHighWaterMark = 2
        var pulls: [Socket] = []
        for i in 0..<3 {
            let pull = try context.socket(.pull)
            pull.receiveHighWaterMark = 2
            try pull.bind("inproc://queue-\(i)")
            try push.connect("inproc://queue-\(i)")
            pulls.append(pull)
        }
        #expect(try fill(push, limit: 100) == 12)
        #expect(try pulls.map { try drainNumbers($0).count } == [4, 4, 4])
    }

    // MARK: - Multipart

    @Test func multipartCountsOnceAndArrivesWhole() throws {
        let context = TestContext()
        let (push, pull) = try pipeline(context, send: 2, receive: 2)
        var accepted = 0
        while accepted < 100, try push.trySend(["part 1", Frame("\(accepted)"), "part 3"]) {
            accepted += 1
        }
        #expect(accepted == 4, "a three-frame message takes one slot, not three")
        let received = try drain(pull)
        #expect(received.count == 4)
        #expect(received == (0..<4).map { ["part 1", Frame("\($0)"), "part 3"] })
    }

    // MARK: - Invalid values

    @Test func negativeHighWaterMarksThrowInvalidOption() throws {
        let context = TestContext()
        let socket = try context.socket(.push)
        let message = expectError(.invalidOption) { try socket.setOption(.sendHighWaterMark(-1)) }
        #expect(message?.contains("sendHighWaterMark") == true, "the message should name the option: \(message ?? "")")
        expectError(.invalidOption) { try socket.setOption(.sendHighWaterMark(.min)) }
        let receive = expectError(.invalidOption) { try socket.setOption(.receiveHighWaterMark(-1)) }
        #expect(
            receive?.contains("receiveHighWaterMark") == true, "the message should name the option: \(receive ?? "")")
        expectError(.invalidOption) { try socket.setOption(.receiveHighWaterMark(.min)) }
        // The values did not change.
        #expect(socket.sendHighWaterMark == 1000)
        #expect(socket.receiveHighWaterMark == 1000)
    }

    // MARK: - Room freed by the reader

    @Test(arguments: [(1, 1), (3, 3), (1000, 1000), (50, 7)])
    func drainingTheQueueFreesRoomAtOnce(send: Int, receive: Int) throws {
        let context = TestContext()
        let (push, pull) = try pipeline(context, send: send, receive: receive)
        let capacity = send + receive
        for round in 0..<3 {
            #expect(try fill(push, limit: capacity + 10) == capacity, "round \(round)")
            #expect(try drain(pull).count == capacity, "round \(round)")
            #expect(try push.trySend("room again"), "round \(round): the reader drained the queue")
            #expect(try pull.tryReceive() == "room again")
        }
    }

    @Test(arguments: [(1, 1), (3, 3), (10, 10), (1000, 1000)])
    func readingMoreThanHalfTheQueueFreesRoom(send: Int, receive: Int) throws {
        // The reader may publish its progress in batches, but never holds back more than half
        // the queue.
        let context = TestContext()
        let (push, pull) = try pipeline(context, send: send, receive: receive)
        let capacity = send + receive
        #expect(try fill(push, limit: capacity + 10) == capacity)
        for _ in 0..<(capacity / 2 + 1) { _ = try #require(try pull.tryReceive()) }
        #expect(try push.trySend("fits"))
    }
}
