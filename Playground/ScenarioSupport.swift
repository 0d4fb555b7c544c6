import RingMQ

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// How long any scenario waits for a message before it gives up: far longer than anything
/// takes when RingMQ works, so a bug fails the scenario with `.timedOut` instead of hanging it.
/// Never used to synchronise: no scenario relies on a wait running out.
let patience: Duration = .seconds(2)

extension Context {
    /// A socket that waits at most ``patience`` to receive or send.
    func patientSocket(_ type: SocketType) throws -> Socket {
        let socket = try self.socket(type)
        socket.receiveTimeout = patience
        socket.sendTimeout = patience
        return socket
    }
}

/// A small seeded pseudo-random generator (SplitMix64), so that scenarios with "random" data
/// print the same numbers on every run and every platform.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// `value` with `places` decimals, rounded (no Foundation needed).
func decimal(_ value: Double, places: Int = 3, signed: Bool = false) -> String {
    var scale = 1
    for _ in 0..<places { scale *= 10 }
    let scaled = Int((abs(value) * Double(scale)).rounded())
    let sign = value < 0 && scaled > 0 ? "-" : signed ? "+" : ""
    guard places > 0 else { return "\(sign)\(scaled)" }
    let fraction = String(scaled % scale)
    return "\(sign)\(scaled / scale).\(String(repeating: "0", count: places - fraction.count))\(fraction)"
}

/// `text` padded with spaces to `width` characters.
func padded(_ text: String, to width: Int) -> String {
    text + String(repeating: " ", count: max(0, width - text.count))
}

/// Stands in for real work in a worker: takes about `duration` (the thread sleeps). Never used
/// to wait for another thread; only to make a worker slower than its feeder.
func simulateWork(_ duration: Duration) {
    let (seconds, attoseconds) = duration.components
    usleep(UInt32(seconds * 1_000_000 + attoseconds / 1_000_000_000_000))
}

/// Lets another thread run (a polling safety net calls it between looks).
func yieldProcessor() {
    sched_yield()
}
