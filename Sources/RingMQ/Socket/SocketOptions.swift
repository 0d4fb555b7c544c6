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
    var requestRelaxed = false
    var requestCorrelate = false
    var routerHandover = false
    var probeRouter = false
    var xpubManual = false
    var xpubVerboser = false
    var onlyFirstSubscribe = false
    var xpubWelcomeMessage: Frame?
    var immediate = false

    init(type: SocketType) {
        redeliverUnread = type.accepts(.redeliverUnread(true))
    }

    var peerOptions: PeerOptions {
        PeerOptions(sendHighWaterMark: sendHighWaterMark, receiveHighWaterMark: receiveHighWaterMark,
                    conflate: conflate, routingID: routingID, routerHandover: routerHandover,
                    probeRouter: probeRouter)
    }
}
