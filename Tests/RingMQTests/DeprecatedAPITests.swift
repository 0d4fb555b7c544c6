import RingMQ
import Testing

/// The deprecated forms still compile and still do what their replacements do, until they are
/// removed. Each test is itself marked deprecated, so calling them here warns no one; the rest
/// of the package uses the replacements.
@Suite(.runsAlone) struct DeprecatedAPITests {
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
