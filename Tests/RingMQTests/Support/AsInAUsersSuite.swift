import Testing

@testable import RingMQ

/// Runs each test with RingMQ's blocking-call check on, as it is in a user's test suite
/// (``RunsAlone`` turns it off for this target's own tests): for the samples of Testing.md,
/// which users copy into their suites, so that a sample that would trap there traps here.
struct AsInAUsersSuite: SuiteTrait, TestTrait, TestScoping {
    var isRecursive: Bool { true }

    func scopeProvider(for test: Test, testCase: Test.Case?) -> Self? {
        test.isSuite ? nil : self
    }

    func provideScope(
        for test: Test, testCase: Test.Case?,
        performing function: @Sendable () async throws -> Void
    ) async throws {
        try await BlockingCallCheck.$isAllowed.withValue(false) { try await function() }
    }
}

extension Trait where Self == AsInAUsersSuite {
    /// See ``AsInAUsersSuite``.
    static var asInAUsersSuite: Self { AsInAUsersSuite() }
}
