/// A socket option with its value, for ``Socket/setOption(_:)``: the throwing way to set options.
///
/// Every option is also a property on ``Socket``; a property setter given an invalid value
/// traps with the same message this form throws. Use `setOption(_:)` when the value comes
/// from input you do not control.
///
/// ```swift
/// try socket.setOption(.sendHighWaterMark(10))
/// socket.receiveTimeout = .milliseconds(100)
/// ```
public enum SocketOption: Sendable, Hashable {
    /// Messages queued per outbound connection before `send` waits (PUSH, PAIR, …) or drops
    /// (PUB); 0 for no limit. ZMQ_SNDHWM. Applies to connections made after it is set.
    case sendHighWaterMark(Int)
    /// Messages queued per inbound connection; 0 for no limit. ZMQ_RCVHWM. Applies to
    /// connections made after it is set.
    case receiveHighWaterMark(Int)
    /// How long `send` may wait; `nil` forever, `.zero` never. ZMQ_SNDTIMEO.
    case sendTimeout(Duration?)
    /// How long `receive` may wait; `nil` forever, `.zero` never. ZMQ_RCVTIMEO.
    case receiveTimeout(Duration?)
    /// How long messages sent on a connection that has not formed yet (connect before bind)
    /// are kept after `close()`; `nil` until the bind, `.zero` dropped at once. ZMQ_LINGER.
    case linger(Duration?)
    /// This socket's identity as seen by a ROUTER peer: 1 to 255 bytes, not starting with a
    /// zero byte. ZMQ_ROUTING_ID.
    case routingID(Frame?)
    /// ROUTER: fail on unroutable messages instead of dropping them. ZMQ_ROUTER_MANDATORY.
    case routerMandatory(Bool)
    /// PUSH, PULL, DEALER, PUB, SUB: each connection holds only the newest message, both ways
    /// (see ``Socket/conflate``). ZMQ_CONFLATE.
    case conflate(Bool)
    /// XPUB: pass every subscription up, duplicates too. ZMQ_XPUB_VERBOSE.
    case xpubVerbose(Bool)
    /// PUB and XPUB: wait instead of dropping when a matching subscriber is full.
    /// ZMQ_XPUB_NODROP.
    case xpubNoDrop(Bool)
    /// SUB/PUB: deliver what matches no subscription. ZMQ_INVERT_MATCHING.
    case invertMatching(Bool)
    /// PUSH, DEALER, REQ: when a peer closes or disconnects with messages from this socket
    /// still unread, take them back and send them to the other peers (on by default for these
    /// types); `false` drops them, as libzmq does. No ZeroMQ counterpart.
    case redeliverUnread(Bool)
    /// REQ: allow a new request before the reply to the last one has come; a late reply is
    /// not delivered when ``requestCorrelate(_:)`` is on too. ZMQ_REQ_RELAXED.
    case requestRelaxed(Bool)
    /// REQ: put an id frame on each request and drop replies that do not carry the id of the
    /// last one. ZMQ_REQ_CORRELATE.
    case requestCorrelate(Bool)
    /// ROUTER: a new peer with a routing id already in use takes it over; the old peer's
    /// connection ends. ZMQ_ROUTER_HANDOVER.
    case routerHandover(Bool)
    /// ROUTER, DEALER, REQ: send an empty message to each peer when the connection forms, so a
    /// ROUTER peer learns this socket's routing id at once. ZMQ_PROBE_ROUTER.
    case probeRouter(Bool)
    /// XPUB: apply no subscription automatically; the owner applies them with
    /// ``Socket/subscribe(_:)-(Frame)`` and ``Socket/unsubscribe(_:)-(Frame)``. ZMQ_XPUB_MANUAL.
    case xpubManual(Bool)
    /// XPUB: pass every subscription and unsubscription up, duplicates too.
    /// ZMQ_XPUB_VERBOSER.
    case xpubVerboser(Bool)
    /// XPUB, XSUB: a multipart message whose first frame is a subscription message is a batch
    /// of subscription changes (its other frames go on as data); without it, a multipart
    /// message is data. ZMQ_ONLY_FIRST_SUBSCRIBE.
    case onlyFirstSubscribe(Bool)
    /// XPUB: a one-frame message written to each new subscriber as the XPUB takes its
    /// connection in; `nil` for none. ZMQ_XPUB_WELCOME_MSG.
    case xpubWelcomeMessage(Frame?)
    /// PAIR, PUSH, DEALER, REQ: queue messages only on connections that have formed, so a
    /// connect made before its bind takes none until the bind. ZMQ_IMMEDIATE.
    case immediate(Bool)
}

extension SocketOption {
    /// Checks the value, and that the option means something for `type`, then stores it in
    /// `options`.
    func apply(to options: inout SocketOptions, for type: SocketType) throws(RingMQError) {
        switch self {
        case .sendHighWaterMark(let value): options.sendHighWaterMark = try checked(mark: value)
        case .receiveHighWaterMark(let value): options.receiveHighWaterMark = try checked(mark: value)
        case .sendTimeout(let value): options.sendTimeout = try checked(duration: value)
        case .receiveTimeout(let value): options.receiveTimeout = try checked(duration: value)
        case .linger(let value): options.linger = try checked(duration: value)
        case .routingID(let value):
            if let value, value.isEmpty || value.count > 255 {
                throw .invalidOption("routingID must be 1 to 255 bytes, not \(value.count)")
            }
            if let value, value.withUnsafeBytes({ $0.first == 0 }) {
                throw .invalidOption(
                    "routingID must not start with a zero byte: ROUTER reserves those for the ids it generates")
            }
            options.routingID = value
        case .routerMandatory(let on): options.routerMandatory = try checked(on, for: type)
        case .xpubVerbose(let on): options.xpubVerbose = try checked(on, for: type)
        case .xpubNoDrop(let on): options.xpubNoDrop = try checked(on, for: type)
        case .invertMatching(let on): options.invertMatching = try checked(on, for: type)
        case .conflate(let on): options.conflate = try checked(on, for: type)
        case .redeliverUnread(let on): options.redeliverUnread = try checked(on, for: type)
        case .requestRelaxed(let on): options.requestRelaxed = try checked(on, for: type)
        case .requestCorrelate(let on): options.requestCorrelate = try checked(on, for: type)
        case .routerHandover(let on): options.routerHandover = try checked(on, for: type)
        case .probeRouter(let on): options.probeRouter = try checked(on, for: type)
        case .xpubManual(let on): options.xpubManual = try checked(on, for: type)
        case .xpubVerboser(let on): options.xpubVerboser = try checked(on, for: type)
        case .onlyFirstSubscribe(let on): options.onlyFirstSubscribe = try checked(on, for: type)
        case .xpubWelcomeMessage(let message):
            options.xpubWelcomeMessage = try checked(message, for: type)
        case .immediate(let on): options.immediate = try checked(on, for: type)
        }
    }

    private func checked(mark value: Int) throws(RingMQError) -> Int {
        guard value >= 0 else { throw .invalidOption("\(name) must be 0 (no limit) or positive, not \(value)") }
        return value
    }

    private func checked(duration value: Duration?) throws(RingMQError) -> Duration? {
        if let value, value < .zero {
            throw .invalidOption("\(name) must be nil (wait forever), .zero (never wait) or positive, not \(value)")
        }
        return value
    }

    /// A per-type switch may always be turned off; turned on, only where it applies.
    private func checked(_ on: Bool, for type: SocketType) throws(RingMQError) -> Bool {
        guard !on || type.accepts(self) else {
            let types = SocketType.accepting(self).map(\.description).joined(separator: ", ")
            throw .invalidOption("\(name) applies to \(types) sockets, not \(type)")
        }
        return on
    }

    /// Like the switches: `nil` is always allowed, a value only where the option applies.
    private func checked(_ value: Frame?, for type: SocketType) throws(RingMQError) -> Frame? {
        _ = try checked(value != nil, for: type)
        return value
    }

    /// The option's property name on ``Socket``.
    var name: String {
        switch self {
        case .sendHighWaterMark: "sendHighWaterMark"
        case .receiveHighWaterMark: "receiveHighWaterMark"
        case .sendTimeout: "sendTimeout"
        case .receiveTimeout: "receiveTimeout"
        case .linger: "linger"
        case .routingID: "routingID"
        case .routerMandatory: "routerMandatory"
        case .conflate: "conflate"
        case .xpubVerbose: "xpubVerbose"
        case .xpubNoDrop: "xpubNoDrop"
        case .invertMatching: "invertMatching"
        case .redeliverUnread: "redeliverUnread"
        case .requestRelaxed: "requestRelaxed"
        case .requestCorrelate: "requestCorrelate"
        case .routerHandover: "routerHandover"
        case .probeRouter: "probeRouter"
        case .xpubManual: "xpubManual"
        case .xpubVerboser: "xpubVerboser"
        case .onlyFirstSubscribe: "onlyFirstSubscribe"
        case .xpubWelcomeMessage: "xpubWelcomeMessage"
        case .immediate: "immediate"
        }
    }
}
