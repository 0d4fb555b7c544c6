import RingMQ
import Testing

/// A port of libzmq's tests/test_xpub_nodrop.cpp over inproc: with `xpubNoDrop`, every
/// message sent reaches the subscriber, and once its queue is full a send that may not wait
/// fails with `.timedOut` (libzmq: `EAGAIN`) instead of dropping. libzmq's receive loops end
/// on a 250 ms receive timeout; `tryReceive` ends them here (no I/O thread: all has arrived).
@Suite(.runsAlone) struct XPubNoDropPortTests {
    @Test func noDropDeliversEverythingThenRefuses() throws {
        let test = TestContext()
        let pub = try test.socket(.xpub)
        pub.sendHighWaterMark = 2000
        try pub.bind("inproc://soname")
        pub.xpubNoDrop = true
        let sub = try test.socket(.sub)
        try sub.connect("inproc://soname")
        try sub.subscribe("")
        #expect(try pub.tryReceive() == subscribeMessage(""))

        let empty = Message(Frame())
        for _ in 0..<1999 { try pub.send(empty) }
        #expect(try drain(sub).count == 1999)

        pub.sendTimeout = .zero
        var sent = 0
        // Bounded: the queue holds a few thousand messages at most.
        while sent < 100_000 {
            do {
                try pub.send(empty)
                sent += 1
            } catch RingMQError.timedOut {
                break
            }
        }
        #expect(sent > 0 && sent < 100_000)
        #expect(try drain(sub).count == sent, "nothing was dropped")
    }
}
