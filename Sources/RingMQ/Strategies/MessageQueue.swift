/// A first-in first-out queue of messages owned by one socket's thread (an XPUB's received
/// subscriptions, the messages a sender took back): amortised O(1) at both ends.
struct MessageQueue {
    private var items: [Message] = []
    private var head = 0
    /// Stored, not derived from `items`: ``isEmpty`` sits on the send path, where one load
    /// is cheaper than reaching the array's header.
    private(set) var count = 0

    var isEmpty: Bool { count == 0 }

    mutating func append(_ message: Message) {
        items.append(message)
        count += 1
    }

    mutating func popFirst() -> Message? {
        guard head < items.count else { return nil }
        let message = items[head]
        head += 1
        count -= 1
        if head == items.count {
            items.removeAll(keepingCapacity: true)
            head = 0
        } else if head >= 64 && head * 2 >= items.count {
            items.removeFirst(head)
            head = 0
        }
        return message
    }

    mutating func removeAll() {
        items = []
        head = 0
        count = 0
    }
}
