import RingMQ
import Testing

/// Request-reply basics in one thread: REQ/REP turns and envelopes, ROUTER ids, a broker.
@Suite struct RequestReplySmokeTests {
    @Test func requestAndReply() throws {
        let test = TestContext()
        let rep = try test.socket(.rep)
        try rep.bind("inproc://rr")
        let req = try test.socket(.req)
        try req.connect("inproc://rr")
        try req.send("hello")
        #expect(try rep.receive() == "hello")
        try rep.send("world")
        #expect(try req.receive() == "world")
        expectError(.invalidState) { try req.receive() }
        expectError(.invalidState) { try rep.send("again") }
    }

    @Test func routerSeesIdentities() throws {
        let test = TestContext()
        let router = try test.socket(.router)
        try router.bind("inproc://router")
        let dealer = try test.socket(.dealer)
        dealer.routingID = "PEER1"
        try dealer.connect("inproc://router")
        try dealer.send(["", "hi"])
        #expect(try router.receive() == ["PEER1", "", "hi"])
        try router.send(["PEER1", "", "back"])
        #expect(try dealer.receive() == ["", "back"])
        let anonymous = try test.socket(.req)
        try anonymous.connect("inproc://router")
        try anonymous.send("x")
        let received = try router.receive()
        #expect(received[0].bytes.first == 0 && received[0].count == 5)
        try router.send([received[0], "", "y"])
        #expect(try anonymous.receive() == "y")
    }

    @Test func brokerRoutesRepliesBack() throws {
        let test = TestContext()
        let frontend = try test.socket(.router)
        try frontend.bind("inproc://front")
        let backend = try test.socket(.dealer)
        try backend.bind("inproc://back")
        let worker = try test.socket(.rep)
        try worker.connect("inproc://back")
        let client = try test.socket(.req)
        try client.connect("inproc://front")
        try client.send("question")
        let request = try frontend.receive()
        try backend.send(request)
        #expect(try worker.receive() == "question")
        try worker.send("answer")
        try frontend.send(try backend.receive())
        #expect(try client.receive() == "answer")
    }
}
