import RingMQ
import Testing

@testable import ringmq_bench

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Runs each subcommand at tiny counts and checks the documented output line. No timing is
/// asserted: figures come from release builds of the executable, never from tests.
///
/// The commands block their calling thread (and `thr-asyncstream` waits for a task of the
/// cooperative pool), so each runs on a thread of its own while the test awaits it: a test
/// blocking a pool thread could starve that task.
@Suite(.serialized) struct BenchCommandTests {
    struct Outcome: Sendable {
        let status: Int32
        let lines: [String]
        let errors: [String]
    }

    func run(_ arguments: [String], allowDebug: Bool = true) async -> Outcome {
        var thread: PeerThread?
        let outcome = await withCheckedContinuation { continuation in
            thread = PeerThread {
                var lines: [String] = []
                var errors: [String] = []
                let status = BenchCommand.run(
                    arguments, allowDebug: allowDebug,
                    output: { lines.append($0) }, errors: { errors.append($0) })
                continuation.resume(returning: Outcome(status: status, lines: lines, errors: errors))
            }
        }
        thread?.join()
        return outcome
    }

    /// The `key=value` pairs of a result line, after its first word.
    func fields(_ line: String) -> [String: String] {
        var result: [String: String] = [:]
        for word in line.split(separator: " ").dropFirst() {
            let parts = word.split(separator: "=", maxSplits: 1)
            if parts.count == 2 { result[String(parts[0])] = String(parts[1]) }
        }
        return result
    }

    @Test func throughputPrintsItsLine() async {
        let outcome = await run(["thr", "64", "2000"])
        #expect(outcome.status == 0)
        #expect(outcome.lines.count == 1)
        let line = outcome.lines.first ?? ""
        #expect(line.hasPrefix("thr "))
        let values = fields(line)
        #expect(values["size"] == "64")
        #expect(values["msgs"] == "2000")
        #expect((Int(values["msgs_per_s"] ?? "") ?? 0) > 0)
        #expect(values["wrong_size"] == nil)
    }

    /// The pipeline's controlled runs are deterministic: the same decision count every time.
    @Test func explorePrintsItsLine() async {
        let first = await run(["explore", "20"])
        let second = await run(["explore", "20"])
        #expect(first.status == 0, "\(first.errors)")
        let line = first.lines.first ?? ""
        #expect(line.hasPrefix("explore "))
        #expect(fields(line)["runs"] == "20")
        // Each run's three messages make four socket calls each (two sends, two receives), each
        // one decision, on top of the setup's.
        #expect((Int(fields(line)["decisions"] ?? "") ?? 0) > 20 * 3 * 4)
        #expect(fields(line)["decisions"] == fields(second.lines.first ?? "")["decisions"])
        let wrong = await run(["explore", "zero"])
        #expect(wrong.status == 2)
        #expect(wrong.errors.joined().contains("explore takes RUNS"))
    }

    @Test func asyncStreamBaselinePrintsItsLine() async {
        let outcome = await run(["thr-asyncstream", "8", "2000"])
        #expect(outcome.status == 0)
        let line = outcome.lines.first ?? ""
        #expect(line.hasPrefix("thr-asyncstream "))
        #expect(fields(line)["msgs"] == "2000")
        #expect((Int(fields(line)["msgs_per_s"] ?? "") ?? 0) > 0)
    }

    @Test func asyncThroughputPrintsItsLine() async {
        let outcome = await run(["thr-async", "8", "2000"])
        #expect(outcome.status == 0)
        let line = outcome.lines.first ?? ""
        #expect(line.hasPrefix("thr-async "))
        #expect(fields(line)["msgs"] == "2000")
        #expect((Int(fields(line)["msgs_per_s"] ?? "") ?? 0) > 0)
    }

    @Test func latencyPrintsItsLine() async {
        let outcome = await run(["lat", "8", "500"])
        #expect(outcome.status == 0)
        let line = outcome.lines.first ?? ""
        #expect(line.hasPrefix("lat "))
        #expect(fields(line)["size"] == "8")
        #expect((Int(fields(line)["one_way_ns"] ?? "") ?? 0) > 0)
    }

    @Test func fanoutPrintsItsLine() async {
        let outcome = await run(["fanout", "4", "64", "2000"])
        #expect(outcome.status == 0)
        #expect(outcome.errors.isEmpty)
        #expect(outcome.lines.count == 1)
        let line = outcome.lines.first ?? ""
        #expect(line.hasPrefix("fanout "))
        let values = fields(line)
        #expect(values["subs"] == "4")
        #expect(values["size"] == "64")
        #expect(values["published"] == "2000")
        // Four subscribers, one per topic: each message reaches exactly one of them.
        #expect(values["delivered"] == "2000")
        #expect(values["exact"] == "yes")
        #expect((Int(values["delivered_per_s"] ?? "") ?? 0) > 0)
    }

    @Test func fanoutCountsUnevenShares() async {
        // Subscribers 0 and 4 share topic t000, which gets the one message left over from
        // 1001 / 4: 251 + 250 + 250 + 250 + 251.
        let outcome = await run(["fanout", "5", "5", "1001"])
        #expect(outcome.status == 0)
        let values = fields(outcome.lines.first ?? "")
        #expect(values["delivered"] == "1252")
        #expect(values["exact"] == "yes")
    }

    @Test func fanoutExplainsBadArguments() async {
        for arguments in [["fanout", "4", "64"], ["fanout", "four", "64", "100"]] {
            let outcome = await run(arguments)
            #expect(outcome.status == 2, "\(arguments)")
            #expect(outcome.errors.joined().contains("SUBS SIZE COUNT"), "\(arguments)")
        }
        for arguments in [
            ["fanout", "0", "64", "100"], ["fanout", "65", "64", "100"],
            ["fanout", "4", "4", "100"], ["fanout", "4", "64", "0"],
        ] {
            let outcome = await run(arguments)
            #expect(outcome.status == 2, "\(arguments)")
            #expect(outcome.errors.joined().contains("SIZE >= 5"), "\(arguments)")
            #expect(outcome.lines.isEmpty, "\(arguments)")
        }
    }

    @Test(arguments: IdleShape.allCases)
    func idlePrintsItsLine(shape: IdleShape) async {
        let outcome = await run(["idle", shape.rawValue, "0.05"])
        #expect(outcome.status == 0)
        #expect(outcome.errors.isEmpty)
        #expect(outcome.lines.count == 1)
        let line = outcome.lines.first ?? ""
        #expect(line.hasPrefix("idle "))
        let values = fields(line)
        #expect(values["shape"] == shape.rawValue)
        #expect(values["seconds"] == "0.05")
        for phase in ["before_attach", "after_attach", "after_detach"] {
            let cpu = Double(values["\(phase)_cpu_per_s"] ?? "")
            #expect(cpu.map { $0 >= 0 } == true, "\(phase) in \(line)")
        }
    }

    @Test func idleExplainsBadArguments() async {
        for arguments in [["idle", "streamer"], ["idle", "relay", "1"], ["idle", "broker", "soon"]] {
            let outcome = await run(arguments)
            #expect(outcome.status == 2, "\(arguments)")
            #expect(outcome.errors.joined().contains("SHAPE SECONDS"), "\(arguments)")
        }
        for arguments in [["idle", "streamer", "0"], ["idle", "forwarder", "61"]] {
            let outcome = await run(arguments)
            #expect(outcome.status == 2, "\(arguments)")
            #expect(outcome.errors.joined().contains("SECONDS in"), "\(arguments)")
            #expect(outcome.lines.isEmpty, "\(arguments)")
        }
    }

    @Test func reportWritesAnSVGChart() async throws {
        let path = "/tmp/ringmq-bench-test-\(getpid()).svg"
        defer { unlink(path) }
        let outcome = await run(["report", "--quick", "--runs", "1", "--svg", path])
        #expect(outcome.status == 0)
        #expect(outcome.lines.contains { $0.hasPrefix("report thr size=8 ") })
        #expect(outcome.lines.contains { $0.hasPrefix("report lat size=8 ") })
        let file = try #require(fopen(path, "r"))
        defer { fclose(file) }
        var buffer = [CChar](repeating: 0, count: 128)
        #expect(fgets(&buffer, 128, file) != nil)
        let firstLine = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        #expect(firstLine.hasPrefix("<svg "))
    }

    @Test func badArgumentsAreExplained() async {
        let missing = await run(["thr", "8"])
        #expect(missing.status == 2)
        #expect(missing.errors.joined().contains("SIZE COUNT"))
        let unknown = await run(["speed"])
        #expect(unknown.status == 2)
        #expect(unknown.errors.joined().contains("unknown subcommand"))
    }

    @Test func debugBuildsRefuseToMeasure() async {
        guard BenchCommand.isDebugBuild else { return }
        let outcome = await run(["thr", "8", "100"], allowDebug: false)
        #expect(outcome.status == 2)
        #expect(outcome.errors.joined().contains("-c release"))
    }
}
