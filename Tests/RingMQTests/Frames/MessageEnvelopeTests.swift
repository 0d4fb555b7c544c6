import RingMQ
import Testing

/// `Message.popEnvelope()`, `pushEnvelope(_:)` and `frame(at:)`.
@Suite(.runsAlone) struct MessageEnvelopeTests {
    @Test func popEnvelopeTakesTheFramesBeforeTheFirstDelimiter() {
        var message: Message = ["a", "b", "", "body", "more"]
        #expect(message.popEnvelope() == ["a", "b"])
        #expect(message == ["body", "more"])
    }

    @Test func popEnvelopeStopsAtTheFirstEmptyFrame() {
        var message: Message = ["id", "", "", "body"]
        #expect(message.popEnvelope() == ["id"])
        #expect(message == ["", "body"])
    }

    @Test func aLeadingDelimiterIsAnEmptyEnvelope() {
        var message: Message = ["", "body"]
        #expect(message.popEnvelope() == [])
        #expect(message == "body")
    }

    @Test func withoutADelimiterThereIsNoEnvelopeAndTheMessageIsKept() {
        var message: Message = ["id", "body"]
        #expect(message.popEnvelope() == nil)
        #expect(message == ["id", "body"])
        var single: Message = "body"
        #expect(single.popEnvelope() == nil)
        #expect(single == "body")
    }

    @Test func pushEnvelopePutsTheFramesAndADelimiterInFront() {
        var reply: Message = "hi"
        reply.pushEnvelope(["router-2", "router-1"])
        #expect(reply == ["router-2", "router-1", "", "hi"])
        var bare: Message = ["x", "y"]
        bare.pushEnvelope([])
        #expect(bare == ["", "x", "y"])
    }

    @Test func pushUndoesPop() {
        let original: Message = ["a", "b", "", "body", "", "tail"]
        var message = original
        let envelope = message.popEnvelope()
        message.pushEnvelope(envelope ?? [])
        #expect(message == original)
    }

    @Test func frameAtIsNilOutOfRange() {
        let message: Message = ["a", "b"]
        #expect(message.frame(at: 0) == "a")
        #expect(message.frame(at: 1) == "b")
        #expect(message.frame(at: 2) == nil)
        #expect(message.frame(at: -1) == nil)
        let single: Message = "only"
        #expect(single.frame(at: 0) == "only")
        #expect(single.frame(at: 1) == nil)
    }

    @Test func aRouterRepliesToARequesterThroughTheEnvelope() throws {
        let context = Context()
        defer { context.terminate() }
        let router = try context.socket(.router)
        try router.bind("inproc://envelope")
        let requester = try context.socket(.req)
        requester.routingID = "client"
        try requester.connect("inproc://envelope")
        try requester.send("hello")

        var request = try router.receive()
        let popped = request.popEnvelope()
        let envelope = try #require(popped)
        #expect(envelope == ["client"])
        #expect(request == "hello")
        var reply: Message = "hi"
        reply.pushEnvelope(envelope)
        try router.send(reply)
        #expect(try requester.receive() == "hi")
    }
}
