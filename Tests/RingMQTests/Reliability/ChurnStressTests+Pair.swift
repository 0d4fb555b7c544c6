import RingMQ
import Testing

extension ChurnStressTests {
    /// One PAIR (the anchor) binds and streams numbered messages; a visitor thread connects a
    /// PAIR to it, reads a few, sends some of its own, and leaves, again and again: gracefully
    /// (it says "bye", the anchor answers "ack" with the number of the next message and sends
    /// no more until the next visitor says "hello"), or abruptly (it closes, or disconnects and
    /// then closes or connects the same socket again). The anchor unbinds and re-binds now and
    /// then, so some visitors' connects wait for the bind.
    ///
    /// PAIR does not redeliver (Docs/Semantics.md): what the anchor had queued to a visitor
    /// that leaves abruptly is dropped with the connection. So the invariants are: everything
    /// a visitor's `send` accepted reaches the anchor, exactly once and in order (what a peer
    /// sent stays receivable after it closes or disconnects); and what the visitors receive
    /// from the anchor is, across all of them, in order and never twice, without a gap inside
    /// one connection, and complete for a visitor that left gracefully: exactly the messages
    /// between the previous "ack" (if the visitor before it left gracefully) and its own.
    @Test func pairKeepsOrderAndLosesOnlyWhatAnAbruptLeaverLeftUnread() {
        ChurnSoak.run("pair", defaultSeed: 0xC4_2017_0004) { try Self.pairRun(seed: $0) }
    }

    private enum Leave: CaseIterable, Sendable {
        case graceful, close, disconnectAndClose, disconnectAndReuse
    }

    private enum PairKind: Int {
        case data = 1
        case hello, bye, finalBye, ack
    }

    private static func pairMessage(_ kind: PairKind, stint: Int = 0, _ number: Int = 0) -> Message {
        tagged(sender: kind.rawValue << 20 | stint, sequence: number)
    }

    private static func pairParts(_ message: Message) -> (kind: PairKind, stint: Int, number: Int)? {
        guard let tag = tag(of: message), let kind = PairKind(rawValue: tag.sender >> 20) else { return nil }
        return (kind, tag.sender & 0xF_FFFF, tag.sequence)
    }

    /// `send` with the safety timeout, on a socket whose loops use a short one.
    private static func sendPatiently(_ socket: Socket, _ message: Message) throws {
        let short = socket.sendTimeout
        socket.sendTimeout = Scale.safety
        defer { socket.sendTimeout = short }
        try socket.send(message)
    }

    private struct AnchorLog: Sendable {
        var fromVisitor: [[Int]]
        var sent = 0
        var rebinds = 0
        var unexpected: [String] = []
        var stalled = false
    }

    private struct VisitorLog: Sendable {
        var runs: [[Int]] = []
        var sent: [Int] = []
        var leaves: [Leave] = []
        var acks: [Int?] = []
        var unexpected: [String] = []
        var stalled = false
    }

    private static func pairRun(seed: UInt64) throws -> ChurnFindings {
        let stints = Scale.count(normal: 1_500, stress: 15_000, sanitized: 600)
        let marks = [1, 2, 16]
        let endpoint = "inproc://churn-pair"
        let context = TestContext()
        defer { context.terminate() }

        let anchor = Peer { () throws -> AnchorLog in
            var random = SplitMix64.forThread(seed: seed, role: 8, index: 0)
            var log = AnchorLog(fromVisitor: Array(repeating: [], count: stints))
            let pair = try context.socket(.pair)
            pair.sendHighWaterMark = marks.randomElement(using: &random)!
            pair.receiveHighWaterMark = marks.randomElement(using: &random)!
            pair.sendTimeout = .milliseconds(1)  // to read while no visitor has room
            pair.receiveTimeout = .milliseconds(1)
            try pair.bind(endpoint)
            var churn = RebindChurn(endpoint, oneIn: 64)
            var paused = false  // from an "ack" to the next "hello": nothing to send to
            var ended = false
            var stall = ProgressWatch.Stall()
            func take(_ message: Message) throws {
                stall.progressed()
                switch pairParts(message) {
                case (.data, let stint, let number)? where log.fromVisitor.indices.contains(stint):
                    log.fromVisitor[stint].append(number)
                case (.hello, _, _)?:
                    paused = false
                case (let kind, _, _)? where kind == .bye || kind == .finalBye:
                    try sendPatiently(pair, pairMessage(.ack, log.sent))
                    paused = true
                    ended = kind == .finalBye
                default:
                    log.unexpected.append("the anchor got \(message)")
                }
            }
            while !ended {
                if stall.isStalled {
                    log.stalled = true
                    break
                }
                _ = try churn.step(pair, using: &random)
                log.rebinds = churn.rebinds
                if !paused {
                    do {
                        try pair.send(pairMessage(.data, log.sent))
                        log.sent += 1
                        stall.progressed()
                    } catch RingMQError.timedOut {}
                } else {
                    do { try take(try pair.receive()) } catch RingMQError.timedOut {}
                }
                while !ended, let message = try pair.tryReceive() { try take(message) }
            }
            // The visitor sends nothing more; its earlier connections may still hold data.
            while let message = try pair.tryReceive() { try take(message) }
            return log
        }

        let visitor = Peer { () throws -> VisitorLog in
            var random = SplitMix64.forThread(seed: seed, role: 9, index: 0)
            var log = VisitorLog()
            var kept: Socket?
            for stint in 0..<stints {
                let pair: Socket
                if let kept {
                    pair = kept
                } else {
                    pair = try context.socket(.pair)
                    pair.sendHighWaterMark = marks.randomElement(using: &random)!
                    pair.receiveHighWaterMark = marks.randomElement(using: &random)!
                    pair.receiveTimeout = .milliseconds(1)
                }
                kept = nil
                try pair.connect(endpoint)
                try sendPatiently(pair, pairMessage(.hello, stint: stint))
                var run: [Int] = []
                var sent = 0
                var ack: Int?
                var stall = ProgressWatch.Stall()
                func take(_ message: Message) {
                    stall.progressed()
                    switch pairParts(message) {
                    case (.data, _, let number)?: run.append(number)
                    case (.ack, _, let number)?: ack = number
                    default: log.unexpected.append("visitor \(stint) got \(message)")
                    }
                }
                let quota = Int.random(in: 1...64, using: &random)
                while run.count < quota, !stall.isStalled {
                    if Bool.random(using: &random), try pair.trySend(pairMessage(.data, stint: stint, sent)) {
                        sent += 1
                    }
                    do { take(try pair.receive()) } catch RingMQError.timedOut {}
                }
                let leave = stint == stints - 1 ? .graceful : Leave.allCases.randomElement(using: &random)!
                switch leave {
                case .graceful:
                    try sendPatiently(pair, pairMessage(stint == stints - 1 ? .finalBye : .bye, stint: stint))
                    while ack == nil, !stall.isStalled {
                        do { take(try pair.receive()) } catch RingMQError.timedOut {}
                    }
                    pair.close()
                case .close:
                    pair.close()
                case .disconnectAndClose, .disconnectAndReuse:
                    try pair.disconnect(endpoint)
                    if leave == .disconnectAndReuse { kept = pair } else { pair.close() }
                }
                log.runs.append(run)
                log.sent.append(sent)
                log.leaves.append(leave)
                log.acks.append(ack)
                if stall.isStalled {
                    log.stalled = true
                    break
                }
            }
            return log
        }

        var findings = ChurnFindings(seed: seed)
        let visited = findings.join([visitor], "visitor")[0]
        let anchored = findings.join([anchor], "anchor")[0]
        guard let visited, let anchored else { return findings }
        findings.expect(!visited.stalled && !anchored.stalled, "the run stalled")
        findings.expect(
            visited.unexpected.isEmpty && anchored.unexpected.isEmpty,
            "unexpected messages: \((visited.unexpected + anchored.unexpected).prefix(5))")
        // Visitor → anchor: everything, once, in order per connection.
        let short = visited.sent.indices.filter { anchored.fromVisitor[$0] != Array(0..<visited.sent[$0]) }
        findings.expect(
            short.isEmpty,
            "\(short.count) visitors' messages did not all reach the anchor once, in order: "
                + short.prefix(3).map {
                    "visitor \($0) sent \(visited.sent[$0]), the anchor got "
                        + "\(anchored.fromVisitor[$0].prefix(8))"
                }.joined(separator: "; "))
        // Anchor → visitors: in order, never twice, no gap in a connection, complete when graceful.
        var previous = -1
        var problems: [String] = []
        for (stint, run) in visited.runs.enumerated() {
            if let first = run.first, first <= previous {
                problems.append("visitor \(stint) got #\(first) after #\(previous)")
            }
            if !zip(run, run.dropFirst()).allSatisfy({ $1 == $0 + 1 }) {
                problems.append("visitor \(stint) got a gap or disorder: \(run.prefix(8))")
            }
            let start = stint == 0 ? 0 : visited.leaves[stint - 1] == .graceful ? visited.acks[stint - 1] : nil
            if let start, let first = run.first, first != start {
                problems.append("visitor \(stint) started at #\(first), the anchor's first to it was #\(start)")
            }
            if visited.leaves[stint] == .graceful {
                if let ack = visited.acks[stint] {
                    if let last = run.last, last != ack - 1 {
                        problems.append("visitor \(stint) ended at #\(last), ack \(ack)")
                    }
                    if let start, run.isEmpty, start != ack {
                        problems.append("visitor \(stint) got nothing of #\(start)..<\(ack)")
                    }
                } else {
                    problems.append("visitor \(stint) got no ack")
                }
            }
            previous = run.last ?? previous
        }
        findings.expect(problems.isEmpty, "\(problems.count) problems, first \(problems.prefix(5))")
        findings.expect(previous < anchored.sent, "received #\(previous) of \(anchored.sent) sent")
        let received = visited.runs.map(\.count).reduce(0, +)
        let graceful = visited.leaves.filter { $0 == .graceful }.count
        findings.summary =
            "\(anchored.sent) sent by the anchor, \(received) received, \(visited.sent.reduce(0, +)) "
            + "sent by visitors, \(stints) visits (\(graceful) graceful), \(anchored.rebinds) re-binds"
        findings.expect(graceful > 1 && graceful < stints, "visitors left only one way (\(graceful) graceful)")
        findings.expect(anchored.rebinds > 0, "the anchor never re-bound")
        return findings
    }
}
