/// The socket's option values (see the properties on ``Socket``).
///
/// What a send or receive reads comes first (the timeouts, then the switches), so that the
/// message path touches as few of the core's cache lines as it can (see ``SocketCore``).
struct SocketOptions {
    var sendTimeout: Duration?
    var receiveTimeout: Duration?
    var routerMandatory = false
    var conflate = false
    var xpubVerbose = false
    var xpubNoDrop = false
    var invertMatching = false
    /// Set per type by ``init(type:)``: on for the types that load-balance.
    var redeliverUnread = false
    /// REQ's ``Socket/requestRelaxed`` and ``Socket/requestCorrelate`` in one byte, so that a
    /// REQ with neither pays one branch per request for them.
    var requestModes: RequestModes = []
    var routerHandover = false
    var probeRouter = false
    var xpubManual = false
    var xpubVerboser = false
    var onlyFirstSubscribe = false
    var immediate = false
    var sendHighWaterMark = 1000
    var receiveHighWaterMark = 1000
    var linger: Duration?
    var routingID: Frame?
    var xpubWelcomeMessage: Frame?

    init(type: SocketType) {
        redeliverUnread = type.accepts(.redeliverUnread(true))
    }

    var requestRelaxed: Bool {
        get { requestModes.contains(.relaxed) }
        set { if newValue { requestModes.insert(.relaxed) } else { requestModes.remove(.relaxed) } }
    }

    var requestCorrelate: Bool {
        get { requestModes.contains(.correlate) }
        set { if newValue { requestModes.insert(.correlate) } else { requestModes.remove(.correlate) } }
    }

    var peerOptions: PeerOptions {
        PeerOptions(
            sendHighWaterMark: sendHighWaterMark, receiveHighWaterMark: receiveHighWaterMark,
            conflate: conflate, routingID: routingID, routerHandover: routerHandover,
            probeRouter: probeRouter)
    }
}

/// How a REQ recovers from a request that gets no reply (see `RequesterRole`).
struct RequestModes: OptionSet {
    let rawValue: UInt8

    /// ZMQ_REQ_RELAXED: a new request may replace the outstanding one.
    static let relaxed = RequestModes(rawValue: 1)
    /// ZMQ_REQ_CORRELATE: requests carry an id frame that replies must echo.
    static let correlate = RequestModes(rawValue: 2)
}
