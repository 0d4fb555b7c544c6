/// Everything only the socket's current user thread touches.
///
/// Kept behind an `UnsafeMutablePointer` owned by the socket rather than in stored `var`s of
/// the class: class properties pay a dynamic exclusivity check on every access, which the
/// send/receive path cannot afford. The socket's one-thread-at-a-time guard is what makes the
/// unsynchronised access sound.
struct SocketState {
    var options: SocketOptions
    var attachments: [Attachment] = []
    var outbound = LoadBalancer()
    var inbound = FairQueue()
    /// PUB/XPUB: subscribers and their subscriptions.
    var distributor = Distributor()
    /// XPUB: subscription messages (and XSUB's other messages) waiting for `receive`.
    var inbox = MessageQueue()
    /// SUB: the subscriptions in force, to drop messages queued before an unsubscription
    /// (member 0 holds every prefix subscribed).
    var localFilter = SubscriptionTrie()
    /// SUB with conflate: the slots its publishers put their newest message in.
    var latestSlots: [LatestSlotEntry] = []
    /// REQ and REP: whose turn it is, and where the reply goes.
    var turn = RequestReplyTurn()
    /// ROUTER: peers by routing id.
    var routes = RoutingTable()
    var bound: Set<EndpointName> = []
    var connected: Set<EndpointName> = []
    var closed = false
    /// Test support: the limits of the pipes made to look full, to restore.
    var limitsBeforeFault: [UnsafeMutableRawPointer: UInt64] = [:]
    /// Messages sent and received, for ``Socket/statistics``.
    var sentCount = 0
    var receivedCount = 0
    /// PUSH, DEALER, REQ: messages taken back from peers that left them unread, to send
    /// before any newer message (see ``Socket/redeliverUnread``).
    var returned = MessageQueue()
    /// Messages taken back and sent again, for ``Socket/statistics``.
    var redeliveredCount = 0
    /// Messages taken back that no peer was left to take when the socket closed.
    var returnedDropped = 0
    /// Whether the last message moved was sent (so a reply may be imminent); see ``SpinPolicy``.
    var lastWasSend = false

    init(type: SocketType) {
        options = SocketOptions(type: type)
    }
}

/// A conflating SUB's slot from one publisher; dropped once the publisher has gone and the
/// slot is empty.
struct LatestSlotEntry {
    let slot: LatestSlot
    let connection: Connection
    var peerGone = false
}

/// The socket's option values (see the properties on ``Socket``).
struct SocketOptions {
    var sendHighWaterMark = 1000
    var receiveHighWaterMark = 1000
    var sendTimeout: Duration?
    var receiveTimeout: Duration?
    var linger: Duration?
    var routingID: Frame?
    var routerMandatory = false
    var conflate = false
    var xpubVerbose = false
    var xpubNoDrop = false
    var invertMatching = false
    /// Set per type by ``init(type:)``: on for the types that load-balance.
    var redeliverUnread = false

    init(type: SocketType) {
        redeliverUnread = type.redeliversUnread
    }

    var peerOptions: PeerOptions {
        PeerOptions(sendHighWaterMark: sendHighWaterMark, receiveHighWaterMark: receiveHighWaterMark,
                    conflate: conflate, routingID: routingID)
    }
}
