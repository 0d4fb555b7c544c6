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
        nanoseconds = timeout.map { ringmq_monotonic_ns().addingReportingOverflow($0.nanosecondsClamped).partialValue }
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
