import CRingMQShims
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// How a fast path publishes progress that a sleeper may be waiting for.
enum Fence {
    /// Whether membarrier(2) is available, so that publishers can use plain stores (decided
    /// once per process).
    static let isAsymmetric: Bool = ringmq_membarrier_register() == 0

    /// Publishes `value`: a release store when the sleeper pays with membarrier, otherwise a
    /// sequentially consistent store (the publisher's half of the Dekker handshake).
    @inline(__always)
    static func publish(_ counter: borrowing Atomic<UInt64>, _ value: UInt64, asymmetric: Bool) {
        if asymmetric {
            counter.store(value, ordering: .releasing)
        } else {
            counter.store(value, ordering: .sequentiallyConsistent)
        }
    }
}

/// The wait path in force: how a sleeper sleeps (futex(2) or the shim's mutex/condition
/// buckets) and how a publisher publishes (``Fence/isAsymmetric``). Compiled into the shim per
/// platform and by the switches `RINGMQ_PORTABLE_WAIT` and `RINGMQ_NO_MEMBARRIER`; read here so
/// that a test can check the mode a build was asked for is the one it runs.
enum WaitPath {
    /// Whether sleeps use futex(2) (otherwise the mutex/condition buckets).
    static var usesFutex: Bool { ringmq_wait_path() & RINGMQ_WAIT_PATH_FUTEX != 0 }

    /// Whether membarrier(2) is compiled in (it may still be unavailable at run time).
    static var hasMembarrier: Bool { ringmq_wait_path() & RINGMQ_WAIT_PATH_MEMBARRIER != 0 }

    /// `"futex"` or `"buckets"`, then `"+membarrier"` (asymmetric publish) or `"+seqcst"`.
    static var name: String {
        (usesFutex ? "futex" : "buckets") + (Fence.isAsymmetric ? "+membarrier" : "+seqcst")
    }
}
