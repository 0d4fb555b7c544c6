/// The messaging pattern role of a socket, named after ZeroMQ's socket types.
///
/// Which types can talk to each other, and how each routes messages, follows ZeroMQ
/// (`zmq_socket(3)` and RFCs 28–31).
public enum SocketType: Sendable, CaseIterable, Hashable {
    /// Exclusive two-way channel to exactly one other PAIR (ZMQ_PAIR).
    case pair
    /// Sends round-robin to PULL peers (ZMQ_PUSH).
    case push
    /// Receives fair-queued from PUSH peers (ZMQ_PULL).
    case pull
    /// Publishes to matching subscribers, never waits (ZMQ_PUB).
    case pub
    /// Receives what matches its subscriptions (ZMQ_SUB).
    case sub
    /// PUB that also receives subscription messages (ZMQ_XPUB).
    case xpub
    /// SUB that subscribes by sending subscription messages (ZMQ_XSUB).
    case xsub
    /// Sends a request, then receives its reply, strictly alternating (ZMQ_REQ).
    case req
    /// Receives a request, then sends its reply, strictly alternating (ZMQ_REP).
    case rep
    /// Round-robin out, fair-queue in, no envelope rules (ZMQ_DEALER).
    case dealer
    /// Routes by routing id; prepends the sender's id to what it receives (ZMQ_ROUTER).
    case router

    /// The socket types this type may be connected to.
    public var compatiblePeers: Set<SocketType> {
        switch self {
        case .pair: [.pair]
        case .push: [.pull]
        case .pull: [.push]
        case .pub, .xpub: [.sub, .xsub]
        case .sub, .xsub: [.pub, .xpub]
        case .req: [.rep, .router]
        case .rep: [.req, .dealer]
        case .dealer: [.router, .rep, .dealer]
        case .router: [.dealer, .req, .router]
        }
    }

    /// Whether this type can send messages at all.
    public var canSend: Bool { self != .pull && self != .sub }

    /// Whether this type can receive messages at all.
    public var canReceive: Bool { self != .push && self != .pub }

    /// Whether the type writes into pipes to its peers: the senders, and SUB, whose
    /// subscriptions travel upstream.
    var writesToPeers: Bool { canSend || self == .sub }

    /// Whether the type reads pipes from its peers: the receivers, and PUB, which reads its
    /// subscribers' subscriptions.
    var readsFromPeers: Bool { canReceive || self == .pub }

    /// PUB and XPUB: fan out to subscribers, filtering by their subscriptions.
    var isPublisher: Bool { self == .pub || self == .xpub }

    /// SUB and XSUB: hold subscriptions, sent upstream to publishers.
    var isSubscriber: Bool { self == .sub || self == .xsub }

    /// Whether the type accepts only one peer in total.
    var isExclusive: Bool { self == .pair }

    /// ROUTER: knows each peer by a routing id, which the registry assigns per connection.
    var routesByID: Bool { self == .router }

    /// Whether messages queued on a connection still waiting for its bind may outlive the
    /// socket's `close()` (``Socket/linger``): not for subscribers, whose pipe to a publisher
    /// carries subscriptions, which mean nothing once the subscriber has gone.
    var lingersBeforeBind: Bool { !isSubscriber }

    /// Whether `option` means something for this type; the options every type has always do.
    func accepts(_ option: SocketOption) -> Bool {
        Self.accepting(option).contains(self)
    }

    /// The types `option` applies to, in the order error messages list them.
    static func accepting(_ option: SocketOption) -> [SocketType] {
        switch option {
        case .sendHighWaterMark, .receiveHighWaterMark, .sendTimeout, .receiveTimeout, .linger, .routingID: allCases
        case .routerMandatory: [.router]
        case .xpubVerbose: [.xpub]
        case .xpubNoDrop: [.pub, .xpub]
        case .invertMatching: [.pub, .sub, .xpub]
        case .conflate: [.push, .pull, .dealer, .pub, .sub]
        case .redeliverUnread: [.push, .dealer, .req]
        case .requestRelaxed, .requestCorrelate: [.req]
        case .routerHandover: [.router]
        case .probeRouter: [.req, .dealer, .router]
        case .xpubManual, .xpubVerboser, .xpubWelcomeMessage: [.xpub]
        case .onlyFirstSubscribe: [.xpub, .xsub]
        case .immediate: [.pair, .push, .req, .dealer]
        }
    }

    /// Said after "subscribe(_:) applies to SUB and XSUB sockets, not …" on a publisher.
    var subscribeHint: String {
        isPublisher ? "; subscribe on the SUB or XSUB sockets connected to this \(self)" : ""
    }

    /// "PUSH, PULL" style list of compatible peers, for error messages.
    var compatiblePeerList: String {
        SocketType.allCases.filter { compatiblePeers.contains($0) }.map(\.description).joined(separator: ", ")
    }
}

extension SocketType: CustomStringConvertible {
    /// The ZeroMQ name of the type, in capitals (`PUSH`, `XPUB`, …).
    public var description: String {
        switch self {
        case .pair: "PAIR"
        case .push: "PUSH"
        case .pull: "PULL"
        case .pub: "PUB"
        case .sub: "SUB"
        case .xpub: "XPUB"
        case .xsub: "XSUB"
        case .req: "REQ"
        case .rep: "REP"
        case .dealer: "DEALER"
        case .router: "ROUTER"
        }
    }
}
