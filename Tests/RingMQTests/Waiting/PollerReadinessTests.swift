import RingMQ
import Testing

/// What `Poller.poll` reports without waiting (timeout `.zero`): exactly the registered
/// sockets that are ready, for exactly the registered events that hold, in registration
/// order; closed sockets skipped; `.terminated` after terminate. Deterministic: no threads.
@Suite(.runsAlone) struct PollerReadinessTests {
    @Test func tenPullsReportExactlyTheSubsetThatHoldsMessages() throws {
        let test = TestContext()
        let fixture = try PollFixture(test, name: "poll-subset")
        let poller = fixture.readablePoller
        #expect(try poller.poll(timeout: .zero).isEmpty)

        for index in [1, 4, 7, 8, 4] { try fixture.pushes[index].send(numbered(index)) }
        let items = try poller.poll(timeout: .zero)
        #expect(fixture.indices(items) == [1, 4, 7, 8])
        #expect(items.allSatisfy { $0.events == .readable })

        #expect(try fixture.pulls[1].tryReceive() == numbered(1))
        #expect(try fixture.pulls[4].tryReceive() == numbered(4))
        #expect(fixture.indices(try poller.poll(timeout: .zero)) == [4, 7, 8])
        #expect(try fixture.pulls[4].tryReceive() == numbered(4))
        #expect(fixture.indices(try poller.poll(timeout: .zero)) == [7, 8])
        for index in [7, 8] { _ = try drain(fixture.pulls[index]) }
        #expect(try poller.poll(timeout: .zero).isEmpty)
    }

    @Test func readySocketsComeInRegistrationOrder() throws {
        let test = TestContext()
        let fixture = try PollFixture(test, name: "poll-order")
        var poller = Poller()
        let order = [9, 2, 5, 0, 7, 1, 8, 3, 6, 4]
        for index in order { poller.register(fixture.pulls[index], for: .readable) }
        #expect(poller.sockets.map { socket in fixture.pulls.firstIndex { $0 === socket } } == order)

        for push in fixture.pushes { try push.send("x") }
        #expect(fixture.indices(try poller.poll(timeout: .zero)) == order)
    }

    @Test func theAsyncFormReportsTheSame() async throws {
        let test = TestContext()
        let fixture = try PollFixture(test, name: "poll-async-same")
        let poller = fixture.readablePoller
        #expect(try await poller.poll(timeout: .zero).isEmpty)
        for index in [0, 3, 9] { try await fixture.pushes[index].send("x") }
        #expect(fixture.indices(try await poller.poll(timeout: .zero)) == [0, 3, 9])
    }

    @Test func pushIsWritableExactlyWhileItHasRoom() throws {
        let test = TestContext()
        let pull = try test.socket(.pull)
        pull.receiveHighWaterMark = 1
        try pull.bind("inproc://poll-writable")
        let push = try test.socket(.push)
        push.sendHighWaterMark = 1
        var poller = Poller()
        poller.register(push, for: .writable)

        #expect(try poller.poll(timeout: .zero).isEmpty, "a PUSH without peers cannot send")
        try push.connect("inproc://poll-writable")
        #expect(try poller.poll(timeout: .zero).map(\.events) == [.writable])
        #expect(try fill(push) == 2)
        #expect(try poller.poll(timeout: .zero).isEmpty, "full")
        #expect(try pull.tryReceive() == numbered(0))
        #expect(try poller.poll(timeout: .zero).map(\.events) == [.writable])
    }

    @Test func onlyTheRegisteredEventsAreReported() throws {
        let test = TestContext()
        let left = try test.socket(.pair)
        try left.bind("inproc://poll-events")
        let right = try test.socket(.pair)
        try right.connect("inproc://poll-events")
        try right.send("for left")

        var poller = Poller()
        poller.register(left, for: [.readable, .writable])
        #expect(try poller.poll(timeout: .zero).map(\.events) == [[.readable, .writable]])
        poller.register(left, for: .writable)  // replaces
        #expect(try poller.poll(timeout: .zero).map(\.events) == [.writable])
        poller.register(left, for: .readable)
        #expect(try poller.poll(timeout: .zero).map(\.events) == [.readable])
        #expect(poller.sockets.count == 1)
        poller.unregister(left)
        #expect(poller.sockets.isEmpty)
        #expect(try poller.poll(timeout: .zero).isEmpty)
    }

    @Test func typesReportOnlyWhatTheyCanDo() throws {
        let test = TestContext()
        let pub = try test.socket(.pub)
        pub.sendHighWaterMark = 1
        try pub.bind("inproc://poll-types")
        let sub = try test.socket(.sub)
        sub.receiveHighWaterMark = 1
        try sub.connect("inproc://poll-types")
        try sub.subscribe("")
        for _ in 0..<5 { try pub.send("news") }  // the subscriber's queue is full now

        var poller = Poller()
        poller.register(pub, for: [.readable, .writable])
        poller.register(sub, for: [.readable, .writable])
        let items = try poller.poll(timeout: .zero)
        #expect(items.count == 2)
        #expect(items.first?.socket === pub && items.first?.events == .writable, "a PUB drops, so never waits")
        #expect(items.last?.socket === sub && items.last?.events == .readable)
    }

    @Test func aSocketClosedWhileRegisteredIsSkipped() throws {
        let test = TestContext()
        let fixture = try PollFixture(test, name: "poll-closed", count: 3)
        let poller = fixture.readablePoller
        try fixture.pushes[1].send("lost with the socket")
        #expect(fixture.indices(try poller.poll(timeout: .zero)) == [1])
        fixture.pulls[1].close()
        #expect(try poller.poll(timeout: .zero).isEmpty)
        try fixture.pushes[2].send("x")
        #expect(fixture.indices(try poller.poll(timeout: .zero)) == [2])
        #expect(poller.sockets.count == 3, "closing does not unregister")
    }

    @Test func pollingAfterTerminateThrows() async throws {
        let test = TestContext()
        let fixture = try PollFixture(test, name: "poll-terminated", count: 2)
        try await fixture.pushes[0].send("x")
        test.terminate()
        let poller = fixture.readablePoller
        await expectAsyncError(.terminated) { try await poller.poll(timeout: .zero) }
        await expectAsyncError(.terminated) { try await poller.poll(timeout: nil) }
        let blocking = Peer { try poller.poll(timeout: .zero) }
        #expect(throws: RingMQError.terminated) { try blocking.join().get() }
    }
}
