import RingMQ
import Testing

/// A bound PUB and a connected SUB (HWM 0 on both, so nothing is dropped).
private func pubSub(_ test: TestContext, _ name: String = "inproc://filter") throws -> (pub: Socket, sub: Socket) {
    let pub = try test.socket(.pub)
    pub.sendHighWaterMark = 0
    try pub.bind(name)
    let sub = try test.socket(.sub)
    sub.receiveHighWaterMark = 0
    try sub.connect(name)
    return (pub, sub)
}

/// What a SUB lets through: byte prefixes of the first frame, `""` for everything, counted
/// subscriptions, multipart messages filtered on their first frame and delivered whole, and
/// queued messages dropped once an unsubscription no longer matches them.
@Suite(.runsAlone) struct PubSubFilterTests {
    @Test func subscriberGetsOnlyWhatStartsWithItsPrefix() throws {
        let test = TestContext()
        let (pub, sub) = try pubSub(test)
        try sub.subscribe("ab")
        for topic in ["abc", "a", "ab", "xab", "b", "aB", "abab", ""] { try pub.send(Message(topic)) }
        #expect(try drain(sub) == ["abc", "ab", "abab"])
    }

    @Test func nothingArrivesWithoutASubscription() throws {
        let test = TestContext()
        let (pub, sub) = try pubSub(test)
        for i in 0..<10 { try pub.send(numbered(i)) }
        #expect(try drain(sub).isEmpty)
        try sub.subscribe("")
        try pub.send("now")
        #expect(try drain(sub) == ["now"])
    }

    @Test func emptyPrefixMatchesEverythingIncludingAnEmptyFrame() throws {
        let test = TestContext()
        let (pub, sub) = try pubSub(test)
        try sub.subscribe("")
        let messages: [Message] = ["x", Message(Frame()), [Frame(), "body"], Message([0, 255]), "long topic"]
        for message in messages { try pub.send(message) }
        #expect(try drain(sub) == messages)
    }

    @Test func prefixesAreBytesNotText() throws {
        let test = TestContext()
        let (pub, sub) = try pubSub(test)
        try sub.subscribe(Frame([0, 1]))
        try sub.subscribe(Frame([0xC3]))  // the first byte of "é" in UTF-8
        let sent: [Message] = [Message([0, 1, 2]), Message([0]), Message([0, 2]), "é", "e", Message([0xC3, 0x28])]
        for message in sent { try pub.send(message) }
        #expect(try drain(sub) == [Message([0, 1, 2]), "é", Message([0xC3, 0x28])])
    }

    @Test func multipartMessagesAreFilteredOnTheirFirstFrameAndDeliveredWhole() throws {
        let test = TestContext()
        let (pub, sub) = try pubSub(test)
        try sub.subscribe("topic")
        try pub.send(["topic.1", "body", "more"])
        try pub.send(["other", "topic"])  // only the first frame counts
        try pub.send(["topic", Frame()])
        try pub.send(["to", "pic"])
        #expect(try drain(sub) == [["topic.1", "body", "more"], ["topic", Frame()]])
    }

    @Test func overlappingSubscriptionsDeliverOneCopy() throws {
        let test = TestContext()
        let (pub, sub) = try pubSub(test)
        for prefix in ["", "a", "ab", "abc"] { try sub.subscribe(Frame(prefix)) }
        try pub.send("abcd")
        try pub.send("z")
        #expect(try drain(sub) == ["abcd", "z"])
    }

    @Test func subscriptionsAreCounted() throws {
        let test = TestContext()
        let (pub, sub) = try pubSub(test)
        try sub.subscribe("news")
        try sub.subscribe("news")
        try sub.unsubscribe("news")
        try pub.send("news 1")
        #expect(try drain(sub) == ["news 1"], "subscribed twice, unsubscribed once: still subscribed")
        try sub.unsubscribe("news")
        try pub.send("news 2")
        #expect(try drain(sub).isEmpty, "both subscriptions gone")
        try sub.unsubscribe("news")  // a third unsubscribe is a no-op, not a negative count
        try sub.subscribe("news")
        try pub.send("news 3")
        #expect(try drain(sub) == ["news 3"])
    }

    @Test func unsubscribingFromWhatWasNeverSubscribedIsANoOp() throws {
        let test = TestContext()
        let (pub, sub) = try pubSub(test)
        try sub.subscribe("a")
        try sub.unsubscribe("zzz")
        try sub.unsubscribe("ab")  // longer than a subscription: a different prefix
        try sub.unsubscribe("")
        try pub.send("ab")
        try pub.send("zzz")
        #expect(try drain(sub) == ["ab"])
    }

    @Test func unsubscribingOnePrefixKeepsTheOthers() throws {
        let test = TestContext()
        let (pub, sub) = try pubSub(test)
        for prefix in ["a", "ab", "b"] { try sub.subscribe(Frame(prefix)) }
        try sub.unsubscribe("a")
        for topic in ["a", "ab", "abc", "b", "c"] { try pub.send(Message(topic)) }
        #expect(try drain(sub) == ["ab", "abc", "b"])
    }

    @Test func unsubscribingDropsQueuedMessagesThatNoLongerMatch() throws {
        // libzmq's SUB filters on its side too: what was queued before the unsubscription
        // and matches no remaining subscription is not delivered.
        let test = TestContext()
        let (pub, sub) = try pubSub(test)
        try sub.subscribe("a")
        try sub.subscribe("b")
        try sub.subscribe("bb")
        for topic in ["a1", "b1", "bb1", "a2", "b2"] { try pub.send(Message(topic)) }
        try sub.unsubscribe("b")
        #expect(try drain(sub) == ["a1", "bb1", "a2"])
    }

    @Test func eachSubscriberGetsItsOwnTopics() throws {
        let test = TestContext()
        let pub = try test.socket(.pub)
        try pub.bind("inproc://topics")
        let subs = try ["red", "green", "re"].map { prefix in
            let sub = try test.socket(.sub)
            try sub.connect("inproc://topics")
            try sub.subscribe(Frame(prefix))
            return sub
        }
        for topic in ["red 1", "green 1", "blue 1", "rebus", "red 2"] { try pub.send(Message(topic)) }
        #expect(try drain(subs[0]) == ["red 1", "red 2"])
        #expect(try drain(subs[1]) == ["green 1"])
        #expect(try drain(subs[2]) == ["red 1", "rebus", "red 2"])
    }

    @Test func aLongPrefixAndTopicMatchByteForByte() throws {
        let test = TestContext()
        let (pub, sub) = try pubSub(test)
        let prefix = (0..<100_000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        try sub.subscribe(Frame(prefix))
        var differsAtTheEnd = prefix
        differsAtTheEnd[prefix.count - 1] &+= 1
        try pub.send(Message(prefix + [1, 2, 3]))
        try pub.send(Message(differsAtTheEnd))
        try pub.send(Message(Array(prefix.dropLast())))
        try pub.send(Message(prefix))
        #expect(try drain(sub).map { $0[0].count } == [100_003, 100_000])
    }
}
