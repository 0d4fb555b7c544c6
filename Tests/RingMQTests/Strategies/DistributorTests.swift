import Synchronization
import Testing

@testable import RingMQ

/// One subscriber as a ``Distributor`` sees it: a connection (its identity, and where it says
/// whether it inverts matching), the pipe messages go down, and the pipe subscriptions come up.
private struct Subscriber {
    let connection: Connection
    let data: Pipe
    let upstream = Pipe(limit: Pipe.unbounded)

    init(limit: UInt64 = Pipe.unbounded, conflating: Bool = false) throws {
        let port = SocketPort(type: .sub, options: PeerOptions(sendHighWaterMark: 0, receiveHighWaterMark: 0))
        connection = Connection(
            endpoint: try EndpointName(parsing: "inproc://distributor"), connecter: port,
            options: port.currentPeerOptions, binder: nil, binderOptions: nil)
        data = Pipe(limit: limit, conflating: conflating)
    }

    func subscribe(_ prefix: Frame) { upstream.writer.write(SubscriptionMessage.make(subscribe: true, prefix)) }
    func unsubscribe(_ prefix: Frame) { upstream.writer.write(SubscriptionMessage.make(subscribe: false, prefix)) }

    /// The first frames of what reached this subscriber, as text.
    func received() -> [String] { data.readAll().map { $0[0].string } }
}

extension Distributor {
    fileprivate mutating func add(_ subscriber: Subscriber) {
        add(subscriber.connection, writer: subscriber.data.writer, reader: subscriber.upstream.reader)
    }

    /// Applies what the subscribers sent up; what each message did, in order.
    fileprivate mutating func applyUpstream() -> [String] {
        var effects: [String] = []
        readUpstream(Reading()) { _, effect, _ in
            switch effect {
            case .subscribed(let prefix, let isNew): effects.append("+\(prefix.string)" + (isNew ? " new" : ""))
            case .unsubscribed(let prefix, let wasLast): effects.append("-\(prefix.string)" + (wasLast ? " last" : ""))
            case .ignored: effects.append("ignored")
            case .other: effects.append("other")
            }
        }
        return effects
    }

    /// Publishes one message per topic; returns how many were dropped for full subscribers.
    @discardableResult
    fileprivate mutating func publish(_ topics: String..., invertAll: Bool = false) -> Int {
        topics.reduce(0) { $0 + publish(Message($1), invertAll: invertAll) }
    }

    fileprivate var heldSubscriptions: [String] {
        subscriptions().map(\.prefix).map { String(decoding: $0, as: UTF8.self) }.sorted()
    }
}

/// ``Distributor`` alone, on real pipes and one thread (a subscriber's connection serves only
/// as its identity): each message goes once to every subscriber holding a prefix of its
/// topic, a full subscriber misses it and the drop is counted, subscriptions come and go with
/// what they report for an XPUB, and a departed subscriber's slot is reused clean.
///
/// Not reached here: the wrap of the 32-bit match epoch in `collectMatches` (it takes 2³²
/// publishes, and the epoch is private).
@Suite(.runsAlone) struct DistributorTests {
    // MARK: - Matching

    @Test func eachMessageGoesOnceToEverySubscriberHoldingAPrefixOfItsTopic() throws {
        var dropped = 0
        var distributor = Distributor()
        let subscribers = try (0..<4).map { _ in try Subscriber() }
        for subscriber in subscribers { distributor.add(subscriber) }
        subscribers[0].subscribe("a")
        subscribers[0].subscribe("ab")  // both match "abc": still one copy
        subscribers[1].subscribe("ab")
        subscribers[2].subscribe("")
        subscribers[3].subscribe("b")
        _ = distributor.applyUpstream()
        dropped += distributor.publish("abc", "a", "b1", "xyz", "")
        #expect(subscribers[0].received() == ["abc", "a"])
        #expect(subscribers[1].received() == ["abc"])
        #expect(subscribers[2].received() == ["abc", "a", "b1", "xyz", ""])
        #expect(subscribers[3].received() == ["b1"])
        #expect(dropped == 0)
    }

    @Test func invertedMatchingSendsWhatASubscriberDoesNotHold() throws {
        var distributor = Distributor()
        let (plain, inverting) = try (Subscriber(), Subscriber())
        distributor.add(plain)
        distributor.add(inverting)
        plain.subscribe("a")
        inverting.subscribe("a")
        inverting.connection.subscriberInverts.store(true, ordering: .releasing)
        _ = distributor.applyUpstream()
        distributor.publish("a1", "b1")
        #expect(plain.received() == ["a1"])
        #expect(inverting.received() == ["b1"])
        distributor.publish("a2", "b2", invertAll: true)
        #expect(plain.received() == ["b2"], "the publisher inverts for every subscriber")
        #expect(inverting.received() == ["b2"])
    }

    @Test func aConflatingSubscribersPipeHoldsTheNewestMessage() throws {
        var dropped = 0
        var distributor = Distributor()
        let subscriber = try Subscriber(limit: 1, conflating: true)
        distributor.add(subscriber)
        subscriber.subscribe("t")
        _ = distributor.applyUpstream()
        dropped += distributor.publish("t1", "t2", "u", "t3")
        #expect(subscriber.received() == ["t3"])
        #expect(dropped == 0, "conflation replaces; it does not drop, even past the limit")
    }

    // MARK: - Full subscribers

    @Test func aFullSubscriberMissesMessagesAndEachIsCounted() throws {
        var dropped = 0
        var distributor = Distributor()
        let (slow, fast) = try (Subscriber(limit: 2), Subscriber())
        distributor.add(slow)
        distributor.add(fast)
        slow.subscribe("")
        fast.subscribe("")
        _ = distributor.applyUpstream()
        dropped += distributor.publish("1", "2", "3", "4", "5")
        #expect(slow.received() == ["1", "2"])
        #expect(fast.received() == ["1", "2", "3", "4", "5"])
        #expect(dropped == 3)
        dropped += distributor.publish("6")
        #expect(slow.received() == ["6"], "room again once read")
        #expect(dropped == 3)
    }

    @Test func aMessageAFullSubscriberDoesNotWantIsNoDrop() throws {
        var dropped = 0
        var distributor = Distributor()
        let full = try Subscriber(limit: 1)
        distributor.add(full)
        full.subscribe("a")
        _ = distributor.applyUpstream()
        dropped += distributor.publish("a1", "b1", "b2")
        #expect(dropped == 0)
        #expect(distributor.matchingHaveRoom("b3", invertAll: false) == true)
        #expect(distributor.matchingHaveRoom("a2", invertAll: false) == false)
        dropped += distributor.publish("a2")
        #expect(dropped == 1)
        #expect(full.received() == ["a1"])
        #expect(distributor.matchingHaveRoom("a3", invertAll: false) == true)
    }

    @Test func removeAllForgetsTheSubscribersButNotTheDrops() throws {
        var dropped = 0
        var distributor = Distributor()
        let full = try Subscriber(limit: 1)
        distributor.add(full)
        full.subscribe("")
        _ = distributor.applyUpstream()
        dropped += distributor.publish("1", "2")
        distributor.removeAll()
        #expect(distributor.count == 0)
        #expect(distributor.heldSubscriptions.isEmpty)
        #expect(dropped == 1)
    }

    // MARK: - Subscriptions coming and going

    @Test func upstreamMessagesReportWhatTheyChanged() throws {
        var distributor = Distributor()
        let (first, second) = try (Subscriber(), Subscriber())
        distributor.add(first)
        distributor.add(second)
        first.subscribe("a")
        first.subscribe("a")
        second.subscribe("a")
        first.unsubscribe("zzz")
        first.upstream.writer.write(["multi", "part"])
        #expect(distributor.applyUpstream() == ["+a new", "+a", "ignored", "other", "+a"])
        #expect(distributor.heldSubscriptions == ["a", "a"])
        first.unsubscribe("a")
        #expect(distributor.applyUpstream() == ["-a"], "the second subscriber still holds it")
        second.unsubscribe("a")
        #expect(distributor.applyUpstream() == ["-a last"])
        #expect(distributor.heldSubscriptions.isEmpty)
    }

    @Test func removingASubscriberReturnsThePrefixesNobodyHoldsAnyMore() throws {
        var distributor = Distributor()
        let (leaving, staying) = try (Subscriber(), Subscriber())
        distributor.add(leaving)
        distributor.add(staying)
        leaving.subscribe("a")
        leaving.subscribe("shared")
        staying.subscribe("shared")
        _ = distributor.applyUpstream()
        #expect(distributor.remove(leaving.connection) == [Array("a".utf8)])
        #expect(distributor.count == 1)
        #expect(distributor.remove(leaving.connection) == nil, "removed once")
        distributor.publish("a1", "shared1")
        #expect(leaving.received().isEmpty)
        #expect(staying.received() == ["shared1"])
        #expect(distributor.heldSubscriptions == ["shared"])
    }

    /// The newcomer takes the departed subscriber's id; it must inherit neither its
    /// subscriptions nor its pipes.
    @Test func aNewSubscriberInTheSlotOfOneThatLeftStartsClean() throws {
        var distributor = Distributor()
        let leaving = try Subscriber()
        distributor.add(leaving)
        let leavingID = distributor.id(of: leaving.connection)
        leaving.subscribe("old")
        _ = distributor.applyUpstream()
        _ = distributor.remove(leaving.connection)
        let newcomer = try Subscriber()
        distributor.add(newcomer)
        #expect(distributor.id(of: newcomer.connection) == leavingID)
        newcomer.subscribe("new")
        _ = distributor.applyUpstream()
        distributor.publish("old1", "new1")
        #expect(newcomer.received() == ["new1"])
        #expect(leaving.received().isEmpty)
    }

    @Test func subscriptionsMadeBeforeTheFirstPublishCountAndLaterOnesToo() throws {
        var distributor = Distributor()
        let subscriber = try Subscriber()
        subscriber.subscribe("early")  // primed into the pipe before the publisher adds it
        distributor.add(subscriber)
        _ = distributor.applyUpstream()
        distributor.publish("early1", "late1")
        subscriber.subscribe("late")
        _ = distributor.applyUpstream()
        distributor.publish("late2")
        #expect(subscriber.received() == ["early1", "late2"])
    }
}
