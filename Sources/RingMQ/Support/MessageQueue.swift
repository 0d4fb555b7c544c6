/// A first-in first-out queue of messages owned by one socket's thread (an XPUB's received
/// subscriptions): amortised O(1) at both ends.
struct MessageQueue {
    private var items: [Message] = []
    private var head = 0

    var isEmpty: Bool { head == items.count }
    var count: Int { items.count - head }

    mutating func append(_ message: Message) {
        items.append(message)
    }

    mutating func popFirst() -> Message? {
        guard head < items.count else { return nil }
        let message = items[head]
        head += 1
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
    }
}
