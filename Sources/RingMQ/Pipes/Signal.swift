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
/// its low 16 bits. A waiter registers (`prepareWait`, a sequentially consistent increment),
/// re-checks its condition, and sleeps only while the word still holds the value it
/// registered with. A notifier first publishes its progress with a sequentially consistent
/// store, then reads the word: if a waiter is registered it bumps the epoch, which makes any
/// sleep on the old value return, and calls futex-wake.
///
/// Why no wakeup is lost: the waiter's increment and re-check, and the notifier's publish and
/// read, are each ordered by sequential consistency (a Dekker handshake). Either the waiter's
/// re-check sees the progress, or the notifier sees the waiter and changes the word, in which
/// case the futex sleep on the old value returns at once.
///
/// Notifiers that find no waiter make no system call and write nothing, so the fast path of
/// the peer is one load of a line nobody writes.
final class Signal: @unchecked Sendable {
    // @unchecked Sendable: the only state is the atomic word, at a stable heap address.

    /// The word's address, handed to pipes so that they can notify without holding a reference.
    let word: UnsafeMutablePointer<Atomic<UInt32>>

    init() {
        word = .allocate(capacity: 1)
        word.initialize(to: Atomic(0))
    }

    deinit {
        word.deinitialize(count: 1)
        word.deallocate()
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
    /// `cancelWait()`.
    static func prepareWait(_ word: UnsafeMutablePointer<Atomic<UInt32>>) -> UInt32 {
        word.pointee.wrappingAdd(1, ordering: .sequentiallyConsistent).newValue
    }

    /// Withdraws a registration made by `prepareWait` without sleeping.
    static func cancelWait(_ word: UnsafeMutablePointer<Atomic<UInt32>>) {
        word.pointee.wrappingSubtract(1, ordering: .sequentiallyConsistent)
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
        cancelWait(word)
    }

    /// Wakes every registered waiter.
    static func notify(_ word: UnsafeMutablePointer<Atomic<UInt32>>) {
        let old = word.pointee.wrappingAdd(epochUnit, ordering: .sequentiallyConsistent).oldValue
        if old & waiterMask != 0 {
            ringmq_futex_wake_all(UnsafeMutableRawPointer(word).assumingMemoryBound(to: UInt32.self))
        }
    }

    /// Wakes the registered waiters, if any. Call after a sequentially consistent publish.
    @inline(__always)
    static func notifyIfWaiting(_ word: UnsafeMutablePointer<Atomic<UInt32>>) {
        if word.pointee.load(ordering: .sequentiallyConsistent) & waiterMask != 0 {
            notify(word)
        }
    }
}

extension Duration {
    /// Whole nanoseconds, clamped to `Int64`.
    var nanosecondsClamped: Int64 {
        let (seconds, attoseconds) = components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return seconds < 0 ? .min : .max }
        let (total, overflow2) = scaled.addingReportingOverflow(attoseconds / 1_000_000_000)
        if overflow2 { return seconds < 0 ? .min : .max }
        return total
    }
}
