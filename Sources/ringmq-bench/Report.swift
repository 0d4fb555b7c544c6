#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `ringmq-bench report`: a sweep of throughput by message size and of latency, medians of
/// several runs, printed as a table and drawn as an SVG chart.
struct Report {
    struct Row {
        let size: Int
        let ringmq: Double
        let asyncStream: Double
    }

    let rows: [Row]
    let latencyNanoseconds: Double
    let runs: Int

    static let sizes = [8, 64, 256, 1024, 4096]

    static func measure(runs: Int, quick: Bool = false, progress: (String) -> Void) -> Report {
        var rows: [Row] = []
        for size in sizes {
            let full = size <= 64 ? 5_000_000 : size <= 1024 ? 2_000_000 : 500_000
            let count = quick ? 1_000 : full
            progress("report: thr \(size) B × \(runs) runs")
            let ringmq = median((0..<runs).map { _ in Throughput.pushPull(size: size, count: count).messagesPerSecond })
            let stream = median(
                (0..<runs).map { _ in
                    Throughput.asyncStream(size: size, count: count / 5).messagesPerSecond
                })
            rows.append(Row(size: size, ringmq: ringmq, asyncStream: stream))
        }
        progress("report: lat 8 B × \(runs) runs")
        let latency = median(
            (0..<runs).map { _ in
                Latency.pair(size: 8, roundTrips: quick ? 1_000 : 100_000).oneWayNanoseconds
            })
        return Report(rows: rows, latencyNanoseconds: latency, runs: runs)
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted[(sorted.count - 1) / 2]
    }

    var table: [String] {
        var lines = rows.map { row in
            "report thr size=\(row.size) ringmq_msgs_per_s=\(Int(row.ringmq)) asyncstream_msgs_per_s=\(Int(row.asyncStream))"
                + " ratio=\(format(row.ringmq / row.asyncStream, digits: 1))"
        }
        lines.append("report lat size=8 one_way_ns=\(Int(latencyNanoseconds))")
        return lines
    }

    // MARK: - SVG

    var svg: SVGDocument {
        let width = 760.0
        let height = 420.0
        let left = 70.0
        let top = 50.0
        let plotHeight = 280.0
        let plotWidth = 470.0
        var body: [String] = []
        body.append(
            text(
                x: left, y: 26, "RingMQ inproc throughput and latency (median of \(runs) runs, release build)",
                size: 15, bold: true))
        let peak = rows.flatMap { [$0.ringmq, $0.asyncStream] }.max() ?? 1
        let scale = plotHeight / (peak * 1.1)
        // Axis and grid, in millions of messages per second.
        let step = niceStep(peak * 1.1 / 1e6)
        var tick = 0.0
        while tick * 1e6 <= peak * 1.1 {
            let y = top + plotHeight - tick * 1e6 * scale
            body.append("<line x1=\"\(left)\" y1=\"\(y)\" x2=\"\(left + plotWidth)\" y2=\"\(y)\" stroke=\"#ddd\"/>")
            body.append(text(x: left - 40, y: y + 4, "\(format(tick, digits: 0))M", size: 11))
            tick += step
        }
        let group = plotWidth / Double(rows.count)
        let bar = group / 3.5
        let series: [(String, String, (Row) -> Double?)] = [
            ("RingMQ PUSH/PULL", "#2b6cb0", { $0.ringmq }),
            ("AsyncStream .bufferingOldest(1000)", "#718096", { $0.asyncStream }),
        ]
        for (index, row) in rows.enumerated() {
            let x0 = left + Double(index) * group + bar / 2
            for (offset, entry) in series.enumerated() {
                guard let value = entry.2(row) else { continue }
                let h = value * scale
                let x = x0 + Double(offset) * bar
                body.append(
                    "<rect x=\"\(x)\" y=\"\(top + plotHeight - h)\" width=\"\(bar - 2)\" height=\"\(h)\" fill=\"\(entry.1)\"/>"
                )
            }
            body.append(text(x: x0 + bar / 2, y: top + plotHeight + 18, "\(row.size) B", size: 12))
        }
        body.append(
            text(x: left, y: top + plotHeight + 40, "throughput, messages per second, by message size", size: 12))
        for (offset, entry) in series.enumerated() {
            let y = top + plotHeight + 62 + Double(offset) * 0
            let x = left + Double(offset) * 200
            body.append("<rect x=\"\(x)\" y=\"\(y - 10)\" width=\"12\" height=\"12\" fill=\"\(entry.1)\"/>")
            body.append(text(x: x + 16, y: y, entry.0, size: 11))
        }
        // Latency panel: PAIR ping-pong, one-way, on a 0–2 µs scale (the performance target).
        let latLeft = left + plotWidth + 50
        let latPeak = max(latencyNanoseconds * 1.1, 2_000)
        let latScale = plotHeight / latPeak
        for tickNanoseconds in stride(from: 0.0, through: latPeak, by: latPeak > 4_000 ? 1_000 : 500) {
            let y = top + plotHeight - tickNanoseconds * latScale
            body.append("<line x1=\"\(latLeft)\" y1=\"\(y)\" x2=\"\(latLeft + 110)\" y2=\"\(y)\" stroke=\"#ddd\"/>")
            body.append(text(x: latLeft + 114, y: y + 4, "\(format(tickNanoseconds / 1000, digits: 1)) µs", size: 11))
        }
        let h = max(latencyNanoseconds * latScale, 1)
        body.append(
            "<rect x=\"\(latLeft + 30)\" y=\"\(top + plotHeight - h)\" width=\"50\" height=\"\(h)\" fill=\"#2b6cb0\"/>")
        body.append(
            text(
                x: latLeft + 22, y: top + plotHeight - h - 6, "\(format(latencyNanoseconds / 1000, digits: 2)) µs",
                size: 11))
        body.append(text(x: latLeft, y: top + plotHeight + 18, "PAIR ping-pong", size: 12))
        body.append(text(x: latLeft, y: top + plotHeight + 40, "one-way latency, 8 B", size: 12))
        return SVGDocument(width: width, height: height, body: body)
    }

    private func text(x: Double, y: Double, _ content: String, size: Int, bold: Bool = false) -> String {
        let escaped = content.replacingAll("&", with: "&amp;").replacingAll("<", with: "&lt;")
        return "<text x=\"\(x)\" y=\"\(y)\" font-family=\"sans-serif\" font-size=\"\(size)\""
            + (bold ? " font-weight=\"bold\"" : "") + ">\(escaped)</text>"
    }

    private func niceStep(_ range: Double) -> Double {
        for step in [1.0, 2, 5, 10, 20, 50, 100] where range / step <= 8 { return step }
        return 200
    }
}

func format(_ value: Double, digits: Int) -> String {
    var factor = 1.0
    for _ in 0..<digits { factor *= 10 }
    let rounded = (value * factor).rounded() / factor
    if digits == 0 { return String(Int(rounded)) }
    let whole = Int(rounded)
    let fraction = Int(((abs(rounded) - Double(abs(whole))) * factor).rounded())
    var fractionText = String(fraction)
    while fractionText.count < digits { fractionText = "0" + fractionText }
    return "\(rounded < 0 && whole == 0 ? "-" : "")\(whole).\(fractionText)"
}

/// An SVG document as text.
struct SVGDocument {
    let width: Double
    let height: Double
    let body: [String]

    var text: String {
        ([
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\">",
            "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>",
        ] + body + ["</svg>"]).joined(separator: "\n") + "\n"
    }

    func write(toPath path: String) throws {
        guard let file = fopen(path, "w") else { throw WriteError(path: path, code: errno) }
        defer { fclose(file) }
        guard fputs(text, file) >= 0 else { throw WriteError(path: path, code: errno) }
    }
}

struct WriteError: Error, CustomStringConvertible {
    let path: String
    let code: Int32
    var description: String { "cannot write \(path): \(String(cString: strerror(code)))" }
}

extension String {
    func replacingAll(_ target: Character, with replacement: String) -> String {
        var result = ""
        for character in self {
            if character == target { result += replacement } else { result.append(character) }
        }
        return result
    }
}
