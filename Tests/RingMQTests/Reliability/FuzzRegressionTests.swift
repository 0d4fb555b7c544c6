import Foundation
import RingMQ
import RingMQFuzzing
import RingMQTesting
import Testing

/// The fuzz target's kept inputs (``FuzzInputs``: seeds and the crashes it found) run through
/// its driver, which traps on a broken invariant; and, for each bug the fuzzer found, a
/// focused test of RingMQ itself. See Docs/Reliability.md, "Fuzzing".
@Suite(.runsAlone) struct FuzzRegressionTests {
    @Test(arguments: FuzzInputs.all)
    func aKeptInputRunsThroughTheDriver(_ input: FuzzInputs.Input) {
        let report = FuzzDriver.run(input.bytes)
        #expect(report.steps > 0)
        #expect(report.received >= input.receivesAtLeast, "\(report)")
    }

    /// The corpus CI starts the fuzzer from is the inputs above, byte for byte.
    @Test func theCorpusFilesAreTheKeptInputs() throws {
        let corpus = try #require(packageRoot()).appendingPathComponent("Tests/FuzzCorpus")
        let names = try FileManager.default.contentsOfDirectory(atPath: corpus.path).filter { !$0.hasPrefix(".") }
        #expect(Set(names) == Set(FuzzInputs.all.map(\.name)))
        for input in FuzzInputs.all {
            let bytes = try Data(contentsOf: corpus.appendingPathComponent(input.name))
            #expect([UInt8](bytes) == input.bytes, "Tests/FuzzCorpus/\(input.name)")
        }
    }

    /// Any bytes decode to some calls, and the driver stops after its step limit.
    @Test func arbitraryBytesRunBoundedByTheStepLimit() {
        var generator = SplitMix64(seed: TestSeed.value(default: 0xF022))
        for _ in 0..<200 {
            let count = Int.random(in: 0..<600, using: &generator)
            let bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
            #expect(FuzzDriver.run(bytes).steps <= FuzzDriver.maxSteps)
        }
        #expect(FuzzDriver.run([]).steps == 0)
    }
}
