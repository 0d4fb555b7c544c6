import RingMQ
import Testing

/// Runs each test of a suite alone: no other test marked so runs at the same time. Every suite
/// of this target carries it, so `swift test` runs the tests one at a time.
///
/// Why: Swift Testing runs synchronous test functions on the cooperative pool, which has one
/// thread per core (two here). Tests that block a thread — joining peer threads, waiting for
/// sleepers — held both threads for a minute at a time when suites ran in parallel, and the
/// async tests' tasks could not run: their receives hit the safety timeouts and their
/// real-time bounds failed, although nothing was wrong with RingMQ. Run alone, each test has
/// the whole machine, as its bounds assume; the suite is no slower on two cores.
///
/// The test runs with RingMQ's blocking calls allowed from its task
/// (``withBlockingCallsAllowed(_:)``), for the same reason.
///
/// Waiting for the turn suspends the test's task (it holds no thread). A test inside another
/// that already holds the turn (a nested suite) does not wait for it again.
struct RunsAlone: SuiteTrait, TestTrait, TestScoping {
    var isRecursive: Bool { true }

    func scopeProvider(for test: Test, testCase: Test.Case?) -> Self? {
        test.isSuite ? nil : self
    }

    func provideScope(
        for test: Test, testCase: Test.Case?,
        performing function: @Sendable () async throws -> Void
    ) async throws {
        if Self.holdsTurn { return try await function() }
        await Turnstile.shared.enter()
        defer { Turnstile.shared.leave() }
        // Alone, a test may block the pool thread it runs on (synchronous tests join peer
        // threads and call blocking forms): no other test needs that thread.
        try await Self.$holdsTurn.withValue(true) {
            try await withBlockingCallsAllowed { try await function() }
        }
    }

    @TaskLocal private static var holdsTurn = false
}

extension Trait where Self == RunsAlone {
    /// See ``RunsAlone``.
    static var runsAlone: Self { RunsAlone() }
}

/// One at a time, first come first served; waiters are suspended tasks, not blocked threads.
private final class Turnstile: Sendable {
    static let shared = Turnstile()

    private struct State {
        var occupied = false
        var waiting: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Locked(State())

    func enter() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let admitted = state.withLock { state in
                if state.occupied {
                    state.waiting.append(continuation)
                    return false
                }
                state.occupied = true
                return true
            }
            if admitted { continuation.resume() }
        }
    }

    /// Hands the turn to the first waiter, if any.
    func leave() {
        let next = state.withLock { state in
            if state.waiting.isEmpty {
                state.occupied = false
                return CheckedContinuation<Void, Never>?.none
            }
            return state.waiting.removeFirst()
        }
        next?.resume()
    }
}
