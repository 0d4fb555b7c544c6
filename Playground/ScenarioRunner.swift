#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

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
        schedulesScenario,
    ]

    /// Runs the scenarios `arguments` name (all when none), or answers `--list` and `--help`;
    /// returns the exit status. `usage` and `errors` receive the help text (tests capture them).
    static func run(
        arguments: [String],
        usage: (String) -> Void = { print($0, terminator: "") },
        errors: (String) -> Void = standardError
    ) -> Int32 {
        if arguments == ["--list"] {
            for scenario in all { print("\(scenario.name)  \(scenario.summary)") }
            return 0
        }
        if arguments.contains("--help") || arguments.contains("-h") {
            usage(help)
            return 0
        }
        let chosen: [Scenario]
        if arguments.isEmpty {
            chosen = all
        } else {
            chosen = all.filter { arguments.contains($0.name) }
            let unknown = arguments.filter { name in !all.contains { $0.name == name } }
            guard unknown.isEmpty else {
                errors("unknown argument: \(unknown.joined(separator: ", "))\n\n" + help)
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

    /// What `--help` prints (to standard error after an unknown argument).
    static var help: String {
        let width = all.map(\.name.count).max() ?? 0
        let lines = all.map {
            "  " + $0.name + String(repeating: " ", count: width - $0.name.count) + "  " + $0.summary
        }
        return """
            Runs RingMQ example scenarios; each checks its own outcome.

            Usage:
              swift run Playground              run every scenario
              swift run Playground NAME…        run the scenarios named
              swift run Playground --list       list the scenarios
              swift run Playground --help, -h   show this help

            Scenarios:
            \(lines.joined(separator: "\n"))

            Exits 0 when every scenario run passes, 1 when one fails, 2 on an unknown argument.

            """
    }

    /// Writes `text` to standard error.
    static func standardError(_ text: String) {
        var text = text
        _ = text.withUTF8 { write(2, $0.baseAddress, $0.count) }
    }
}
