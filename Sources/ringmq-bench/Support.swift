import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// First-to-last timing, written by the receiving thread and read after it is joined.
final class Clock: Sendable {
    private let state = Mutex<(start: ContinuousClock.Instant?, end: ContinuousClock.Instant?, wrong: Int)>(
        (nil, nil, 0))

    func start() { state.withLock { $0.start = .now } }
    func stop(wrongSize: Int) {
        state.withLock {
            $0.end = .now
            $0.wrong = wrongSize
        }
    }

    var seconds: Double {
        state.withLock { state in
            guard let start = state.start, let end = state.end else { return .nan }
            return (end - start).seconds
        }
    }

    var wrongSize: Int { state.withLock { $0.wrong } }
}

/// A one-shot gate a thread can block on (for the task-driven AsyncStream consumer).
final class Latch: Sendable {
    private let word = Atomic<Bool>(false)

    func open() { word.store(true, ordering: .releasing) }

    func wait() {
        while !word.load(ordering: .acquiring) { Yield.now() }
    }
}

/// Counts threads that have reached their starting line, so a coordinating thread can start
/// its clock once all of them are about to block, without sleeping for a guessed while.
final class ReadyCount: Sendable {
    private let count = Atomic<Int>(0)

    func arrive() { count.add(1, ordering: .releasing) }

    func wait(for expected: Int) {
        while count.load(ordering: .acquiring) < expected { Yield.now() }
    }
}

enum Yield {
    static func now() { sched_yield() }
}

extension Duration {
    var seconds: Double {
        let (whole, fraction) = components
        return Double(whole) + Double(fraction) / 1e18
    }
}
