import RingMQ
import Testing

/// The ZeroMQ guide's "identity" example (Chapter 3, `identity.c`): a ROUTER sees a generated
/// id for an anonymous REQ and the chosen one for a named REQ; and named DEALERs each get the
/// reply the ROUTER addresses to them.
@Suite(.runsAlone) struct IdentityExampleTests {
    @Test func guideIdentityExample() throws {
        let context = TestContext()
        let sink = try context.socket(.router)
        try sink.bind("inproc://example")

        let anonymous = try context.socket(.req)
        try anonymous.connect("inproc://example")
        try anonymous.send("ROUTER uses a generated 5 byte identity")
        let first = try sink.receive()
        #expect(first.count == 3)
        #expect(isGeneratedRoutingID(first[0]), "\(first[0])")
        #expect(Array(first.dropFirst()) == ["", "ROUTER uses a generated 5 byte identity"])

        let identified = try context.socket(.req)
        identified.routingID = "PEER2"
        try identified.connect("inproc://example")
        try identified.send("ROUTER uses REQ's socket identity")
        #expect(try sink.receive() == ["PEER2", "", "ROUTER uses REQ's socket identity"])

        try sink.send(["PEER2", "", "for PEER2"])
        try sink.send([first[0], "", "for the anonymous one"])
        #expect(try identified.receive() == "for PEER2")
        #expect(try anonymous.receive() == "for the anonymous one")
    }

    @Test func namedDealersEachGetTheirOwnReply() throws {
        let context = TestContext()
        let router = try context.socket(.router)
        try router.bind("inproc://named")
        let names: [Frame] = ["A", "B", "C"]
        let dealers = try names.map { name in
            let dealer = try context.socket(.dealer)
            dealer.routingID = name
            try dealer.connect("inproc://named")
            try dealer.send(["", "hello from \(name.string)"])
            return dealer
        }
        var senders: [Frame] = []
        for _ in names {
            let request = try router.receive()
            #expect(request == [request[0], "", Frame("hello from \(request[0].string)")])
            senders.append(request[0])
        }
        #expect(Set(senders) == Set(names))
        for name in names.reversed() { try router.send([name, "", Frame("hello \(name.string)")]) }
        for (name, dealer) in zip(names, dealers) {
            #expect(try drain(dealer) == [["", Frame("hello \(name.string)")]], "dealer \(name)")
        }
    }
}
