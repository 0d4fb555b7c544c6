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
