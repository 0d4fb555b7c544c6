import RingMQTesting

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A deterministic pseudo-random generator (SplitMix64), so that a failure can be replayed:
/// the one controlled runs draw their choices from.
typealias SplitMix64 = ScheduleRandom

/// The seed of a randomised test: `RINGMQ_SEED` (decimal or 0x-hex) when set, so that a
/// failure's printed seed can be replayed, else the test's fixed default.
enum TestSeed {
    /// "seed 0x…; replay with RINGMQ_SEED=0x…": how a failure names its seed.
    static func replay(_ seed: UInt64) -> String {
        let hex = "0x" + String(seed, radix: 16, uppercase: true)
        return "seed \(hex); replay with RINGMQ_SEED=\(hex)"
    }

    static func value(default fallback: UInt64) -> UInt64 {
        guard let raw = getenv("RINGMQ_SEED").map({ String(cString: $0) }) else { return fallback }
        if raw.hasPrefix("0x") { return UInt64(raw.dropFirst(2), radix: 16) ?? fallback }
        return UInt64(raw) ?? fallback
    }
}
