/// Byte-prefix subscriptions of a set of members (subscribers), as a trie: matching a topic
/// costs its length plus the number of members found, whatever the number of subscriptions.
///
/// A member holds a prefix at most once (set semantics, as libzmq's `mtrie`): subscribers
/// count their own duplicates and send an unsubscription only when their count reaches zero.
/// Empty branches are pruned on removal, so memory follows the live subscriptions.
struct SubscriptionTrie {
    private struct Node {
        var members: [Int32] = []
        /// Child edges, `keys[i]` leading to `nodes[children[i]]`; unsorted, usually few.
        var keys: [UInt8] = []
        var children: [Int32] = []
    }

    private var nodes: [Node] = [Node()]
    private var freeNodes: [Int32] = []
    /// Distinct (prefix, member) pairs.
    private(set) var count = 0

    /// Whether `member` holds the empty prefix, which matches every topic.
    func holdsEverything(_ member: Int32) -> Bool {
        nodes[0].members.contains(member)
    }

    /// Adds `prefix` for `member`. Returns whether the pair is new, and whether `prefix` had
    /// no member before (so an XPUB passes it up).
    @discardableResult
    mutating func insert(_ prefix: UnsafeRawBufferPointer, member: Int32) -> (inserted: Bool, firstForPrefix: Bool) {
        var node = 0
        for byte in prefix {
            if let child = child(of: node, byte) {
                node = child
            } else {
                let child = newNode()
                nodes[node].keys.append(byte)
                nodes[node].children.append(Int32(child))
                node = child
            }
        }
        let first = nodes[node].members.isEmpty
        guard !nodes[node].members.contains(member) else { return (false, false) }
        nodes[node].members.append(member)
        count += 1
        return (true, first)
    }

    /// Removes `prefix` for `member`. Returns whether the pair existed, and whether `prefix`
    /// has no member left (so an XPUB passes the unsubscription up).
    @discardableResult
    mutating func remove(_ prefix: UnsafeRawBufferPointer, member: Int32) -> (removed: Bool, lastForPrefix: Bool) {
        var path: [Int] = [0]
        path.reserveCapacity(prefix.count + 1)
        var node = 0
        for byte in prefix {
            guard let child = child(of: node, byte) else { return (false, false) }
            node = child
            path.append(node)
        }
        guard let index = nodes[node].members.firstIndex(of: member) else { return (false, false) }
        nodes[node].members.remove(at: index)
        count -= 1
        let last = nodes[node].members.isEmpty
        prune(path)
        return (true, last)
    }

    /// Removes every prefix of `member`; returns the prefixes it held, and those of them left
    /// with no member at all.
    @discardableResult
    mutating func removeAll(member: Int32) -> (held: [[UInt8]], emptied: [[UInt8]]) {
        var held: [[UInt8]] = []
        var emptied: [[UInt8]] = []
        for (prefix, holder) in entries() where holder == member {
            held.append(prefix)
            let last = prefix.withUnsafeBytes { remove($0, member: member).lastForPrefix }
            if last { emptied.append(prefix) }
        }
        return (held, emptied)
    }

    /// Calls `body` with every member holding a prefix of `topic`, once per prefix held (a
    /// member holding two matching prefixes is reported twice; callers deduplicate).
    @inline(__always)
    func forEachMatch(_ topic: UnsafeRawBufferPointer, _ body: (Int32) -> Void) {
        nodes.withUnsafeBufferPointer { nodes in
            var node = 0
            var offset = 0
            while true {
                for member in nodes[node].members { body(member) }
                guard offset < topic.count else { return }
                let byte = topic[offset]
                offset += 1
                guard let next = nodes[node].keys.firstIndex(of: byte) else { return }
                node = Int(nodes[node].children[next])
            }
        }
    }

    /// Whether any member holds a prefix of `topic`.
    func matchesAny(_ topic: UnsafeRawBufferPointer) -> Bool {
        var node = 0
        var offset = 0
        while true {
            if !nodes[node].members.isEmpty { return true }
            guard offset < topic.count, let next = nodes[node].keys.firstIndex(of: topic[offset]) else {
                return false
            }
            offset += 1
            node = Int(nodes[node].children[next])
        }
    }

    /// Every (prefix, member) pair (for removal, inspection and tests). Iterative, so a very
    /// long prefix cannot exhaust the stack.
    func entries() -> [(prefix: [UInt8], member: Int32)] {
        var result: [(prefix: [UInt8], member: Int32)] = []
        var prefix: [UInt8] = []
        // (node, depth of the node, edge byte leading to it)
        var stack: [(node: Int, depth: Int, key: UInt8)] = [(0, 0, 0)]
        while let (node, depth, key) = stack.popLast() {
            prefix.removeLast(prefix.count - max(depth - 1, 0))
            if depth > 0 { prefix.append(key) }
            for member in nodes[node].members { result.append((prefix, member)) }
            for (edge, child) in zip(nodes[node].keys, nodes[node].children) {
                stack.append((Int(child), depth + 1, edge))
            }
        }
        return result
    }

    private func child(of node: Int, _ byte: UInt8) -> Int? {
        guard let index = nodes[node].keys.firstIndex(of: byte) else { return nil }
        return Int(nodes[node].children[index])
    }

    private mutating func newNode() -> Int {
        if let reused = freeNodes.popLast() { return Int(reused) }
        nodes.append(Node())
        return nodes.count - 1
    }

    /// Frees the empty nodes at the end of `path` (root first), from the leaf up.
    private mutating func prune(_ path: [Int]) {
        var depth = path.count - 1
        while depth > 0 {
            let node = path[depth]
            guard nodes[node].members.isEmpty, nodes[node].keys.isEmpty else { return }
            let parent = path[depth - 1]
            guard let position = nodes[parent].children.firstIndex(of: Int32(node)) else { return }
            unlink(child: position, of: parent)
            depth -= 1
        }
    }

    private mutating func unlink(child position: Int, of parent: Int) {
        let child = nodes[parent].children[position]
        nodes[parent].keys.remove(at: position)
        nodes[parent].children.remove(at: position)
        nodes[Int(child)] = Node()
        freeNodes.append(child)
    }
}
