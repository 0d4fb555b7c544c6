import RingMQ
import Testing

/// Every bad input of the table in `Docs/Reliability.md`, each with the error it must get and
/// words its message must contain (what was wrong, or what to do instead). Nothing may trap,
/// and the socket must stay usable afterwards (checked with a round trip after each case).
@Suite(.runsAlone) struct BadInputTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let input: String
        let kind: RingMQError.Code
        /// Words the message must contain (case-insensitive); empty for the cases without one.
        let says: [String]
        let attempt: @Sendable (Sockets) throws -> Void

        var testDescription: String { input }
    }

    /// A bound PUSH/PULL pair, and one socket of every type, fresh for each case.
    struct Sockets {
        let context = TestContext()
        let push: Socket
        let pull: Socket
        private var spare: [SocketType: Socket] = [:]

        init() throws {
            pull = try context.socket(.pull)
            try pull.bind("inproc://bad-input")
            push = try context.socket(.push)
            try push.connect("inproc://bad-input")
            for type in SocketType.allCases { spare[type] = try context.socket(type) }
        }

        func of(_ type: SocketType) -> Socket { spare[type]! }

        /// The pair still works.
        func roundTrip() throws -> Bool {
            try push.send("still fine")
            return try pull.receive() == "still fine"
        }
    }

    static let cases: [Case] = [
        // MARK: Endpoints
        Case(input: "bind(\"\")", kind: .invalidEndpoint, says: ["no scheme", "inproc://"]) {
            try $0.of(.pull).bind("")
        },
        Case(input: "bind(\"tasks\")", kind: .invalidEndpoint, says: ["no scheme"]) { try $0.of(.pull).bind("tasks") },
        Case(input: "bind(\"inproc://\")", kind: .invalidEndpoint, says: ["empty name"]) {
            try $0.of(.pull).bind("inproc://")
        },
        Case(input: "bind(\"://x\")", kind: .invalidEndpoint, says: ["empty scheme"]) { try $0.of(.pull).bind("://x") },
        Case(input: "connect(\"tcp://127.0.0.1:5555\")", kind: .invalidEndpoint, says: ["in-process only", "libzmq"]) {
            try $0.of(.push).connect("tcp://127.0.0.1:5555")
        },
        Case(input: "bind(\"ipc:///tmp/x\")", kind: .invalidEndpoint, says: ["in-process only"]) {
            try $0.of(.pull).bind("ipc:///tmp/x")
        },
        Case(input: "bind(\"INPROC://x\")", kind: .invalidEndpoint, says: ["unknown scheme"]) {
            try $0.of(.pull).bind("INPROC://x")
        },
        Case(input: "bind of a name already bound", kind: .addressInUse, says: ["already bound", "unbind"]) {
            try $0.of(.pull).bind("inproc://bad-input")
        },
        Case(input: "unbind of a name never bound", kind: .endpointNotFound, says: ["has not bound"]) {
            try $0.of(.pull).unbind("inproc://never")
        },
        Case(input: "disconnect from a name never connected", kind: .endpointNotFound, says: ["not connected"]) {
            try $0.of(.push).disconnect("inproc://never")
        },
        Case(input: "PUSH connecting to a bound PUSH", kind: .incompatibleSocketTypes, says: []) { sockets in
            let binder = try sockets.context.socket(.push)
            try binder.bind("inproc://bad-push-bound")
            try sockets.of(.push).connect("inproc://bad-push-bound")
        },
        Case(input: "connect to an endpoint this socket bound", kind: .invalidState, says: ["bound by this socket"]) {
            try $0.pull.connect("inproc://bad-input")
        },
        Case(input: "second PAIR connecting to a PAIR that has its peer", kind: .addressInUse, says: ["exclusive"]) {
            sockets in
            let bound = try sockets.context.socket(.pair)
            try bound.bind("inproc://bad-pair")
            try sockets.of(.pair).connect("inproc://bad-pair")
            try sockets.context.socket(.pair).connect("inproc://bad-pair")
        },
        Case(input: "PAIR connecting a second time", kind: .invalidState, says: ["already has its peer"]) { sockets in
            try sockets.of(.pair).connect("inproc://bad-pair-a")
            try sockets.of(.pair).connect("inproc://bad-pair-b")
        },
        Case(input: "duplicate routing id at one ROUTER", kind: .addressInUse, says: ["routing id", "distinct"]) {
            sockets in
            let router = sockets.of(.router)
            try router.bind("inproc://bad-ids")
            let first = try sockets.context.socket(.dealer)
            first.routingID = "same"
            try first.connect("inproc://bad-ids")
            let second = try sockets.context.socket(.dealer)
            second.routingID = "same"
            try withExtendedLifetime(first) { try second.connect("inproc://bad-ids") }
        },

        // MARK: Options
        Case(input: "sendHighWaterMark -1", kind: .invalidOption, says: ["sendHighWaterMark", "-1"]) {
            try $0.push.setOption(.sendHighWaterMark(-1))
        },
        Case(input: "receiveHighWaterMark Int.min", kind: .invalidOption, says: ["receiveHighWaterMark"]) {
            try $0.pull.setOption(.receiveHighWaterMark(.min))
        },
        Case(input: "receiveTimeout -1 s", kind: .invalidOption, says: ["receiveTimeout", "nil"]) {
            try $0.pull.setOption(.receiveTimeout(.seconds(-1)))
        },
        Case(input: "linger -1 ns", kind: .invalidOption, says: ["linger"]) {
            try $0.push.setOption(.linger(.nanoseconds(-1)))
        },
        Case(input: "routingID of 0 bytes", kind: .invalidOption, says: ["1 to 255 bytes"]) {
            try $0.of(.dealer).setOption(.routingID(Frame()))
        },
        Case(input: "routingID of 256 bytes", kind: .invalidOption, says: ["1 to 255 bytes", "256"]) {
            try $0.of(.dealer).setOption(.routingID(Frame([UInt8](repeating: 7, count: 256))))
        },
        Case(input: "routingID starting with a zero byte", kind: .invalidOption, says: ["zero byte"]) {
            try $0.of(.dealer).setOption(.routingID(Frame([0, 1])))
        },
        Case(input: "conflate on a PAIR", kind: .invalidOption, says: ["conflate", "PUSH", "SUB", "PAIR"]) {
            try $0.of(.pair).setOption(.conflate(true))
        },
        Case(input: "routerMandatory on a DEALER", kind: .invalidOption, says: ["ROUTER", "DEALER"]) {
            try $0.of(.dealer).setOption(.routerMandatory(true))
        },
        Case(input: "xpubVerbose on a PUB", kind: .invalidOption, says: ["XPUB", "PUB"]) {
            try $0.of(.pub).setOption(.xpubVerbose(true))
        },
        Case(input: "invertMatching on an XSUB", kind: .invalidOption, says: ["invertMatching", "XSUB"]) {
            try $0.of(.xsub).setOption(.invertMatching(true))
        },
        Case(input: "redeliverUnread on a ROUTER", kind: .invalidOption, says: ["PUSH, DEALER, REQ", "ROUTER"]) {
            try $0.of(.router).setOption(.redeliverUnread(true))
        },

        // MARK: Operations
        Case(input: "send on a PULL", kind: .operationNotSupported, says: ["cannot send"]) { try $0.pull.send("x") },
        Case(input: "receive on a PUB", kind: .operationNotSupported, says: ["cannot receive"]) {
            _ = try $0.of(.pub).receive()
        },
        Case(input: "a message with no frames", kind: .operationNotSupported, says: ["at least one frame"]) {
            try $0.push.send(Message([Frame]()))
        },
        Case(input: "subscribe on a PULL", kind: .operationNotSupported, says: ["SUB"]) { try $0.pull.subscribe("x") },
        Case(input: "a one-frame message on a ROUTER", kind: .operationNotSupported, says: ["routing id"]) {
            try $0.of(.router).send("no body")
        },
        Case(input: "REQ sending twice", kind: .invalidState, says: ["receive()"]) { sockets in
            let rep = try sockets.context.socket(.rep)
            try rep.bind("inproc://bad-req")
            let req = sockets.of(.req)
            try req.connect("inproc://bad-req")
            try req.send("one")
            try req.send("two")
        },
        Case(input: "REQ receiving before any request", kind: .invalidState, says: ["send(_:) a request first"]) {
            _ = try $0.of(.req).tryReceive()
        },
        Case(input: "REP replying before any request", kind: .invalidState, says: ["receive() a request"]) {
            try $0.of(.rep).send("reply")
        },
        Case(input: "ROUTER with routerMandatory to an unknown id", kind: .hostUnreachable, says: []) { sockets in
            let router = sockets.of(.router)
            router.routerMandatory = true
            try router.send(["nobody", "hello"])
        },
        Case(input: "proxy with the same socket twice", kind: .invalidState, says: ["two different sockets"]) {
            try proxy(frontend: $0.pull, backend: $0.pull)
        },
        Case(input: "proxy between two PUBs", kind: .operationNotSupported, says: []) {
            try proxy(frontend: $0.of(.pub), backend: $0.context.socket(.pub))
        },
        Case(input: "any call after close()", kind: .socketClosed, says: []) { sockets in
            let socket = sockets.of(.dealer)
            socket.close()
            try socket.connect("inproc://bad-input")
        },
    ]

    @Test(arguments: cases)
    func badInputGetsAClearErrorAndBreaksNothing(_ entry: Case) throws {
        let sockets = try Sockets()
        let message = expectError(entry.kind) { try entry.attempt(sockets) }
        for word in entry.says {
            #expect(
                message?.lowercased().contains(word.lowercased()) == true,
                "the message should say \"\(word)\": \(message ?? "none")")
        }
        #expect(try sockets.roundTrip(), "the sockets should still work after \(entry.input)")
    }

    @Test func afterTerminateEveryCallAndNewSocketsThrowTerminated() throws {
        let sockets = try Sockets()
        sockets.context.terminate()
        expectError(.terminated) { try sockets.push.send("x") }
        expectError(.terminated) { try sockets.pull.receive() }
        expectError(.terminated) { try sockets.of(.sub).subscribe("") }
        expectError(.terminated) { try sockets.context.socket(.pair) }
        sockets.push.close()  // still allowed, and idempotent
        sockets.push.close()
    }
}
