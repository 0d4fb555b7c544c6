import RingMQ
import Testing

/// `conflate` and the connections that exist when it matters: set after connecting, it
/// applies at once (what is queued drains to its newest, a full peer has room again); a
/// connection made before the bind of a conflating socket conflates once the bind forms it;
/// what a departed peer left in a conflating pipe is not sent again; a waiting receive wakes.
@Suite(.runsAlone) struct ConflateChangeTests {
    @Test func setOnTheReceiverTheNextReceiveGetsTheNewestQueued() throws {
        let test = TestContext()
        let pull = try test.socket(.pull)
        try pull.bind("inproc://conflate-late-pull")
        let push = try test.socket(.push)
        try push.connect("inproc://conflate-late-pull")
        for index in 0..<10 { try push.send(numbered(index)) }
        pull.conflate = true
        #expect(try pull.receive() == numbered(9))
        #expect(try pull.tryReceive() == nil)
        for index in 10..<20 { try push.send(numbered(index)) }
        #expect(try drainNumbers(pull) == [19])
    }

    @Test func setOnAFullSenderItHasRoomAtOnce() throws {
        let test = TestContext()
        let pull = try test.socket(.pull)
        pull.receiveHighWaterMark = 1
        try pull.bind("inproc://conflate-late-push")
        let push = try test.socket(.push)
        push.sendHighWaterMark = 1
        try push.connect("inproc://conflate-late-push")
        #expect(try push.trySend(numbered(0)))
        #expect(try push.trySend(numbered(1)))
        #expect(try push.trySend(numbered(2)) == false, "full")
        push.conflate = true
        for index in 2..<10 { #expect(try push.trySend(numbered(index)), "send \(index) found no room") }
        #expect(try drainNumbers(pull) == [9])
    }

    /// The PUSH connects (and fills its queue) before the conflating PULL binds: the bind
    /// makes the connection conflate, so the PUSH never waits again and the PULL gets the newest.
    @Test func aConflatingBinderMakesAnEarlierConnectConflate() throws {
        let test = TestContext()
        let push = try test.socket(.push)
        push.sendHighWaterMark = 3
        try push.connect("inproc://conflate-pending")
        #expect(try (0..<10).filter { try push.trySend(numbered($0)) }.count == 3, "3 queue before the bind")
        let pull = try test.socket(.pull)
        pull.receiveHighWaterMark = 1
        pull.conflate = true
        try pull.bind("inproc://conflate-pending")
        for index in 10..<50 { #expect(try push.trySend(numbered(index)), "send \(index) found no room") }
        #expect(try drainNumbers(pull) == [49])
    }

    /// The PULL connects before the conflating PUSH binds: the PUSH's pipe, made at the connect,
    /// conflates from the bind on.
    @Test func aConflatingBinderConflatesAPipeItWrites() throws {
        let test = TestContext()
        let pull = try test.socket(.pull)
        pull.receiveHighWaterMark = 1
        try pull.connect("inproc://conflate-pending-push")
        let push = try test.socket(.push)
        push.sendHighWaterMark = 1
        push.conflate = true
        try push.bind("inproc://conflate-pending-push")
        for index in 0..<10 { #expect(try push.trySend(numbered(index)), "send \(index) found no room") }
        #expect(try drainNumbers(pull) == [9])
    }

    /// A conflating pipe holds the newest of a stream whose older messages were replaced: sent
    /// to another peer it would replace that peer's own newest, so it is not taken back.
    @Test func whatADepartedPeerLeftInAConflatingPipeIsNotSentAgain() throws {
        let test = TestContext()
        let push = try test.socket(.push)
        push.conflate = true
        try push.bind("inproc://conflate-gone")
        let (leaving, staying) = (try test.socket(.pull), try test.socket(.pull))
        try leaving.connect("inproc://conflate-gone")
        try staying.connect("inproc://conflate-gone")
        for index in 0..<4 { try push.send(numbered(index)) }
        leaving.close()
        try push.send(numbered(4))
        #expect(try drainNumbers(staying) == [4])
        #expect(push.statistics.messagesRedelivered == 0)
    }

    @Test(arguments: ConflatingEnd.allCases)
    func aWaitingReceiveWakesForTheNewestMessage(end: ConflatingEnd) throws {
        let test = TestContext()
        let pull = try test.socket(.pull)
        try pull.bind("inproc://conflate-wake")
        let push = try test.socket(.push)
        end.apply(push: push, pull: pull)
        try push.connect("inproc://conflate-wake")
        let receiver = Peer { try pull.receive() }
        receiver.waitUntilBlocked()
        try push.send("wake")
        #expect(try receiver.join().get() == "wake")
    }
}
