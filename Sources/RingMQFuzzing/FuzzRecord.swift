import RingMQ

/// What the driver did with one socket: the counts its ``Socket/statistics`` and
/// ``Socket/subscriptions`` must report exactly.
struct FuzzRecord {
    /// Sends accepted (`send` returned, `trySend` returned `true`).
    var sent = 0
    /// Messages received.
    var received = 0
    /// SUB and XSUB: each prefix with how many times it is subscribed, by `subscribe`,
    /// `unsubscribe` and an XSUB's subscription messages.
    var subscriptions: [Frame: Int] = [:]

    /// Counts a subscription change that RingMQ accepted.
    mutating func change(subscribe: Bool, _ prefix: Frame) {
        let count = subscriptions[prefix, default: 0]
        if subscribe {
            subscriptions[prefix] = count + 1
        } else if count > 0 {
            subscriptions[prefix] = count == 1 ? nil : count - 1
        }
    }
}
