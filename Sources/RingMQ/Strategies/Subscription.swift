/// A subscription change as a value: what an XPUB receives from its subscribers, and what an
/// XSUB sends to subscribe.
///
/// On the wire it is a one-frame message: byte `1` then the prefix to subscribe to, byte `0`
/// then the prefix to unsubscribe from (ZeroMQ's format). Decode what an XPUB receives with
/// ``init(_:)``; build what an XSUB sends with ``message``.
///
/// ```swift
/// if case .subscribe(let prefix)? = Subscription(try xpub.receive()) {
///     print("someone wants \(prefix)")
/// }
/// try xsub.send(Subscription.subscribe("EUR").message)   // as xsub.subscribe("EUR")
/// ```
public enum Subscription: Sendable, Hashable {
    /// Subscribe to messages whose first frame starts with the prefix (an empty prefix matches
    /// every message).
    case subscribe(Frame)
    /// Remove one subscription to the prefix.
    case unsubscribe(Frame)

    /// The change `message` carries, or `nil` when it is not a subscription message: more than
    /// one frame, an empty frame, or a first byte other than 0 or 1 (an XPUB passes such
    /// messages up from an XSUB as data).
    public init?(_ message: Message) {
        guard let (subscribe, prefix) = SubscriptionMessage.parse(message) else { return nil }
        self = subscribe ? .subscribe(prefix) : .unsubscribe(prefix)
    }

    /// The prefix subscribed to or unsubscribed from.
    public var prefix: Frame {
        switch self {
        case .subscribe(let prefix), .unsubscribe(let prefix): prefix
        }
    }

    /// Whether this is a subscription (`true`) or an unsubscription (`false`).
    public var isSubscribe: Bool {
        if case .subscribe = self { true } else { false }
    }

    /// The one-frame message carrying the change, as an XSUB sends it: byte 1 (subscribe) or
    /// 0 (unsubscribe), then the prefix.
    public var message: Message {
        SubscriptionMessage.make(subscribe: isSubscribe, prefix)
    }
}
