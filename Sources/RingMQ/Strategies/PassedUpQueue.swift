/// What an XPUB passed up for `receive`, each message with where it came from, so that
/// receiving a subscription message tells a manual XPUB whom ``Socket/subscribe(_:)``
/// applies to.
typealias PassedUpQueue = FIFOQueue<PassedUp>

/// A message an XPUB passed up, and where it came from.
struct PassedUp {
    /// Where a passed-up message came from.
    enum Origin {
        /// A subscription or unsubscription this subscriber sent.
        case subscription(from: Connection)
        /// An unsubscription the XPUB made up because a subscriber left.
        case departure
        /// Anything else an XSUB sent.
        case data
    }

    let message: Message
    let origin: Origin
}
