import Testing

@testable import RingMQ

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Regressions found in review: each sequence once broke PAIR exclusivity, freed memory still
/// in use, or mishandled an extreme option value.
@Suite(.runsAlone) struct TopologyRegressionTests {
    /// A drained pipe listed for release must not outlive its connection: its address may be
    /// reused by the next pipe, which would then be released by mistake (use after free).
    @Test func aDrainedPipeIsNotReleasedTwice() throws {
        let context = Context()
        let puller = try context.socket(.pull)
        for round in 0..<50 {
            let first = try context.socket(.push)
            let second = try context.socket(.push)
            let third = try context.socket(.push)
            try first.bind("inproc://x\(round)")
            try second.bind("inproc://y\(round)")
            try third.bind("inproc://z\(round)")
            try puller.connect("inproc://x\(round)")
            try puller.connect("inproc://y\(round)")
            try second.send("from y")
            first.close()
            #expect(try puller.tryReceive() == "from y")  // drains and releases x's pipe
            try puller.disconnect("inproc://x\(round)")
            try puller.connect("inproc://z\(round)")
            #expect(try puller.tryReceive() == nil)
            #expect(puller.core.pointee.attachments.count == 2, "round \(round): y and z must both stay attached")
            try third.send("from z")
            #expect(try puller.tryReceive() == "from z")
            try puller.disconnect("inproc://y\(round)")
            try puller.disconnect("inproc://z\(round)")
            second.close()
            third.close()
        }
    }

    private func fourPairs(_ context: Context) throws -> (Socket, Socket, Socket, Socket) {
        let a = try context.socket(.pair)
        let b = try context.socket(.pair)
        let c = try context.socket(.pair)
        let d = try context.socket(.pair)
        try b.bind("inproc://x")
        try c.bind("inproc://y")
        try d.bind("inproc://z")
        return (a, b, c, d)
    }

    private func isRefusedAsExclusive(_ error: any Error) -> Bool {
        if case RingMQError.invalidState(let message) = error { return message.contains("PAIR") }
        return false
    }

    /// B closing late must not free the slot A's newer connection (to C) holds.
    @Test(arguments: [false, true])
    func aLateCloseCannotFreeAnotherConnectionsSlot(peerSawTheConnection: Bool) throws {
        let context = Context()
        let (a, b, c, d) = try fourPairs(context)
        try a.connect("inproc://x")
        if peerSawTheConnection { #expect(try b.tryReceive() == nil) }
        try a.disconnect("inproc://x")
        try a.connect("inproc://y")
        b.close()
        #expect(performing: { try a.connect("inproc://z") }, throws: isRefusedAsExclusive)
        try a.send("only to c")
        #expect(try c.tryReceive() == "only to c")
        #expect(try d.tryReceive() == nil)
    }

    /// Disconnecting from a peer that already left must not free the slot a newer connection holds.
    @Test func disconnectingALeftPeerKeepsTheCurrentSlot() throws {
        let context = Context()
        let (a, b, c, _) = try fourPairs(context)
        try a.connect("inproc://x")
        b.close()
        try a.connect("inproc://y")
        try a.disconnect("inproc://x")
        #expect(performing: { try a.connect("inproc://z") }, throws: isRefusedAsExclusive)
        try a.send("to c")
        #expect(try c.tryReceive() == "to c")
    }

    /// A connection that forms after its connecter closed only delivers what it holds: the
    /// bound PAIR stays free for a real peer.
    @Test func aLingeringConnectionDoesNotTakeThePairSlot() throws {
        let context = Context()
        let gone = try context.socket(.pair)
        try gone.connect("inproc://x")
        try gone.send("queued before the bind")
        gone.close()
        let bound = try context.socket(.pair)
        try bound.bind("inproc://x")
        #expect(try bound.tryReceive() == "queued before the bind")
        let newcomer = try context.socket(.pair)
        try newcomer.connect("inproc://x")
        try newcomer.send("hello")
        #expect(try bound.tryReceive() == "hello")
    }

    @Test func aLingerBeyondTheClocksRangeMeansForever() throws {
        let context = Context()
        let push = try context.socket(.push)
        push.linger = .seconds(Int64.max)
        try push.connect("inproc://late")
        try push.send("kept")
        push.close()
        let pull = try context.socket(.pull)
        try pull.bind("inproc://late")
        #expect(try pull.tryReceive() == "kept")
    }

    @Test func aReceiveTimeoutBeyondTheClocksRangeStillWaits() throws {
        let context = Context()
        let pull = try context.socket(.pull)
        try pull.bind("inproc://t")
        let push = try context.socket(.push)
        try push.connect("inproc://t")
        try push.send("ready")
        pull.receiveTimeout = .seconds(Int64.max)
        #expect(try pull.receive() == "ready")
    }

    @Test func highWaterMarksWhoseSumOverflowsMeanNoLimit() throws {
        let context = Context()
        let pull = try context.socket(.pull)
        pull.receiveHighWaterMark = Int.max
        try pull.bind("inproc://h")
        let push = try context.socket(.push)
        push.sendHighWaterMark = Int.max
        try push.connect("inproc://h")
        for index in 0..<5_000 { #expect(try push.trySend(Message("\(index)"))) }
        #expect(try pull.tryReceive() == "0")
    }

    /// Messages kept for a bind that never comes are dropped once their linger has passed, at
    /// the next topology change, instead of staying in memory for the life of the context.
    @Test func expiredLingeringMessagesAreDropped() throws {
        let context = Context()
        let push = try context.socket(.push)
        push.linger = .milliseconds(1)
        try push.connect("inproc://never-bound")
        try push.send("orphan")
        push.close()
        #expect(context.registry.withLock { $0.lingering.count } == 1)
        let start = ContinuousClock.now
        while ContinuousClock.now - start < .milliseconds(5) { sched_yield() }  // let the linger pass
        let other = try context.socket(.pull)
        try other.bind("inproc://elsewhere")
        #expect(context.registry.withLock { $0.lingering.isEmpty && $0.pending.isEmpty })
    }
}
