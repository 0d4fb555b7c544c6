import RingMQ
import Testing

/// The control-socket form, `proxy(frontend:backend:capture:control:)`: the answers to each
/// command on each kind of control socket, and the errors libzmq does not have (libzmq's own
/// test is ported in `LibzmqProxySteerableTests`).
@Suite(.runsAlone) struct ProxyControlTests {
    // MARK: - Answers

    @Test func aRepControlSocketAnswersEveryCommandAndStatisticsInEightFrames() throws {
        let test = TestContext()
        let (frontend, backend, producer, consumer) = try streamerSockets(test, "rep-answers")
        let control = try test.socket(.rep)
        try control.bind("inproc://rep-answers-control")
        let controller = try test.socket(.req)
        try controller.connect("inproc://rep-answers-control")
        let relay = Peer { try proxy(frontend: frontend, backend: backend, control: control) }

        for command in ["PAUSE", "RESUME"] {
            try controller.send(Message(command))
            #expect(try controller.receive() == Message(Frame()), "\(command) is answered with an empty frame")
        }
        try producer.send(["two", "frames"])
        #expect(try consumer.receive() == ["two", "frames"])
        try controller.send("STATISTICS")
        let answer = try controller.receive()
        #expect(answer.map(\.count) == [Int](repeating: 8, count: 8))
        #expect(answer.map(littleEndian) == [1, 9, 0, 0, 0, 0, 1, 9], "one message of 9 bytes, counted whole")
        try controller.send("TERMINATE")
        #expect(try controller.receive() == Message(Frame()))
        #expect(throws: Never.self) { try relay.join().get() }
    }

    @Test func aSubControlSocketTakesCommandsButCannotAnswerStatistics() throws {
        let test = TestContext()
        let (frontend, backend, producer, consumer) = try streamerSockets(test, "sub-control")
        let control = try test.socket(.sub)
        try control.subscribe("")
        try control.bind("inproc://sub-control-commands")
        let commands = try test.socket(.pub)
        try commands.connect("inproc://sub-control-commands")
        let relay = Peer { try proxy(frontend: frontend, backend: backend, control: control) }

        try commands.send("PAUSE")
        try commands.send("RESUME")
        try producer.send("through")
        #expect(try consumer.receive() == "through")
        try commands.send("STATISTICS")
        let outcome = relay.join()
        guard case .failure(let error) = outcome else {
            Issue.record("STATISTICS on a SUB control socket should end the proxy, got \(outcome)")
            return
        }
        #expect(error.code == .operationNotSupported)
        #expect(error.message?.contains("STATISTICS") == true, "\(error)")
    }

    @Test(arguments: [SocketType.pair, .rep])
    func anUnknownCommandEndsTheProxyWithAClearError(controlType: SocketType) throws {
        let test = TestContext()
        let (frontend, backend, _, _) = try streamerSockets(test, "unknown-\(controlType)")
        let control = try test.socket(controlType)
        try control.bind("inproc://unknown-\(controlType)-control")
        let controller = try test.socket(controlType == .rep ? .req : .pair)
        try controller.connect("inproc://unknown-\(controlType)-control")
        let relay = Peer { try proxy(frontend: frontend, backend: backend, control: control) }

        try controller.send("pause")  // commands are upper case
        if controlType == .rep {
            #expect(try controller.receive() == Message(Frame()), "the requester is not left waiting")
        }
        let outcome = relay.join()
        guard case .failure(let error) = outcome else {
            Issue.record("an unknown command should end the proxy, got \(outcome)")
            return
        }
        #expect(error.code == .operationNotSupported)
        #expect(error.message?.contains("\"pause\"") == true, "names what it got: \(error)")
        #expect(error.message?.contains("PAUSE, RESUME, TERMINATE or STATISTICS") == true, "\(error)")
    }

    @Test func aControlSocketThatCannotReceiveIsRefused() throws {
        let test = TestContext()
        let (frontend, backend, _, _) = try streamerSockets(test, "push-control")
        let control = try test.socket(.push)
        let error = #expect(throws: RingMQError.self) {
            _ = try Proxy(frontend: frontend, backend: backend, control: control)
        }
        #expect(error?.code == .operationNotSupported)
        let same = #expect(throws: RingMQError.self) {
            _ = try Proxy(frontend: frontend, backend: backend, control: frontend)
        }
        #expect(same?.code == .invalidState)
    }
}

// MARK: - Helpers

/// libzmq's statistics(): asks, and returns the eight values.
func askStatistics(_ control: Socket) throws -> [Int] {
    try control.send("STATISTICS")
    let answer = try control.receive()
    #expect(answer.count == 8 && answer.allSatisfy { $0.count == 8 })
    return answer.map(littleEndian)
}

/// A little-endian 8-byte frame as an integer.
func littleEndian(_ frame: Frame) -> Int {
    Int(frame.bytes.reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
}

/// PULL frontend and PUSH backend bound, with a producer and a consumer connected.
func streamerSockets(_ test: TestContext, _ name: String) throws -> (Socket, Socket, Socket, Socket) {
    let frontend = try test.socket(.pull)
    try frontend.bind("inproc://\(name)-in")
    let backend = try test.socket(.push)
    try backend.bind("inproc://\(name)-out")
    let producer = try test.socket(.push)
    try producer.connect("inproc://\(name)-in")
    let consumer = try test.socket(.pull)
    try consumer.connect("inproc://\(name)-out")
    return (frontend, backend, producer, consumer)
}
