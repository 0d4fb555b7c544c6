import RingMQ

/// One latency result: half the mean round trip.
struct LatencyResult {
    let size: Int
    let roundTrips: Int
    let seconds: Double

    var oneWayNanoseconds: Double { seconds * 1e9 / Double(roundTrips) / 2 }

    var line: String {
        "lat size=\(size) roundtrips=\(roundTrips) one_way_ns=\(Int(oneWayNanoseconds.rounded()))"
    }
}

enum Latency {
    /// Two PAIR sockets on two threads ping-ponging a `size`-byte message.
    static func pair(size: Int, roundTrips: Int) -> LatencyResult {
        let context = Context()
        defer { context.terminate() }
        do {
            let ping = try context.socket(.pair)
            try ping.bind("inproc://lat")
            let pong = try context.socket(.pair)
            try pong.connect("inproc://lat")
            let echo = PeerThread {
                do {
                    for _ in 0..<roundTrips {
                        try pong.send(try pong.receive())
                    }
                } catch {
                    fatalError("ringmq-bench lat: echo failed: \(error)")
                }
            }
            let message = Message(Frame([UInt8](repeating: 0, count: size)))
            // One untimed round trip, so both threads are running before the clock starts.
            try ping.send(message)
            _ = try ping.receive()
            let start = ContinuousClock.now
            for _ in 1..<roundTrips {
                try ping.send(message)
                _ = try ping.receive()
            }
            let elapsed = ContinuousClock.now - start
            echo.join()
            return LatencyResult(size: size, roundTrips: roundTrips - 1, seconds: elapsed.seconds)
        } catch {
            fatalError("ringmq-bench lat: \(error)")
        }
    }
}
