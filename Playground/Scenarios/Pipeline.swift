import RingMQ

/// A three-stage pipeline: sensor series flow from a source through a preprocessor (scales
/// each series to 0…1) and an analyser (mean, variance and trend of the scaled values) to a
/// collector that prints each result as it arrives.
///
/// Each stage runs on its own thread and talks to the next over PUSH/PULL, so a stage never
/// knows who feeds it or who it feeds: add a second analyser by connecting another PULL.
/// One worker per stage keeps the order; an "end" message flows down the pipeline behind the
/// data and stops each stage in turn. The collector checks every figure against the same
/// computation done directly, without the pipeline.
let pipelineScenario = Scenario(
    name: "pipeline",
    summary: "preprocessor -> analyser -> collector over PUSH/PULL, one thread per stage"
) {
    let context = Context()
    defer { context.terminate() }

    let source = try context.patientSocket(.push)
    try source.bind("inproc://pipeline-raw")
    let collector = try context.patientSocket(.pull)
    try collector.bind("inproc://pipeline-results")

    /// A stage: receives on `input`, sends `transform(message)` on `output` (binding it when
    /// the next stage connects to it), forwards "end" and stops.
    func stage(
        _ name: String, from input: String, to output: String, bindingOutput: Bool = false,
        _ transform: @escaping @Sendable (Message) -> Message
    ) throws -> PeerThread {
        let inbound = try context.patientSocket(.pull)
        let outbound = try context.patientSocket(.push)
        try inbound.connect(input)
        if bindingOutput { try outbound.bind(output) } else { try outbound.connect(output) }
        return PeerThread {
            do {
                while true {
                    let message = try inbound.receive()
                    if message[0].string == "end" {
                        try outbound.send(message)
                        return
                    }
                    try outbound.send(transform(message))
                }
            } catch {
                print("   \(name) stopped: \(error)")
            }
        }
    }

    // [series, "v1,v2,…"] -> [series, "n1,n2,…"]
    let preprocessor = try stage(
        "preprocessor", from: "inproc://pipeline-raw", to: "inproc://pipeline-scaled",
        bindingOutput: true
    ) {
        [$0[0], Frame(PipelineMath.encode(PipelineMath.normalise(PipelineMath.decode($0[1]))))]
    }
    // [series, "n1,n2,…"] -> [series, mean, variance, trend]
    let analyser = try stage("analyser", from: "inproc://pipeline-scaled", to: "inproc://pipeline-results") {
        let figures = PipelineMath.analyse(PipelineMath.decode($0[1]))
        return [$0[0], Frame("\(figures.mean)"), Frame("\(figures.variance)"), Frame("\(figures.trend)")]
    }

    // Five sensors, 24 readings each: a base, a drift per reading, and seeded noise.
    var random = SeededGenerator(seed: 42)
    let drifts: [(name: String, drift: Double)] = [
        ("boiler", 0.8), ("cellar", 0.0), ("attic", -0.5), ("garden", 1.5), ("freezer", -1.2),
    ]
    let series = drifts.map { sensor in
        (
            name: sensor.name, drift: sensor.drift,
            readings: (0..<24).map { step in
                20 + sensor.drift * Double(step) + Double.random(in: -1...1, using: &random)
            }
        )
    }

    for sensor in series {
        try source.send([Frame(sensor.name), Frame(PipelineMath.encode(sensor.readings))])
    }
    try source.send("end")

    var collected = 0
    while true {
        let result = try collector.receive()
        if result[0].string == "end" { break }
        let name = result[0].string
        let figures = (
            mean: Double(result[1].string)!, variance: Double(result[2].string)!,
            trend: Double(result[3].string)!
        )
        let direction = figures.trend > 0.02 ? "rising" : figures.trend < -0.02 ? "falling" : "flat"
        print(
            "   \(padded(name, to: 8)) mean \(decimal(figures.mean))  variance \(decimal(figures.variance))  "
                + "trend \(decimal(figures.trend, signed: true))/reading (\(direction))")

        // The same computation without the pipeline, in this thread.
        guard let sensor = series.first(where: { $0.name == name }) else {
            throw ScenarioFailure(description: "a result for an unknown series \(name)")
        }
        try check(
            collected < series.count && series[collected].name == name,
            "results out of order: got \(name) as result \(collected + 1)")
        let expected = PipelineMath.analyse(PipelineMath.normalise(sensor.readings))
        try check(
            figures.mean == expected.mean && figures.variance == expected.variance
                && figures.trend == expected.trend,
            "\(name): pipeline says \(figures), computed directly \(expected)")
        if sensor.drift != 0 {
            try check(
                (figures.trend > 0) == (sensor.drift > 0),
                "\(name): trend \(figures.trend) has the wrong sign for a drift of \(sensor.drift)")
        }
        collected += 1
    }
    preprocessor.join()
    analyser.join()
    try check(collected == series.count, "collected \(collected) results for \(series.count) series")
}

/// The pipeline's arithmetic, shared by its stages and by the check.
enum PipelineMath {
    /// Min-max scaling: the smallest value becomes 0, the largest 1.
    static func normalise(_ values: [Double]) -> [Double] {
        guard let low = values.min(), let high = values.max(), high > low else {
            return values.map { _ in 0 }
        }
        return values.map { ($0 - low) / (high - low) }
    }

    /// Mean, population variance, and trend: the least-squares slope per reading.
    static func analyse(_ values: [Double]) -> (mean: Double, variance: Double, trend: Double) {
        let count = Double(values.count)
        let mean = values.reduce(0, +) / count
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / count
        let middle = (count - 1) / 2
        var covariance = 0.0
        var spread = 0.0
        for (step, value) in values.enumerated() {
            covariance += (Double(step) - middle) * (value - mean)
            spread += (Double(step) - middle) * (Double(step) - middle)
        }
        return (mean, variance, spread > 0 ? covariance / spread : 0)
    }

    /// Numbers as text; Swift prints a `Double` with the digits that read back exactly.
    static func encode(_ values: [Double]) -> String {
        values.map { "\($0)" }.joined(separator: ",")
    }

    static func decode(_ frame: Frame) -> [Double] {
        frame.string.split(separator: ",").map { Double($0)! }
    }
}
