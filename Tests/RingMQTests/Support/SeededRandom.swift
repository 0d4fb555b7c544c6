#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A deterministic pseudo-random generator (SplitMix64), so that a failure can be replayed.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

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
