/// The options that apply to some socket types only (``SocketType`` lists which); turning one
/// on for another type traps, or throws from ``setOption(_:)``.
extension Socket {
    /// ROUTER only: report unroutable messages instead of dropping them. ZMQ_ROUTER_MANDATORY.
    public var routerMandatory: Bool {
        get { read(\.routerMandatory) }
        set { assign(.routerMandatory(newValue)) }
    }

    /// PUSH, PULL, DEALER, PUB, SUB: every connection of this socket holds only the newest
    /// message, both ways: a send never waits for room (when there is a peer) and replaces what
    /// the peer has not taken; a receive gets the newest. Works whether this socket binds or
    /// connects; multipart messages stay whole; a subscriber's subscriptions are never
    /// conflated. Set on a socket with connections, it applies to them at once; turned off, to
    /// connections made afterwards. ZMQ_CONFLATE.
    public var conflate: Bool {
        get { read(\.conflate) }
        set { assign(.conflate(newValue)) }
    }

    /// XPUB only: pass duplicate subscriptions up too. ZMQ_XPUB_VERBOSE.
    public var xpubVerbose: Bool {
        get { read(\.xpubVerbose) }
        set { assign(.xpubVerbose(newValue)) }
    }

    /// PUB and XPUB: when a subscriber the message matches is full, wait instead of dropping
    /// (`send` up to ``sendTimeout``, then ``RingMQError/timedOut``; `trySend` returns
    /// `false`). ZMQ_XPUB_NODROP.
    public var xpubNoDrop: Bool {
        get { read(\.xpubNoDrop) }
        set { assign(.xpubNoDrop(newValue)) }
    }

    /// PUB, XPUB, SUB: deliver what matches none of the subscriptions. ZMQ_INVERT_MATCHING.
    public var invertMatching: Bool {
        get { read(\.invertMatching) }
        set { assign(.invertMatching(newValue)) }
    }

    /// PUSH, DEALER, REQ: when a peer closes or disconnects leaving messages from this socket
    /// unread, take them back and send them to the remaining peers, before any newer message;
    /// `false` drops them, as libzmq does. On by default for these types, off (and not
    /// settable to `true`) for the others, which have no other peer to give them to. No
    /// ZeroMQ counterpart; see Docs/Semantics.md.
    public var redeliverUnread: Bool {
        get { read(\.redeliverUnread) }
        set { assign(.redeliverUnread(newValue)) }
    }

    /// REQ: allow ``send(_:)-4ss4q`` before the reply to the last request has come, sending to the
    /// next peer; the late reply is not delivered when ``requestCorrelate`` is on too.
    /// ZMQ_REQ_RELAXED.
    public var requestRelaxed: Bool {
        get { read(\.requestRelaxed) }
        set { assign(.requestRelaxed(newValue)) }
    }

    /// REQ: put a request id frame before each request and drop replies that do not carry the
    /// id of the last request. ZMQ_REQ_CORRELATE.
    public var requestCorrelate: Bool {
        get { read(\.requestCorrelate) }
        set { assign(.requestCorrelate(newValue)) }
    }

    /// ROUTER: a new peer with a routing id already in use takes it over, and the old peer's
    /// connection ends as if the old peer had called `disconnect`: what it sent before stays
    /// readable under the id, what this ROUTER had queued for it is dropped, and nothing it
    /// sends later arrives. Off, such a peer's `connect` fails with
    /// ``RingMQError/addressInUse(_:)`` (a connect made before the bind is refused at the
    /// bind). Set it before the connections it should apply to. ZMQ_ROUTER_HANDOVER.
    public var routerHandover: Bool {
        get { read(\.routerHandover) }
        set { assign(.routerHandover(newValue)) }
    }

    /// ROUTER, DEALER, REQ: send an empty message to each ROUTER peer as its connection
    /// forms, before anything else sent to it (with a connect made before the bind too), so
    /// the ROUTER learns this socket's routing id at once. Peers of other types get no probe
    /// (libzmq's result there is undefined); a REQ's probe does not use its turn to send.
    /// Applies to connections made after it is set. ZMQ_PROBE_ROUTER.
    public var probeRouter: Bool {
        get { read(\.probeRouter) }
        set { assign(.probeRouter(newValue)) }
    }

    /// XPUB: apply no subscription automatically. Every subscription message is received, and
    /// ``subscribe(_:)-(Frame)``/``unsubscribe(_:)-(Frame)`` on this XPUB apply a topic to the subscriber whose
    /// subscription message was received last. ZMQ_XPUB_MANUAL.
    public var xpubManual: Bool {
        get { read(\.xpubManual) }
        set { assign(.xpubManual(newValue)) }
    }

    /// XPUB: pass every subscription and every unsubscription up, duplicates too; a subscriber
    /// that leaves passes up an unsubscription for each prefix it held. Independent of
    /// ``xpubVerbose`` (either passes duplicate subscriptions up). ZMQ_XPUB_VERBOSER.
    public var xpubVerboser: Bool {
        get { read(\.xpubVerboser) }
        set { assign(.xpubVerboser(newValue)) }
    }

    /// XPUB (receiving), XSUB (sending): a multipart message whose first frame is a
    /// subscription message is a batch: each of its frames starting with byte 1 or 0
    /// subscribes or unsubscribes, and the other frames go on as one data message. Without
    /// it, and for a multipart message whose first frame is data, the message is data.
    /// ZMQ_ONLY_FIRST_SUBSCRIBE.
    public var onlyFirstSubscribe: Bool {
        get { read(\.onlyFirstSubscribe) }
        set { assign(.onlyFirstSubscribe(newValue)) }
    }

    /// XPUB: a one-frame message written to each new subscriber as this XPUB takes its
    /// connection in (at its next call), whatever the high-water mark; a SUB receives it if
    /// its subscriptions match it. `nil` (default) for none; an empty frame is sent as one.
    /// ZMQ_XPUB_WELCOME_MSG.
    public var xpubWelcomeMessage: Frame? {
        get { read(\.xpubWelcomeMessage) }
        set { assign(.xpubWelcomeMessage(newValue)) }
    }

    /// PAIR, PUSH, DEALER, REQ: queue messages only on connections that have formed, so a
    /// connect made before its bind takes none until the bind. ZMQ_IMMEDIATE.
    public var immediate: Bool {
        get { read(\.immediate) }
        set { assign(.immediate(newValue)) }
    }
}
