/// One socket's view of a connection: where it writes, where it reads, and which side it is.
struct Attachment: Sendable {
    let connection: Connection
    let outbound: PipeWriter?
    let inbound: PipeReader?
    let side: ConnectionSide
    /// The peer has closed or disconnected: nothing more will be written, nothing may be sent.
    var peerGone = false
    /// ROUTER: the id it knows the peer by; `nil` until assigned (a ROUTER that connected
    /// before the bind learns it from a ``Command/routingIDAssigned(_:)``).
    var routingID: Frame?

    /// The socket at the other end (`nil` while a connect waits for its bind).
    var peer: SocketPort? {
        switch side {
        case .binder: connection.connecter
        case .connecter: connection.binder
        }
    }

    /// Whether the connection has a peer now: a connect waiting for its bind has none yet.
    var hasFormed: Bool {
        side == .binder || connection.binder != nil
    }

    /// Makes the pipes of this end that carry messages conflate, as its socket sets `conflate`.
    /// On that socket's thread, which is the writer of `outbound` and the reader of `inbound`.
    /// A subscriber's pipe to its publisher carries subscriptions: never conflated.
    func startConflating() {
        guard let type = side == .connecter ? connection.connecter.type : connection.binder?.type else { return }
        if type.conflatesWhatItSends, let outbound { outbound.startConflating() }
        if type.conflatesWhatItReceives, let inbound { inbound.startConflating() }
    }
}

/// Which end of a connection a socket is.
enum ConnectionSide: Sendable {
    /// The socket bound the endpoint.
    case binder
    /// The socket connected to it.
    case connecter
}
