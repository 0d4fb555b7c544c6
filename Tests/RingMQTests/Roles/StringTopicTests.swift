import RingMQ
import Testing

/// Any `StringProtocol` where a topic, prefix or routing id is asked: `subscribe` and
/// `unsubscribe` take a literal, a `String` variable and a `Substring` alike (this file
/// compiling is half the test: a literal must not be ambiguous between the `Frame` and the
/// `StringProtocol` overloads), and `Frame(substring)` makes a routing id or a topic frame.
@Suite struct StringTopicTests {
    @Test func aLiteralAStringAndASubstringSubscribeToTheSameBytes() throws {
        let test = TestContext()
        let sub = try test.socket(.sub)
        let topic: String = "EUR"
        let line = "EUR/USD 1.08"
        let slice: Substring = line.prefix(3)
        try sub.subscribe("EUR")  // literal
        try sub.subscribe(topic)  // String variable
        try sub.subscribe(slice)  // Substring
        try sub.subscribe(Frame("EUR"))  // the Frame form, as before
        try sub.subscribe("\(topic)")  // interpolation
        #expect(sub.subscriptions == [Frame(Array("EUR".utf8)): 5])

        try sub.unsubscribe("EUR")
        try sub.unsubscribe(topic)
        try sub.unsubscribe(slice)
        try sub.unsubscribe(Frame("EUR"))
        #expect(sub.subscriptions == [Frame(Array("EUR".utf8)): 1])
        try sub.unsubscribe(line.dropLast(9))  // a Substring of "EUR"
        #expect(sub.subscriptions.isEmpty)
    }

    @Test func aSubstringTopicFiltersAsItsBytes() throws {
        let test = TestContext()
        let pub = try test.socket(.pub)
        try pub.bind("inproc://string-topic")
        let sub = try test.socket(.sub)
        try sub.connect("inproc://string-topic")
        let wanted = "prices.café rates"
        try sub.subscribe(wanted.split(separator: " ")[0])  // "prices.café", a Substring
        for topic in ["prices.caf", "prices.café", "prices.café.EUR", "prices.cafe"] {
            try pub.send(Message(Frame(topic)))
        }
        #expect(try drain(sub) == ["prices.café", "prices.café.EUR"])
    }

    @Test func aFrameFromASubstringHoldsItsUTF8() {
        let text = "id:ünïcode-peer-with-a-long-name"
        let slice = text.dropFirst(3)
        #expect(Frame(slice).bytes == Array(slice.utf8))
        #expect(Frame(slice) == Frame(String(slice)))
        #expect(Frame(text.prefix(0)).isEmpty)
    }

    @Test func aSubstringRoutingIDReachesTheRouter() throws {
        let test = TestContext()
        let router = try test.socket(.router)
        try router.bind("inproc://string-routing-id")
        let dealer = try test.socket(.dealer)
        let name = "worker-7 (idle)"
        dealer.routingID = Frame(name.prefix { $0 != " " })
        try dealer.connect("inproc://string-routing-id")
        try dealer.send("ready")
        let message = try router.receive()
        #expect(message[0] == "worker-7")
    }
}
