/// The `ringmq-bench` command line: parses a subcommand, runs it, prints one result line.
///
/// Output lines are `key=value` pairs separated by spaces, the first word naming the
/// benchmark, so scripts can compare them with libzmq's tools run the same way.
enum BenchCommand {
    static let usage = """
        usage: ringmq-bench SUBCOMMAND ARGS (build with -c release)
          thr SIZE COUNT                 PUSH -> PULL throughput, receiver on its own thread
          thr-async SIZE COUNT           the same with async send/receive in two tasks
          thr-asyncstream SIZE COUNT     the same handoff through AsyncStream (.bufferingOldest(1000))
          lat SIZE ROUNDTRIPS            PAIR <-> PAIR ping-pong on two threads, one-way latency
          fanout SUBS SIZE COUNT         PUB -> SUBS subscribers on 4 topics, none dropped
                                         (SUBS 1...64, SIZE >= 5; exit 1 unless each got its share)
          idle SHAPE SECONDS             an idle proxy's CPU seconds per second (SHAPE streamer,
                                         forwarder or broker), SECONDS of real time before any
                                         peer attaches, after peers attach, after one detaches
          explore RUNS                   controlled runs (RingMQTesting) of a three-participant
                                         pipeline: seconds, decisions per second
          report [--svg PATH] [--runs N] [--quick]
                                         sweep thr and lat, print a table, write an SVG chart
                                         (--quick: tiny counts, to check the command works)
        """

    /// Whether this binary was built without optimisation.
    static var isDebugBuild: Bool {
        #if DEBUG
            true
        #else
            false
        #endif
    }

    /// Runs `arguments` (without the program name); returns the exit status.
    static func run(
        _ arguments: [String], allowDebug: Bool,
        output: (String) -> Void, errors: (String) -> Void
    ) -> Int32 {
        guard let subcommand = arguments.first else {
            errors(usage)
            return 2
        }
        if isDebugBuild && !allowDebug {
            errors(
                """
                ringmq-bench: refusing to measure a debug build; figures from it mean nothing.
                Run: swift run -c release ringmq-bench \(arguments.joined(separator: " "))
                (set RINGMQ_BENCH_ALLOW_DEBUG=1 to run anyway, for example in tests)
                """)
            return 2
        }
        let rest = Array(arguments.dropFirst())
        do {
            switch subcommand {
            case "thr":
                let (size, count) = try sizeAndCount(rest, name: "thr")
                output(Throughput.pushPull(size: size, count: count).line(name: "thr"))
            case "thr-async":
                let (size, count) = try sizeAndCount(rest, name: "thr-async")
                output(Throughput.pushPullAsync(size: size, count: count).line(name: "thr-async"))
            case "thr-asyncstream":
                let (size, count) = try sizeAndCount(rest, name: "thr-asyncstream")
                output(Throughput.asyncStream(size: size, count: count).line(name: "thr-asyncstream"))
            case "lat":
                let (size, roundTrips) = try sizeAndCount(rest, name: "lat")
                output(Latency.pair(size: size, roundTrips: roundTrips).line)
            case "fanout":
                let (subscribers, size, count) = try fanoutArguments(rest)
                let result = try Fanout.pubSub(subscribers: subscribers, size: size, count: count)
                output(result.line)
                if !result.exact { return 1 }
            case "idle":
                let (shape, seconds) = try idleArguments(rest)
                output(try Idle.measure(shape: shape, seconds: seconds).line)
            case "explore":
                guard rest.count == 1, let runs = Int(rest[0]), runs >= 1 else {
                    throw UsageError(message: "explore takes RUNS, a whole number >= 1")
                }
                output(try Explore.pipeline(runs: runs).line)
            case "report":
                let options = try ReportOptions(parsing: rest)
                let report = Report.measure(runs: options.runs, quick: options.quick, progress: errors)
                for line in report.table { output(line) }
                if let path = options.svgPath {
                    try report.svg.write(toPath: path)
                    output("report svg=\(path)")
                }
            case "-h", "--help", "help":
                output(usage)
            default:
                errors("ringmq-bench: unknown subcommand '\(subcommand)'\n" + usage)
                return 2
            }
        } catch let error as UsageError {
            errors("ringmq-bench: \(error.message)\n" + usage)
            return 2
        } catch {
            errors("ringmq-bench: \(error)")
            return 1
        }
        return 0
    }

    private static func sizeAndCount(_ arguments: [String], name: String) throws -> (Int, Int) {
        guard arguments.count == 2, let size = Int(arguments[0]), let count = Int(arguments[1]) else {
            throw UsageError(message: "\(name) takes SIZE COUNT, two whole numbers")
        }
        guard size >= 0, count >= 2 else {
            throw UsageError(
                message: "\(name) needs SIZE >= 0 and COUNT >= 2 (the rate is timed from the first message)")
        }
        return (size, count)
    }

    private static func fanoutArguments(_ arguments: [String]) throws -> (subscribers: Int, size: Int, count: Int) {
        guard arguments.count == 3, let subscribers = Int(arguments[0]), let size = Int(arguments[1]),
            let count = Int(arguments[2])
        else {
            throw UsageError(message: "fanout takes SUBS SIZE COUNT, three whole numbers")
        }
        guard (1...64).contains(subscribers), size >= 5, count >= 1 else {
            // Bytes 0..<4 are the topic and byte 4 the message kind, hence SIZE >= 5.
            throw UsageError(message: "fanout needs SUBS in 1...64, SIZE >= 5 (topic and kind bytes) and COUNT >= 1")
        }
        return (subscribers, size, count)
    }

    private static func idleArguments(_ arguments: [String]) throws -> (shape: IdleShape, seconds: Double) {
        let shapes = IdleShape.allCases.map(\.rawValue).joined(separator: ", ")
        guard arguments.count == 2, let shape = IdleShape(rawValue: arguments[0]), let seconds = Double(arguments[1])
        else {
            throw UsageError(message: "idle takes SHAPE SECONDS: SHAPE one of \(shapes), SECONDS a number")
        }
        // Each of the three phases lasts SECONDS; a minute each is plenty for a stable figure.
        guard seconds > 0, seconds <= 60 else {
            throw UsageError(message: "idle needs SECONDS in (0, 60]")
        }
        return (shape, seconds)
    }
}

/// A command-line mistake; the usage text follows the message.
struct UsageError: Error {
    let message: String
}

/// `report` options.
struct ReportOptions {
    var svgPath: String?
    var runs = 3
    var quick = false

    init(parsing arguments: [String]) throws {
        var remaining = arguments[...]
        while let flag = remaining.popFirst() {
            switch flag {
            case "--svg":
                guard let path = remaining.popFirst() else { throw UsageError(message: "--svg needs a PATH") }
                svgPath = path
            case "--runs":
                guard let text = remaining.popFirst(), let runs = Int(text), runs >= 1 else {
                    throw UsageError(message: "--runs needs a whole number >= 1")
                }
                self.runs = runs
            case "--quick":
                quick = true
            default:
                throw UsageError(message: "report: unknown option '\(flag)'")
            }
        }
    }
}
