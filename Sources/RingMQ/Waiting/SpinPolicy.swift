import CRingMQShims

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// How a waiting side polls before it parks in the kernel.
///
/// Polling costs the peer: each poll of a pipe the peer is writing pulls the peer's cache
/// line over, so a consumer that polls too eagerly turns every message into a cache-line
/// round trip. A consumer that waits a couple of microseconds between polls finds dozens of
/// messages at once (measured with `ringmq-bench thr 8`: about 15 M msg/s with eager polling,
/// about 45 M with a 2 µs interval). But a reply to a request arrives within a few hundred
/// nanoseconds, and polling slowly would add microseconds to every round trip.
///
/// So: a socket whose last successful operation was a send is probably waiting for a reply,
/// and polls at every pause for the first half microsecond, then at doubling intervals;
/// otherwise it is streaming and polls at the long interval from the start. Either way the
/// whole spin is bounded (about 35 µs here) before the thread parks. (Doubling from the first
/// pause made the moment a reply was seen depend on how soon the wait began: with a wait
/// entered 30 ns sooner, PAIR ping-pong measured 8% slower; polling at every pause instead made
/// it 23% faster, with `ringmq-bench lat 8`.)
///
/// Once it has polled for about half a microsecond, each poll also yields the processor: when
/// there are more runnable threads than cores, the peer may be waiting for this very core, and
/// spinning would delay it by a whole time slice (measured: one-way latency 33 µs instead of 0.3 µs with the other
/// core busy). On an idle machine the yield returns at once and costs only the waiting thread.
struct SpinPolicy {
    /// The longest interval between polls, in pause instructions (about 2 µs here).
    static let longInterval = 128
    /// The pauses spent spinning before parking.
    static let budget = 2048
    /// Once this many pauses are spent (about 0.5 µs of polling), each poll also yields the
    /// processor. Counted in pauses spent, not from the interval: an eager poller reaches
    /// interval 16 after only 15 pauses (about 0.2 µs), sooner than most replies, and its
    /// yield (a system call) then added to the round trip it was waiting for.
    static let yieldAfter = 32

    private var interval: Int
    private var left = SpinPolicy.budget

    /// - Parameter expectingReply: poll eagerly first, because a reply is likely imminent.
    init(expectingReply: Bool) {
        interval = expectingReply ? 1 : SpinPolicy.longInterval
    }

    /// Waits one interval; `false` when the budget is spent and the caller should park.
    /// `controlled`, asked at the first pause: the wait is in a controlled run, which parks at
    /// once (nothing can change while its one running participant spins).
    @inline(__always)
    mutating func pause(unless controlled: () -> Bool) -> Bool {
        guard left > 0 else { return false }
        if left == SpinPolicy.budget, controlled() {
            left = 0
            return false
        }
        for _ in 0..<interval { ringmq_cpu_relax() }
        left -= interval
        if SpinPolicy.budget - left >= SpinPolicy.yieldAfter { sched_yield() }
        // An eager poller keeps polling at every pause until a reply would be late: doubling
        // from the start made when the reply was seen depend on how quickly the wait began.
        if interval > 1 || SpinPolicy.budget - left >= SpinPolicy.yieldAfter {
            interval = min(interval * 2, SpinPolicy.longInterval)
        }
        return true
    }
}
