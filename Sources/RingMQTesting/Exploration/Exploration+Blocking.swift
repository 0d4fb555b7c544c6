import RingMQ

extension Exploration {
    /// The blocking form of ``run(_:options:_:)``, for code
    /// that is not async: a command-line tool, a synchronous XCTest, a thread of one's own.
    /// It blocks the calling thread until the exploration ends.
    ///
    /// Like RingMQ's other blocking calls, it stops the program when called from a Swift task
    /// (it would hold a thread of the cooperative pool for the whole exploration) unless
    /// wrapped in `withBlockingCallsAllowed { … }`; in async code, use the async form.
    ///
    /// - Parameters:
    ///   - schedule: how the scheduler chooses who runs at each scheduling point.
    ///   - options: how many runs, and the limits of each.
    ///   - body: the participant "main" of each run.
    /// - Returns: what the exploration did, with its first failure if a run failed.
    public static func runBlocking(
        _ schedule: Schedule = .random(), options: ExplorationOptions = ExplorationOptions(),
        _ body: @escaping @Sendable (World) async throws -> Void
    ) -> ExplorationResult {
        BlockingCallCheck.check("Exploration.runBlocking(_:options:_:)")
        return drive(schedule, options, body)
    }
}
