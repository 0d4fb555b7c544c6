/// What an XPUB passed up for `receive`, each message with where it came from, so that
/// receiving a subscription message tells a manual XPUB whom ``Socket/subscribe(_:)``
/// applies to. First in, first out, amortised O(1) at both ends; owned by the socket's thread.
struct PassedUpQueue {
    /// Where a passed-up message came from.
    enum Origin {
        /// A subscription or unsubscription this subscriber sent.
        case subscription(from: Connection)
        /// An unsubscription the XPUB made up because a subscriber left.
        case departure
        /// Anything else an XSUB sent.
        case data
    }

    private var items: [(message: Message, origin: Origin)] = []
    private var head = 0

    var count: Int { items.count - head }
    var isEmpty: Bool { head == items.count }

    mutating func append(_ message: Message, _ origin: Origin) {
        items.append((message, origin))
    }

    mutating func popFirst() -> (message: Message, origin: Origin)? {
        guard head < items.count else { return nil }
        let item = items[head]
        // Holds neither the message's frames nor a connection once taken, even before the
        // array is compacted.
        items[head] = (Message([Frame]()), .data)
        head += 1
        if head == items.count {
            items.removeAll(keepingCapacity: true)
            head = 0
        } else if head >= 64 && head * 2 >= items.count {
            items.removeFirst(head)
            head = 0
        }
        return item
    }

    mutating func removeAll() {
        items = []
        head = 0
    }
}
