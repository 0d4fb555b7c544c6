import CRingMQShims
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An eventcount: the one place a RingMQ thread sleeps, and the way other threads wake it.
///
/// The 32-bit word holds an epoch in its high 16 bits and the number of registered waiters in
/// its low 16 bits. A waiter registers (`prepareWait`, an increment), re-checks its
/// condition, and sleeps only while the word still holds the value it registered with. A
/// notifier first publishes its progress, then reads the word: if a waiter is registered it
/// moves to the next epoch with the count cleared, which makes any sleep on the old value
/// return, and calls futex-wake. Clearing the count means one wake-up per sleep, however many
/// messages the notifier sends before the sleeper runs again.
///
/// Why no wakeup is lost: the waiter's increment and re-check, and the notifier's publish and
/// read, must each stay in order (a Dekker handshake). Either the waiter's re-check sees the
/// progress, or the notifier sees the waiter and changes the word, in which case the futex
/// sleep on the old value returns at once.
///
/// The handshake is asymmetric where Linux allows it (``Fence``): the notifier, on the fast
/// path, publishes with a plain release store and reads the word with a plain load; the
/// waiter, about to sleep, pays for both sides with membarrier(2), which makes every running
/// thread of the process execute a full barrier. Without membarrier, both sides use
/// sequentially consistent operations.
///
/// Notifiers that find no waiter make no system call and write nothing, so the fast path of
/// the peer is one load of a line nobody writes.
///
/// A thread can wait on several signals at once (the proxy, a poller): it sleeps on one
/// ("home"), registers as a waiter on the others, and names home as their *watcher*. A notifier
/// that finds a waiter registered wakes the watcher too, so a message on any of the signals
/// ends the sleep. Words live in ``SignalCells`` and are recycled, never freed, so a notifier
/// that read a watcher just before it was cleared at worst wakes someone spuriously.
final class Signal: @unchecked Sendable {
    // @unchecked Sendable: the only state is atomics in a cell at a stable address.

    /// The word's address, handed to pipes so that they can notify without holding a reference.
    let word: UnsafeMutablePointer<Atomic<UInt32>>

    init() {
        word = SignalCells.take()
    }

    deinit {
        SignalCells.give(word)
    }

    /// Wakes every waiter, whether or not it is asleep yet.
    func notify() {
        Signal.notify(word)
    }
}

extension Signal {
    static let epochUnit: UInt32 = 1 << 16
    static let waiterMask: UInt32 = 0xFFFF

    /// Registers a waiter and returns the key to sleep on.
    ///
    /// Must be followed by a re-check of the condition, then `wait(key:timeout:)` or
    /// `cancelWait(key:)`.
    static func prepareWait(_ word: UnsafeMutablePointer<Atomic<UInt32>>) -> UInt32 {
        let key = register(word)
        if Fence.isAsymmetric { ringmq_membarrier() }
        return key
    }

    /// `prepareWait` without its fence, for a thread registering on several words: it calls
    /// ``fenceAfterRegistering()`` once, after the last.
    static func register(_ word: UnsafeMutablePointer<Atomic<UInt32>>) -> UInt32 {
        word.pointee.wrappingAdd(1, ordering: .sequentiallyConsistent).newValue
    }

    /// The waiter's half of the asymmetric handshake, for registrations made with `register`.
    static func fenceAfterRegistering() {
        if Fence.isAsymmetric { ringmq_membarrier() }
    }

    /// Withdraws a registration made by `prepareWait`, unless a notify has consumed it already.
    static func cancelWait(_ word: UnsafeMutablePointer<Atomic<UInt32>>, key: UInt32) {
        var current = word.pointee.load(ordering: .relaxed)
        while current & ~waiterMask == key & ~waiterMask {
            let (exchanged, original) = word.pointee.compareExchange(
                expected: current, desired: current &- 1, ordering: .sequentiallyConsistent)
            if exchanged { return }
            current = original
        }
    }

    /// Sleeps until notified, until `timeout` passes, or spuriously; always withdraws the
    /// registration. The caller re-checks its condition and its deadline afterwards.
    static func wait(_ word: UnsafeMutablePointer<Atomic<UInt32>>, key: UInt32, timeout: Duration?) {
        var expected = key
        while true {
            let nanoseconds = timeout.map { max(0, $0.nanosecondsClamped) } ?? -1
            let address = UnsafeMutableRawPointer(word).assumingMemoryBound(to: UInt32.self)
            let result = ringmq_futex_wait(address, expected, nanoseconds)
            if result == EAGAIN {
                // Another waiter joining or leaving changes the word too; only an epoch change is news.
                let now = word.pointee.load(ordering: .sequentiallyConsistent)
                if now & ~waiterMask == expected & ~waiterMask {
                    expected = now
                    continue
                }
            }
            break
        }
        cancelWait(word, key: key)
    }

    /// Wakes every registered waiter (cold paths: mailbox posts, terminate).
    static func notify(_ word: UnsafeMutablePointer<Atomic<UInt32>>) {
        // A read-modify-write first: orders the caller's earlier stores before the look at
        // the waiter count, without relying on the waiter's membarrier.
        let current = word.pointee.wrappingAdd(0, ordering: .sequentiallyConsistent).oldValue
        if current & waiterMask != 0 { consumeAndWake(word, current) }
    }

    /// Wakes the registered waiters, if any. Call right after publishing with
    /// ``Fence/publish(_:_:asymmetric:)``.
    @inline(__always)
    static func notifyIfWaiting(_ word: UnsafeMutablePointer<Atomic<UInt32>>) {
        ringmq_compiler_barrier()
        let current = word.pointee.load(ordering: .sequentiallyConsistent)
        if current & waiterMask != 0 { consumeAndWake(word, current) }
    }

    /// Moves to the next epoch with no registered waiters, and wakes the sleepers. Taking the
    /// registrations away means the notifiers that follow (until someone waits again) see
    /// no waiter and make no system call.
    @inline(never)
    private static func consumeAndWake(_ word: UnsafeMutablePointer<Atomic<UInt32>>, _ seen: UInt32) {
        var current = seen
        while current & waiterMask != 0 {
            let next = (current & ~waiterMask) &+ epochUnit
            let (exchanged, original) = word.pointee.compareExchange(
                expected: current, desired: next, ordering: .sequentiallyConsistent)
            if exchanged {
                ringmq_futex_wake_all(UnsafeMutableRawPointer(word).assumingMemoryBound(to: UInt32.self))
                ParkedTask.resume(word)
                let watcher = SignalCells.watcher(of: word).pointee.load(ordering: .acquiring)
                if let home = UnsafeMutablePointer<Atomic<UInt32>>(bitPattern: watcher) { notify(home) }
                return
            }
            current = original
        }
    }
}
