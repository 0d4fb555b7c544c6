import RingMQ
import Testing

/// The deprecated forms still compile and still do what their replacements do, until they are
/// removed. Each test is itself marked deprecated, so calling them here warns no one; the rest
/// of the package uses the replacements.
@Suite(.runsAlone) struct DeprecatedAPITests {
    @available(*, deprecated, message: "tests set(sendHighWaterMark:) and set(receiveHighWaterMark:)")
    @Test func theHighWaterMarkSettersAreSetOption() throws {
        let context = TestContext()
        let socket = try context.socket(.push)
        try socket.set(sendHighWaterMark: 7)
        try socket.set(receiveHighWaterMark: 9)
        #expect(socket.sendHighWaterMark == 7)
        #expect(socket.receiveHighWaterMark == 9)

        let send = expectError(.invalidOption) { try socket.set(sendHighWaterMark: -1) }
        #expect(send?.contains("sendHighWaterMark") == true, "the message should name the option: \(send ?? "")")
        let receive = expectError(.invalidOption) { try socket.set(receiveHighWaterMark: -1) }
        #expect(
            receive?.contains("receiveHighWaterMark") == true,
            "the message should name the option: \(receive ?? "")")
        #expect(socket.sendHighWaterMark == 7)
        #expect(socket.receiveHighWaterMark == 9)

        socket.close()
        #expect(throws: RingMQError.socketClosed) { try socket.set(sendHighWaterMark: 5) }
        #expect(throws: RingMQError.socketClosed) { try socket.set(receiveHighWaterMark: 5) }
        let other = try context.socket(.pull)
        context.terminate()
        #expect(throws: RingMQError.terminated) { try other.set(sendHighWaterMark: 5) }
        #expect(throws: RingMQError.terminated) { try other.set(receiveHighWaterMark: 5) }
    }

    @available(*, deprecated, message: "tests the events property")
    @Test func eachReadOfTheEventsPropertyMakesANewStream() async throws {
        let test = TestContext()
        let pull = try test.socket(.pull)
        let first = pull.events
        try pull.bind("inproc://deprecated-events-a")
        let second = pull.events
        try pull.bind("inproc://deprecated-events-b")
        try pull.unbind("inproc://deprecated-events-a")
        pull.close()

        let bindA = SocketEvent.bound(endpoint: "inproc://deprecated-events-a")
        let bindB = SocketEvent.bound(endpoint: "inproc://deprecated-events-b")
        let unbindA = SocketEvent.unbound(endpoint: "inproc://deprecated-events-a")
        let unbindB = SocketEvent.unbound(endpoint: "inproc://deprecated-events-b")
        #expect(try await remainingEvents(of: first) == [bindA, bindB, unbindA, unbindB])
        #expect(try await remainingEvents(of: second) == [bindB, unbindA, unbindB])
    }
}
