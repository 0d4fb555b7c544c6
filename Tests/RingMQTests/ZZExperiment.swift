import RingMQ
import Testing
import Glibc

func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
        + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
}

@Suite struct ZZExperiment {
    @Test func idleCPU() async throws {
        let context = Context()
        let pull = try context.socket(.pull)
        pull.receiveTimeout = .seconds(30)
        try pull.bind("inproc://x")
        let push = try context.socket(.push)
        try push.connect("inproc://x")
        for round in 0..<10 {
            let waiter = Task { () throws -> Int in
                var n = 0
                for try await _ in pull.messages { n += 1; if n == 2 { break } }
                return n
            }
            try await Task.sleep(for: .milliseconds(20))
            try await push.send("a")
            try await Task.sleep(for: .milliseconds(20))
            let before = cpuSeconds()
            let clock = ContinuousClock()
            let start = clock.now
            try await Task.sleep(for: .milliseconds(300))
            let used = cpuSeconds() - before
            print("round \(round): cpu \(used) over \(start.duration(to: clock.now))")
            try await push.send("b")
            _ = try await waiter.value
        }
    }
}
