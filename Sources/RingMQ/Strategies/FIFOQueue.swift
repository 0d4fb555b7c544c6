/// A first-in first-out queue owned by one socket's thread: amortised O(1) at both ends. A
/// taken element is released at once (its slot is emptied), not when the array is next
/// compacted, so a queue that never empties holds nothing it has handed out.
struct FIFOQueue<Element> {
    private var items: [Element?] = []
    private var head = 0
    /// Stored, not derived from `items`: ``isEmpty`` sits on the send path (a sender's
    /// reclaimed messages), where one load is cheaper than reaching the array's header.
    private(set) var count = 0

    var isEmpty: Bool { count == 0 }

    mutating func append(_ element: Element) {
        items.append(element)
        count += 1
    }

    mutating func popFirst() -> Element? {
        guard head < items.count else { return nil }
        let element = items[head].take()
        head += 1
        count -= 1
        if head == items.count {
            items.removeAll(keepingCapacity: true)
            head = 0
        } else if head >= 64 && head * 2 >= items.count {
            items.removeFirst(head)
            head = 0
        }
        return element
    }

    mutating func removeAll() {
        items = []
        head = 0
        count = 0
    }
}

/// The messages a sender took back from a departed peer (``Balancing``).
typealias MessageQueue = FIFOQueue<Message>
