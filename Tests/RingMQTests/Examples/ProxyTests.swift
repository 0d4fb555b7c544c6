import RingMQ
import Testing

/// How the proxy refuses its arguments (on a thread, so a proxy that starts running instead
/// fails the test rather than hanging it; the context is terminated afterwards either way).
private func refusal(_ test: TestContext, frontend: Socket, backend: Socket, capture: Socket? = nil) -> RingMQError? {
    let relay = startProxy(frontend: frontend, backend: backend, capture: capture)
    let outcome = relay.join()
    test.terminate()
    if case .failure(let error) = outcome { return error }
    return nil
}

/// `proxy(frontend:backend:capture:)`: which arguments it refuses and how, that it forwards
/// whole messages in every direction the two types can carry, that the capture socket gets a
/// copy of each, and that `Context.terminate()` ends it with `.terminated`.
@Suite(.runsAlone) struct ProxyTests {
    // MARK: - Refusals

    @Test func theSameSocketTwiceIsInvalid() throws {
        let test = TestContext()
        let socket = try test.socket(.pair)
        #expect(refusal(test, frontend: socket, backend: socket)?.code == .invalidState)
    }

    @Test(arguments: [true, false])
    func aCaptureThatIsAlsoFrontendOrBackendIsInvalid(frontend isFrontend: Bool) throws {
        let test = TestContext()
        let xsub = try test.socket(.xsub)
        let xpub = try test.socket(.xpub)
        let error = refusal(test, frontend: xsub, backend: xpub, capture: isFrontend ? xsub : xpub)
        #expect(error?.code == .invalidState)
    }

    @Test(arguments: [
        (SocketType.push, SocketType.push), (.pull, .pull), (.sub, .sub), (.pub, .pub),
        (.pub, .push), (.push, .pub), (.sub, .pull), (.pull, .sub),
    ])
    func typesThatCanForwardNothingAreNotSupported(types: (frontend: SocketType, backend: SocketType)) throws {
        let test = TestContext()
        let frontend = try test.socket(types.frontend)
        let backend = try test.socket(types.backend)
        let error = refusal(test, frontend: frontend, backend: backend)
        #expect(error?.code == .operationNotSupported, "got \(String(describing: error))")
        #expect(error?.message?.contains("\(types.frontend)") == true, "names the types: \(String(describing: error))")
    }

    @Test(arguments: [SocketType.pull, .sub])
    func aCaptureThatCannotSendIsNotSupported(type: SocketType) throws {
        let test = TestContext()
        let frontend = try test.socket(.pull)
        let backend = try test.socket(.push)
        let capture = try test.socket(type)
        #expect(refusal(test, frontend: frontend, backend: backend, capture: capture)?.code == .operationNotSupported)
    }

    @Test func aClosedSocketIsRefused() throws {
        let test = TestContext()
        let frontend = try test.socket(.xsub)
        let backend = try test.socket(.xpub)
        backend.close()
        #expect(refusal(test, frontend: frontend, backend: backend)?.code == .socketClosed)
    }

    @Test func aProxyInATerminatedContextEndsAtOnce() throws {
        let test = TestContext()
        let frontend = try test.socket(.xsub)
        let backend = try test.socket(.xpub)
        test.terminate()
        #expect(refusal(test, frontend: frontend, backend: backend)?.code == .terminated)
    }

    // MARK: - Forwarding

    @Test func aStreamerForwardsEverythingWholeAndInOrderUntilTerminated() throws {
        let count = 500
        let test = TestContext()
        let frontend = try test.socket(.pull)
        try frontend.bind("inproc://stream-in")
        let backend = try test.socket(.push)
        try backend.bind("inproc://stream-out")
        let producer = try test.socket(.push)
        try producer.connect("inproc://stream-in")
        let consumer = try test.socket(.pull)
        try consumer.connect("inproc://stream-out")

        let relay = startProxy(frontend: frontend, backend: backend)
        for i in 0..<count {
            try producer.send(i.isMultiple(of: 3) ? [Frame("\(i)"), "second", "third"] : numbered(i))
        }
        for i in 0..<count {
            let expected: Message = i.isMultiple(of: 3) ? [Frame("\(i)"), "second", "third"] : numbered(i)
            #expect(try consumer.receive() == expected)
        }
        stopProxy(relay, test)
    }

    @Test func aSubFrontendAndPubBackendForwardDownstreamOnly() throws {
        let count = 200
        let test = TestContext()
        let upstream = try test.socket(.pub)
        upstream.sendHighWaterMark = 0
        try upstream.bind("inproc://one-way-in")
        let frontend = try test.socket(.sub)
        frontend.receiveHighWaterMark = 0
        try frontend.connect("inproc://one-way-in")
        try frontend.subscribe("")
        let backend = try test.socket(.pub)
        backend.sendHighWaterMark = 0
        try backend.bind("inproc://one-way-out")
        let downstream = try test.socket(.sub)
        downstream.receiveHighWaterMark = 0
        try downstream.connect("inproc://one-way-out")
        try downstream.subscribe("even")

        // Every subscription is in place before the proxy starts: nothing can be lost.
        let relay = startProxy(frontend: frontend, backend: backend)
        for i in 0..<count { try upstream.send(Message(i.isMultiple(of: 2) ? "even \(i)" : "odd \(i)")) }
        try upstream.send("even end")
        var received: [Message] = []
        while received.last != "even end" { received.append(try downstream.receive()) }
        #expect(received == stride(from: 0, to: count, by: 2).map { Message("even \($0)") } + ["even end"])
        stopProxy(relay, test)
    }

    @Test func aPubFrontendAndSubBackendForwardFromTheBackend() throws {
        // Like zmq_proxy, which forwards each way its sockets allow: here backend → frontend.
        let test = TestContext()
        let source = try test.socket(.pub)
        try source.bind("inproc://reverse-in")
        let backend = try test.socket(.sub)
        try backend.connect("inproc://reverse-in")
        try backend.subscribe("")
        let frontend = try test.socket(.pub)
        try frontend.bind("inproc://reverse-out")
        let sink = try test.socket(.sub)
        try sink.connect("inproc://reverse-out")
        try sink.subscribe("")

        let relay = startProxy(frontend: frontend, backend: backend)
        try source.send("through")
        #expect(try sink.receive() == "through")
        stopProxy(relay, test)
    }

    /// The documented rule: the proxy ends with `.terminated` when the context of *any* of its
    /// sockets terminates. Here each socket lives in a context of its own (a proxy bridging
    /// two endpoint namespaces), the proxy is idle, and one context terminates.
    @Test(arguments: ["frontend", "backend", "capture"])
    func terminatingTheContextOfAnyOfItsSocketsEndsAnIdleProxy(terminated: String) throws {
        let contexts = ["frontend": TestContext(), "backend": TestContext(), "capture": TestContext()]
        let frontend = try contexts["frontend"]!.socket(.sub)
        try frontend.bind("inproc://bridge-in")
        try frontend.subscribe("")
        let backend = try contexts["backend"]!.socket(.pub)
        try backend.bind("inproc://bridge-out")
        let capture = try contexts["capture"]!.socket(.push)
        try capture.bind("inproc://bridge-tap")

        let relay = startProxy(frontend: frontend, backend: backend, capture: capture)
        relay.waitUntilBlocked()
        contexts[terminated]!.terminate()
        let outcome = relay.join(limit: .seconds(10))
        #expect(throws: RingMQError.terminated, "terminating the \(terminated)'s context") { try outcome.get() }
        for context in contexts.values { context.terminate() }  // frees a proxy that did not end
        _ = relay.join()
    }

    // MARK: - Capture

    @Test func theCaptureGetsACopyOfEveryMessageInBothDirections() throws {
        let count = 200
        let test = TestContext()
        let frontend = try test.socket(.pair)
        try frontend.bind("inproc://client-side")
        let backend = try test.socket(.pair)
        try backend.bind("inproc://server-side")
        let capture = try test.socket(.push)
        capture.sendHighWaterMark = 0
        try capture.bind("inproc://capture")
        let tap = try test.socket(.pull)
        tap.receiveHighWaterMark = 0
        try tap.connect("inproc://capture")
        let client = try test.socket(.pair)
        try client.connect("inproc://client-side")
        let server = try test.socket(.pair)
        try server.connect("inproc://server-side")

        let relay = startProxy(frontend: frontend, backend: backend, capture: capture)
        for i in 0..<count {
            try client.send(["request", Frame("\(i)")])
            let request = try server.receive()
            #expect(request == ["request", Frame("\(i)")])
            try server.send(["reply", Frame("\(i)")])
            #expect(try client.receive() == ["reply", Frame("\(i)")])
        }
        // Each copy went to the capture before its message went on, so all are there now.
        let copies = try drain(tap)
        let expected = (0..<count).flatMap { i -> [Message] in [["request", Frame("\(i)")], ["reply", Frame("\(i)")]] }
        #expect(copies == expected)
        stopProxy(relay, test)
    }
}
