import RingMQ
import Testing

/// Orders a controlled run's replay relies on (issue 16): where RingMQ walked a Set or a
/// Dictionary, whose order is per process, it now walks a sorted order, the same in every run.
@Suite(.runsAlone) struct ReplayableOrderTests {
    /// A SUB that subscribed before connecting primes the connection with its subscriptions:
    /// the XPUB receives them in prefix order, not in the dictionary's order.
    @Test func aSubscribersPrimedSubscriptionsArriveInPrefixOrder() throws {
        let test = TestContext()
        let xpub = try test.socket(.xpub)
        try xpub.bind("inproc://primed")
        let sub = try test.socket(.sub)
        let prefixes = ["h", "c", "f", "a", "g", "b", "e", "d"]
        for prefix in prefixes { try sub.subscribe(prefix) }
        try sub.connect("inproc://primed")
        var received: [Message] = []
        while let message = try xpub.tryReceive() { received.append(message) }
        #expect(received == prefixes.sorted().map(subscribeMessage))
    }
}
