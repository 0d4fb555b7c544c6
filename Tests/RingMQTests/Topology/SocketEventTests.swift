import RingMQ
import Testing

/// `socket.makeEventStream()`: `.bound`/`.unbound`, `.peerAttached` on both ends (when a connect to a
/// bound socket returns, and for a connect-before-bind when the bind returns), `.peerDetached`
/// on both ends when one disconnects or closes, and the stream's end on close and on
/// terminate.
///
/// Events are emitted by the call that makes the change, so a test reads them right after the
/// call, and the transcript up to a later `close()` shows them in call order. Reads are
/// bounded by ``withTimeout(_:sourceLocation:_:)``: a missing event or an unfinished stream
/// fails instead of hanging.
@Suite(.runsAlone) struct SocketEventTests {
    @Test func bindAndUnbind() async throws {
        let test = TestContext()
        let pull = try test.socket(.pull)
        let events = pull.makeEventStream()
        try pull.bind("inproc://events-bind")
        #expect(try await nextEvents(1, of: events) == [.bound(endpoint: "inproc://events-bind")])
        try pull.unbind("inproc://events-bind")
        #expect(try await nextEvents(1, of: events) == [.unbound(endpoint: "inproc://events-bind")])

        try pull.bind("inproc://events-bind-2")
        pull.close()
        #expect(
            try await remainingEvents(of: events) == [
                .bound(endpoint: "inproc://events-bind-2"),
                .unbound(endpoint: "inproc://events-bind-2"),
            ])
    }

    @Test func aConnectToABoundSocketAttachesBothEnds() async throws {
        let test = TestContext()
        let endpoint = "inproc://events-connect"
        let pull = try test.socket(.pull)
        try pull.bind(endpoint)
        let binderEvents = pull.makeEventStream()
        let push = try test.socket(.push)
        let connecterEvents = push.makeEventStream()
        try push.connect(endpoint)

        // Both streams hold the event when connect returns, before the binder does anything.
        #expect(try await nextEvents(1, of: binderEvents) == [.peerAttached(endpoint: endpoint)])
        #expect(try await nextEvents(1, of: connecterEvents) == [.peerAttached(endpoint: endpoint)])
    }

    @Test func aConnectBeforeBindAttachesBothEndsAtTheBind() async throws {
        let test = TestContext()
        let endpoint = "inproc://events-connect-first"
        let push = try test.socket(.push)
        let connecterEvents = push.makeEventStream()
        try push.connect(endpoint)
        let pull = try test.socket(.pull)
        let binderEvents = pull.makeEventStream()
        try pull.bind(endpoint)
        push.close()
        pull.close()

        // The connect alone attached nothing: the first event of the connecter is the bind's.
        // The connecter closes first; the binder, closing next, has nothing left to detach.
        let connecterTranscript = try await remainingEvents(of: connecterEvents)
        let binderTranscript = try await remainingEvents(of: binderEvents)
        #expect(
            connecterTranscript == [
                .peerAttached(endpoint: endpoint),
                .peerDetached(endpoint: endpoint),
            ])
        #expect(
            binderTranscript == [
                .bound(endpoint: endpoint),
                .peerAttached(endpoint: endpoint),
                .peerDetached(endpoint: endpoint),
                .unbound(endpoint: endpoint),
            ])
    }

    /// `binderHasUsedTheConnection`: whether the binder made a call (and so took the new
    /// connection into use) between the connect and the disconnect.
    @Test(arguments: [false, true])
    func aDisconnectDetachesBothEndsOnce(binderHasUsedTheConnection: Bool) async throws {
        let test = TestContext()
        let endpoint = "inproc://events-disconnect"
        let pull = try test.socket(.pull)
        try pull.bind(endpoint)
        let push = try test.socket(.push)
        try push.connect(endpoint)
        if binderHasUsedTheConnection { #expect(try pull.tryReceive() == nil) }
        let binderEvents = pull.makeEventStream()
        let connecterEvents = push.makeEventStream()

        try push.disconnect(endpoint)
        #expect(try await nextEvents(1, of: binderEvents) == [.peerDetached(endpoint: endpoint)])
        #expect(try await nextEvents(1, of: connecterEvents) == [.peerDetached(endpoint: endpoint)])

        // Nothing is left to detach: the closes (binder first, while the connecter's stream
        // is still open) report only the binder's unbind.
        pull.close()
        push.close()
        let binderRest = try await remainingEvents(of: binderEvents)
        let connecterRest = try await remainingEvents(of: connecterEvents)
        #expect(binderRest == [.unbound(endpoint: endpoint)])
        #expect(connecterRest == [])
    }

    /// Each end must report the connection's end exactly once, whichever end closes and
    /// whether or not the binder had taken the connection into use (made a call since the
    /// connect). The staying end makes a call before it closes too, so that it has seen the
    /// other end leave.
    @Test(arguments: [false, true], [false, true])
    func closingEitherEndDetachesBothOnce(closingTheBinder: Bool, binderHasUsedTheConnection: Bool) async throws {
        let test = TestContext()
        let endpoint = "inproc://events-close"
        let binder = try test.socket(.pair)
        try binder.bind(endpoint)
        let connecter = try test.socket(.pair)
        try connecter.connect(endpoint)
        if binderHasUsedTheConnection { #expect(try binder.tryReceive() == nil) }
        let binderEvents = binder.makeEventStream()
        let connecterEvents = connecter.makeEventStream()

        let (closing, staying) = closingTheBinder ? (binder, connecter) : (connecter, binder)
        closing.close()
        _ = staying.statistics
        staying.close()

        let binderTranscript = try await remainingEvents(of: binderEvents)
        let connecterTranscript = try await remainingEvents(of: connecterEvents)
        #expect(
            tally(binderTranscript) == [.peerDetached(endpoint: endpoint): 1, .unbound(endpoint: endpoint): 1],
            "binder: \(binderTranscript)")
        #expect(
            tally(connecterTranscript) == [.peerDetached(endpoint: endpoint): 1],
            "connecter: \(connecterTranscript)")
    }

    @Test func aBinderWithThreePeersSeesEachComeAndGo() async throws {
        let test = TestContext()
        let endpoint = "inproc://events-three"
        let pull = try test.socket(.pull)
        let events = pull.makeEventStream()
        try pull.bind(endpoint)
        let pushes = try (0..<3).map { _ in
            let push = try test.socket(.push)
            try push.connect(endpoint)
            return push
        }
        #expect(pull.statistics.peers == 3)
        pushes[1].close()
        #expect(pull.statistics.peers == 2)
        pull.close()
        #expect(
            try await remainingEvents(of: events) == [
                .bound(endpoint: endpoint),
                .peerAttached(endpoint: endpoint), .peerAttached(endpoint: endpoint), .peerAttached(endpoint: endpoint),
                .peerDetached(endpoint: endpoint),
                .unbound(endpoint: endpoint),
                .peerDetached(endpoint: endpoint), .peerDetached(endpoint: endpoint),
            ])
    }

    @Test func everyStreamOfASocketSeesEveryEventFromItsStartOn() async throws {
        let test = TestContext()
        let pull = try test.socket(.pull)
        let first = pull.makeEventStream()
        try pull.bind("inproc://events-streams-a")
        let second = pull.makeEventStream()
        try pull.bind("inproc://events-streams-b")
        pull.close()

        // One close unbinds both names, in no particular order.
        let unbinds: Set<SocketEvent> = [
            .unbound(endpoint: "inproc://events-streams-a"), .unbound(endpoint: "inproc://events-streams-b"),
        ]
        let firstAll = try await remainingEvents(of: first)
        #expect(
            firstAll.prefix(2) == [
                .bound(endpoint: "inproc://events-streams-a"), .bound(endpoint: "inproc://events-streams-b"),
            ])
        #expect(firstAll.count == 4 && Set(firstAll.dropFirst(2)) == unbinds)
        let secondAll = try await remainingEvents(of: second)
        #expect(secondAll.prefix(1) == [.bound(endpoint: "inproc://events-streams-b")])
        #expect(secondAll.count == 3 && Set(secondAll.dropFirst(1)) == unbinds)
    }

    @Test func aRefusedConnectAttachesNothing() async throws {
        let test = TestContext()
        let pull = try test.socket(.pull)
        try pull.bind("inproc://events-refused")
        let pullEvents = pull.makeEventStream()
        let sub = try test.socket(.sub)
        let subEvents = sub.makeEventStream()
        expectError(.incompatibleSocketTypes) { try sub.connect("inproc://events-refused") }
        sub.close()
        pull.close()
        #expect(try await remainingEvents(of: subEvents) == [])
        #expect(try await remainingEvents(of: pullEvents) == [.unbound(endpoint: "inproc://events-refused")])
    }

    @Test func aPendingConnectThatNeverFormsReportsNothing() async throws {
        let test = TestContext()
        let push = try test.socket(.push)
        let events = push.makeEventStream()
        try push.connect("inproc://events-never-bound")
        try push.disconnect("inproc://events-never-bound")
        try push.connect("inproc://events-never-bound")
        push.close()
        #expect(try await remainingEvents(of: events) == [])
    }

    // MARK: - The end of the stream

    @Test func theStreamFinishesOnCloseAndIsFinishedForLateListeners() async throws {
        let test = TestContext()
        let pull = try test.socket(.pull)
        let events = pull.makeEventStream()
        let listener = Task { await events.reduce(0) { count, _ in count + 1 } }
        pull.close()
        #expect(try await withTimeout { await listener.value } == 0)
        #expect(try await remainingEvents(of: pull.makeEventStream()) == [])
    }

    @Test func theStreamFinishesOnTerminate() async throws {
        let test = TestContext()
        let pull = try test.socket(.pull)
        try pull.bind("inproc://events-terminate")
        let push = try test.socket(.push)
        try push.connect("inproc://events-terminate")
        let pullEvents = pull.makeEventStream()
        let pushEvents = push.makeEventStream()
        let listener = Task { await pushEvents.reduce(into: [SocketEvent]()) { $0.append($1) } }
        try push.disconnect("inproc://events-terminate")
        test.terminate()
        #expect(
            try await withTimeout { await listener.value } == [.peerDetached(endpoint: "inproc://events-terminate")])
        #expect(try await remainingEvents(of: pullEvents) == [.peerDetached(endpoint: "inproc://events-terminate")])
        #expect(try await remainingEvents(of: pull.makeEventStream()) == [])
    }
}

/// How many times each event occurs in `events` (for a close, whose events come in an
/// unspecified order).
private func tally(_ events: [SocketEvent]) -> [SocketEvent: Int] {
    events.reduce(into: [:]) { $0[$1, default: 0] += 1 }
}
