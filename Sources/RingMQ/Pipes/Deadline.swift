/// When a wait ends: the single place that turns a timeout option into "how long may I still
/// sleep", so that every blocking call agrees on it.
struct Deadline {
    /// `nil`: wait forever.
    private let instant: ContinuousClock.Instant?

    /// A deadline `timeout` from now; `nil` waits forever.
    init(timeout: Duration?) {
        instant = timeout.map { ContinuousClock.now.advanced(by: $0) }
    }

    /// The time left, `nil` for no limit; zero or negative once the deadline has passed.
    var remaining: Duration? {
        instant.map { ContinuousClock.now.duration(to: $0) }
    }

    /// Whether the deadline has passed.
    var hasPassed: Bool {
        guard let left = remaining else { return false }
        return left <= .zero
    }
}
