import CRingMQShims

/// When a wait ends: the single place that turns a timeout option into "how long may I still
/// sleep", so that every blocking call agrees on it.
///
/// Monotonic nanoseconds rather than `ContinuousClock.Instant`: a fixed-layout value costs
/// nothing to keep on the stack of the send and receive paths.
struct Deadline {
    /// `nil`: wait forever.
    private let nanoseconds: Int64?

    /// A deadline `timeout` from now; `nil` waits forever.
    init(timeout: Duration?) {
        nanoseconds = timeout.map { timeout in
            // A timeout beyond the clock's range means "never": cap instead of wrapping.
            let (sum, overflow) = ringmq_monotonic_ns().addingReportingOverflow(timeout.nanosecondsClamped)
            return overflow ? .max : sum
        }
    }

    /// The time left, `nil` for no limit; zero or negative once the deadline has passed.
    var remaining: Duration? {
        nanoseconds.map { .nanoseconds($0 &- ringmq_monotonic_ns()) }
    }

    /// Whether the deadline has passed.
    var hasPassed: Bool {
        guard let nanoseconds else { return false }
        return ringmq_monotonic_ns() >= nanoseconds
    }
}
