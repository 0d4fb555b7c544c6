import Testing

@testable import Playground

/// `Playground --help`: the scenarios, one line each, and how to run one; an unknown argument
/// gets the same help on standard error and a non-zero status. No scenario runs here.
@Suite struct PlaygroundHelpTests {
    /// What a run printed as help, on each stream, and its exit status.
    struct Outcome {
        var status: Int32
        var usage = ""
        var errors = ""
    }

    func run(_ arguments: [String]) -> Outcome {
        var usage = ""
        var errors = ""
        let status = ScenarioRunner.run(arguments: arguments, usage: { usage += $0 }, errors: { errors += $0 })
        return Outcome(status: status, usage: usage, errors: errors)
    }

    @Test(arguments: ["--help", "-h"])
    func helpListsEveryScenarioAndExitsZero(flag: String) {
        let outcome = run([flag])
        #expect(outcome.status == 0)
        #expect(outcome.errors.isEmpty)
        let lines = outcome.usage.split(separator: "\n")
        for scenario in ScenarioRunner.all {
            let line = lines.filter { $0.hasPrefix("  \(scenario.name) ") }
            #expect(line.count == 1, "no line for \(scenario.name)")
            #expect(line.first?.hasSuffix(scenario.summary) == true)
        }
        #expect(outcome.usage.contains("swift run Playground NAME"))
    }

    @Test func anUnknownArgumentPrintsTheHelpToStandardErrorAndFails() {
        let outcome = run(["--bogus"])
        #expect(outcome.status != 0)
        #expect(outcome.usage.isEmpty)
        #expect(outcome.errors.hasPrefix("unknown argument: --bogus"))
        #expect(outcome.errors.hasSuffix(ScenarioRunner.help))
    }
}
