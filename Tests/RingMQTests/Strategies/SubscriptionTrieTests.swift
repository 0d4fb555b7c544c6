import RingMQTesting
import Testing

@testable import RingMQ

/// The trie's contents as the test believes them: prefix → members holding it, and the same
/// pairs in an array (to pick an existing one at random).
private struct NaiveSubscriptions {
    struct Pair: Hashable {
        let prefix: [UInt8]
        let member: Int32
    }

    private(set) var holders: [[UInt8]: Set<Int32>] = [:]
    private(set) var pairs: [Pair] = []
    private var positions: [Pair: Int] = [:]

    var count: Int { pairs.count }

    mutating func insert(_ prefix: [UInt8], _ member: Int32) {
        let pair = Pair(prefix: prefix, member: member)
        guard positions[pair] == nil else { return }
        positions[pair] = pairs.count
        pairs.append(pair)
        holders[prefix, default: []].insert(member)
    }

    mutating func remove(_ prefix: [UInt8], _ member: Int32) {
        let pair = Pair(prefix: prefix, member: member)
        guard let position = positions.removeValue(forKey: pair) else { return }
        let last = pairs.removeLast()
        if position < pairs.count {
            pairs[position] = last
            positions[last] = position
        }
        holders[prefix]?.remove(member)
        if holders[prefix]?.isEmpty == true { holders[prefix] = nil }
    }

    /// Every member holding a prefix of `topic`, once per prefix held, sorted.
    func matches(_ topic: [UInt8]) -> [Int32] {
        (0...topic.count).flatMap { holders[Array(topic.prefix($0))] ?? [] }.sorted()
    }

    var entries: [String] {
        pairs.map { describe($0.prefix, $0.member) }.sorted()
    }
}

private func describe(_ prefix: [UInt8], _ member: Int32) -> String {
    "\(prefix)#\(member)"
}

extension SubscriptionTrie {
    fileprivate mutating func insert(_ prefix: [UInt8], member: Int32) -> (inserted: Bool, firstForPrefix: Bool) {
        prefix.withUnsafeBytes { insert($0, member: member) }
    }

    fileprivate mutating func remove(_ prefix: [UInt8], member: Int32) -> (removed: Bool, lastForPrefix: Bool) {
        prefix.withUnsafeBytes { remove($0, member: member) }
    }

    fileprivate func matches(_ topic: [UInt8]) -> [Int32] {
        var found: [Int32] = []
        topic.withUnsafeBytes { forEachMatch($0) { found.append($0) } }
        return found.sorted()
    }

    fileprivate func matchesAny(_ topic: [UInt8]) -> Bool {
        topic.withUnsafeBytes { matchesAny($0) }
    }

    fileprivate var describedEntries: [String] {
        entries().map { describe($0.prefix, $0.member) }.sorted()
    }
}

/// The publisher's subscription trie (internal `SubscriptionTrie`) against a naive model:
/// tens of thousands of random inserts and removals over overlapping prefixes (10,000 live
/// entries at the peak), with every return value, match and listing compared; and a
/// 100,000-byte prefix, which must not exhaust the stack.
@Suite(.runsAlone) struct SubscriptionTrieTests {
    @Test func randomOperationsAgreeWithANaiveModel() {
        var random = SplitMix64(seed: 0x5EED)
        var trie = SubscriptionTrie()
        var model = NaiveSubscriptions()
        let alphabet: [UInt8] = [0x61, 0x62, 0x00, 0xFF]

        func randomBytes(maxLength: Int) -> [UInt8] {
            (0..<Int.random(in: 0...maxLength, using: &random)).map { _ in alphabet.randomElement(using: &random)! }
        }

        func checkEverything(_ step: Int) {
            #expect(trie.count == model.count, "step \(step)")
            #expect(trie.describedEntries == model.entries, "step \(step)")
            for member in Int32(0)..<4 {
                #expect(trie.holdsEverything(member) == (model.holders[[]]?.contains(member) ?? false), "step \(step)")
            }
            for _ in 0..<200 {
                let topic = randomBytes(maxLength: 10)
                let expected = model.matches(topic)
                #expect(trie.matches(topic) == expected, "step \(step), topic \(topic)")
                #expect(trie.matchesAny(topic) == !expected.isEmpty, "step \(step), topic \(topic)")
            }
        }

        var peak = 0
        var step = 0
        // Grow to 10,000 entries with some removals on the way, then shrink to nothing.
        for growing in [true, false] {
            while growing ? model.count < 10_000 : model.count > 0 {
                step += 1
                let insert = Int.random(in: 0..<4, using: &random) < (growing ? 3 : 1)
                var member = Int32.random(in: 0..<4, using: &random)
                var prefix = randomBytes(maxLength: 8)
                if !insert, Bool.random(using: &random), let pair = model.pairs.randomElement(using: &random) {
                    (prefix, member) = (pair.prefix, pair.member)
                }
                let holders = model.holders[prefix] ?? []
                if insert {
                    let result = trie.insert(prefix, member: member)
                    #expect(result.inserted == !holders.contains(member), "step \(step)")
                    #expect(result.firstForPrefix == (result.inserted && holders.isEmpty), "step \(step)")
                    model.insert(prefix, member)
                } else {
                    let result = trie.remove(prefix, member: member)
                    #expect(result.removed == holders.contains(member), "step \(step)")
                    #expect(result.lastForPrefix == (result.removed && holders.count == 1), "step \(step)")
                    model.remove(prefix, member)
                }
                peak = max(peak, model.count)
                if step.isMultiple(of: 5_000) || (growing && model.count == 10_000) { checkEverything(step) }
            }
            if growing {
                // Remove one member wholesale, as a closing subscriber does.
                let emptied = trie.removeAll(member: 2).emptied
                let expected = model.holders.filter { $0.value == [2] }.map(\.key)
                #expect(
                    emptied.sorted { $0.lexicographicallyPrecedes($1) }
                        == expected.sorted { $0.lexicographicallyPrecedes($1) })
                for pair in model.pairs where pair.member == 2 { model.remove(pair.prefix, 2) }
                checkEverything(step)
            }
        }
        #expect(peak == 10_000)
        #expect(trie.count == 0)
        #expect(trie.entries().isEmpty)
        #expect(!trie.matchesAny([0x61, 0x62]))
        // The emptied trie works as new.
        #expect(trie.insert([0x61], member: 1) == (true, true))
        #expect(trie.matches([0x61, 0x61]) == [1])
    }

    @Test func aMemberHoldsAPrefixOnce() {
        var trie = SubscriptionTrie()
        #expect(trie.insert(Array("ab".utf8), member: 7) == (true, true))
        #expect(trie.insert(Array("ab".utf8), member: 7) == (false, false))
        #expect(trie.insert(Array("ab".utf8), member: 8) == (true, false))
        #expect(trie.insert(Array("a".utf8), member: 7) == (true, true))
        #expect(trie.count == 3)
        #expect(trie.matches(Array("abc".utf8)) == [7, 7, 8], "reported once per prefix held")
        #expect(trie.remove(Array("ab".utf8), member: 7) == (true, false))
        #expect(trie.remove(Array("ab".utf8), member: 7) == (false, false))
        #expect(trie.remove(Array("abc".utf8), member: 8) == (false, false))
        #expect(trie.remove(Array("ab".utf8), member: 8) == (true, true))
        #expect(trie.describedEntries == [describe(Array("a".utf8), 7)])
    }

    @Test func aHundredThousandBytePrefix() {
        let long = (0..<100_000).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 >> 8) }
        let half = Array(long.prefix(50_000))
        var trie = SubscriptionTrie()
        #expect(trie.insert(long, member: 0) == (true, true))
        #expect(trie.insert(half, member: 1) == (true, true))
        #expect(trie.insert(long, member: 1) == (true, false))

        #expect(trie.matches(long + [1, 2]) == [0, 1, 1])
        #expect(trie.matches(Array(long.prefix(60_000))) == [1])
        #expect(trie.matches(Array(long.prefix(40_000))) == [])
        #expect(trie.matchesAny(long))
        #expect(!trie.matchesAny(Array(long.dropLast().prefix(49_999))))
        let entries = trie.entries()
        #expect(entries.map { $0.prefix.count }.sorted() == [50_000, 100_000, 100_000])
        #expect(entries.filter { $0.prefix.count == 100_000 }.allSatisfy { $0.prefix == long })

        #expect(trie.remove(long, member: 0) == (true, false))
        #expect(trie.remove(long, member: 0) == (false, false))
        #expect(trie.removeAll(member: 1).emptied.sorted { $0.count < $1.count } == [half, long])
        #expect(trie.count == 0)
        #expect(trie.entries().isEmpty)
        #expect(!trie.matchesAny(long))

        // Again after the nodes were freed, and removed the other way.
        #expect(trie.insert(long, member: 3) == (true, true))
        #expect(trie.removeAll(member: 3).emptied == [long])
        #expect(trie.insert(long, member: 4) == (true, true))
        #expect(trie.remove(long, member: 4) == (true, true))
        #expect(trie.entries().isEmpty)
    }
}
