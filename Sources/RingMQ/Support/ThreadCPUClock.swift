#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The CPU time one thread has used, readable from other threads while it runs: how the tests
/// and `ringmq-bench idle` tell an idle proxy that sleeps from one that spins.
///
/// Lives in the library (with `package` visibility, not public API) so that the benchmark and
/// the tests share one copy, like ``PeerThread``. Per thread, so that the measuring thread's
/// own wake-ups never count.
package final class ThreadCPUClock: Sendable {
    private let clock = Locked<clockid_t?>(nil)

    package init() {}

    /// Records the calling thread's CPU clock; call it first thing on the thread to measure.
    package func captureCallingThread() {
        #if os(Linux)
            var id = clockid_t()
            let result = pthread_getcpuclockid(pthread_self(), &id)
            precondition(result == 0, "RingMQ: pthread_getcpuclockid failed with error \(result)")
        #else
            // No CPU clock of another thread here: the process's is an upper bound.
            let id = CLOCK_PROCESS_CPUTIME_ID
        #endif
        clock.withLock { $0 = id }
    }

    /// Whether the thread has captured its clock.
    package var isCaptured: Bool {
        clock.withLock { $0 } != nil
    }

    /// The thread's CPU time so far (zero before it captured its clock).
    package var elapsed: Duration {
        guard let id = clock.withLock({ $0 }) else { return .zero }
        return Self.read(id)
    }

    /// The CPU time of the whole process so far.
    package static var process: Duration {
        read(CLOCK_PROCESS_CPUTIME_ID)
    }

    private static func read(_ id: clockid_t) -> Duration {
        var spec = timespec()
        clock_gettime(id, &spec)
        return .seconds(spec.tv_sec) + .nanoseconds(spec.tv_nsec)
    }
}
