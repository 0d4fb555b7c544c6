/// A runnable example that checks its own outcome.
struct Scenario: Sendable {
    let name: String
    let summary: String
    /// Prints what happens; throws ``ScenarioFailure`` (or a RingMQ error) when the outcome is wrong.
    let run: @Sendable () throws -> Void
}

/// A scenario's invariant did not hold.
struct ScenarioFailure: Error, CustomStringConvertible {
    let description: String
}

/// Fails the scenario with `message` unless `condition` holds.
func check(_ condition: Bool, _ message: @autoclosure () -> String) throws {
    if !condition { throw ScenarioFailure(description: message()) }
}

enum ScenarioRunner {
    static let all: [Scenario] = [
        pushPullScenario,
        taskDistributorScenario,
        workerChurnScenario,
        pipelineScenario,
        workerPoolScenario,
        fireAndForgetScenario,
        patternTourScenario,
        weatherScenario,
        virtualTimeScenario,
    ]

    static func run(arguments: [String]) -> Int32 {
        if arguments == ["--list"] {
            for scenario in all { print("\(scenario.name)  \(scenario.summary)") }
            return 0
        }
        let chosen: [Scenario]
        if arguments.isEmpty {
            chosen = all
        } else {
            chosen = all.filter { arguments.contains($0.name) }
            let unknown = arguments.filter { name in !all.contains { $0.name == name } }
            guard unknown.isEmpty else {
                print("unknown scenario: \(unknown.joined(separator: ", ")); try --list")
                return 2
            }
        }
        var failures = 0
        for scenario in chosen {
            print("== \(scenario.name): \(scenario.summary)")
            do {
                try scenario.run()
                print("   verdict: ok\n")
            } catch {
                failures += 1
                print("   verdict: FAILED: \(error)\n")
            }
        }
        print("\(chosen.count - failures) passed, \(failures) failed")
        return failures == 0 ? 0 : 1
    }
}
