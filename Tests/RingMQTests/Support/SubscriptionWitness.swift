import Synchronization

/// What a subscriber thread says about its subscriptions, for publisher threads to read just
/// before and just after each send: the happens-before facts behind the PUB/SUB churn checks.
///
/// One word, written only by the subscriber's thread: bits 0–7 are the prefixes (indices into
/// the run's list) that *may* be in force (set before `subscribe` is called, cleared after
/// `unsubscribe` or `close` returns), bits 8–15 the prefixes *surely* in force (set after
/// `subscribe` returned, cleared before `unsubscribe` or `close` is called), and the rest
/// counts the changes. A publisher that reads the same word before and after a send knows the
/// subscriber's state held for the whole send:
///
/// - no "may" prefix matches the topic: the message must not reach the subscriber (after
///   `unsubscribe` or `close` returns, later publishes no longer match; before `subscribe` is
///   called, none does);
/// - a "surely" prefix matches it: the message is queued to every connection of the subscriber
///   that the publisher has adopted (a message published after `subscribe` returned is filtered
///   with it, Docs/Semantics.md "No slow joiner").
///
/// Stores and loads are sequentially consistent: the publisher's two loads and the
/// subscriber's stores must fall in one order with the subscribe and send calls between them.
final class SubscriptionWitness: Sendable {
    private let word = Atomic<UInt64>(0)

    /// Set in ``word`` when the subscriber is not known to be stable (used in logs).
    static let unstable = UInt64.max

    func load() -> UInt64 {
        word.load(ordering: .sequentiallyConsistent)
    }

    static func mayMatch(_ word: UInt64, _ matching: UInt8) -> Bool {
        UInt8(truncatingIfNeeded: word) & matching != 0
    }

    static func surelyMatches(_ word: UInt64, _ matching: UInt8) -> Bool {
        UInt8(truncatingIfNeeded: word >> 8) & matching != 0
    }

    /// Before the first `subscribe` of prefix `index`.
    func willSubscribe(_ index: Int) { change { $0 |= 1 << UInt64(index) } }

    /// After that `subscribe` returned.
    func didSubscribe(_ index: Int) { change { $0 |= 1 << UInt64(8 + index) } }

    /// Before the `unsubscribe` that removes prefix `index`'s last count.
    func willUnsubscribe(_ index: Int) { change { $0 &= ~(1 << UInt64(8 + index)) } }

    /// After that `unsubscribe` returned.
    func didUnsubscribe(_ index: Int) { change { $0 &= ~(1 << UInt64(index)) } }

    /// Before the subscriber's socket closes.
    func willClose() { change { $0 &= ~0xFF00 } }

    /// After it closed.
    func didClose() { change { $0 &= ~0xFF } }

    private func change(_ update: (inout UInt64) -> Void) {
        var value = word.load(ordering: .relaxed)  // this thread is the only writer
        var masks = value & 0xFFFF
        update(&masks)
        value = (value >> 16 &+ 1) << 16 | masks
        word.store(value, ordering: .sequentiallyConsistent)
    }
}
