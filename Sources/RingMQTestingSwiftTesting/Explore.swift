import RingMQ
import RingMQTesting
import Testing

// IssueHandlingTrait, whose scope catches each run's issues, is in Swift Testing from 6.2.
#if compiler(>=6.2)
    /// Runs `body` under `Exploration.run(_:options:_:)` (RingMQTesting) inside a Swift Testing
    /// test: a failed `#expect` or `#require` in the body or any participant fails that run
    /// (kind `ExplorationFailure.Kind.expectation`) and stops the exploration, and a failed run,
    /// of any kind, is recorded as one issue of the calling test whose comment is the whole
    /// report (`ExplorationFailure.description`: run, seed, trace).
    ///
    /// The issues of each run are caught and kept out of the test: a run's failed expectation
    /// counts once, in that report; passing runs record nothing. Outside a test (no
    /// `Test.current`, as in a playground) nothing is recorded: read the result's
    /// `ExplorationResult.failure`.
    ///
    /// ```swift
    /// @Test func bothResultsArrive() async {
    ///     await explore(.random(seed: 1), options: ExplorationOptions(runs: 200)) { world in
    ///         let pull = try world.context.socket(.pull)
    ///         try pull.bind("inproc://results")
    ///         for name in ["a", "b"] {
    ///             world.thread(name) {
    ///                 let push = try world.context.socket(.push)
    ///                 try push.connect("inproc://results")
    ///                 try push.send(Message(name))
    ///             }
    ///         }
    ///         let first = try await pull.receive()
    ///         let second = try await pull.receive()
    ///         #expect(Set([first, second]) == [Message("a"), Message("b")])
    ///     }
    /// }
    /// ```
    ///
    /// - Parameters:
    ///   - schedule: how each run chooses who runs next.
    ///   - options: the number of runs and the limits of each.
    ///   - sourceLocation: where the issue of a failed run points, unless a failed expectation
    ///     gives its own place.
    ///   - body: the participant "main" of each run, in a fresh `World`.
    /// - Returns: what the exploration did, its first failed run included.
    @discardableResult
    public func explore(
        _ schedule: Schedule = .random(), options: ExplorationOptions = ExplorationOptions(),
        sourceLocation: SourceLocation = #_sourceLocation,
        _ body: @escaping @Sendable (World) async throws -> Void
    ) async -> ExplorationResult {
        guard let test = Test.current else {
            return await Exploration.run(schedule, options: options, body)
        }
        // Where the first failed expectation was, and the result (the scope's closure returns
        // nothing).
        let caught = Locked<SourceLocation?>(nil)
        let outcome = Locked<ExplorationResult?>(nil)
        let scope = IssueHandlingTrait.compactMapIssues { issue in
            // A warning fails nothing; an issue outside any run is the test's own.
            guard issue.isFailure else { return issue }
            // "Expectation failed: (x → 1) == 2 (error)" reads "(x → 1) == 2" after the run's own prefix.
            var what = "\(issue)"
            if what.hasPrefix("Expectation failed: ") { what.removeFirst("Expectation failed: ".count) }
            if what.hasSuffix(" (error)") { what.removeLast(" (error)".count) }
            what = what.replacing(" (error): ", with: ": ")
            let text = issue.sourceLocation.map { "\(what) (at \($0))" } ?? what
            guard Exploration.failCurrentRun(.expectation, "expectation failed: \(text)") else { return issue }
            caught.withLock { $0 = $0 ?? issue.sourceLocation }
            return nil
        }
        do {
            try await scope.provideScope(for: test, testCase: Test.Case.current) {
                let result = await Exploration.run(schedule, options: options, body)
                outcome.withLock { $0 = result }
            }
        } catch {
            // The scope rethrows what its closure throws, and this one throws nothing.
            Issue.record(error, "explore(…): Swift Testing's issue scope threw", sourceLocation: sourceLocation)
        }
        // `nil` only if the scope failed before running the exploration: run it unscoped then.
        let ran = outcome.withLock { $0 }
        let result = if let ran { ran } else { await Exploration.run(schedule, options: options, body) }
        if let failure = result.failure {
            let place = failure.kind == .expectation ? caught.withLock { $0 } ?? sourceLocation : sourceLocation
            Issue.record(Comment(rawValue: failure.description), sourceLocation: place)
        }
        return result
    }
#endif
