/// An error thrown by a RingMQ operation.
///
/// Each case carries, where it helps, a message that names what was wrong and what to do
/// instead. The message is part of the value: two errors are equal only when their messages
/// are. To react to a kind of error regardless of its message, compare its ``code``
/// (`error.code == .invalidEndpoint`) or use pattern matching (`catch RingMQError.timedOut`,
/// `if case .invalidEndpoint = error`).
public enum RingMQError: Error, Equatable, Sendable {
    /// The endpoint string is malformed, empty, or uses a scheme other than `inproc://`.
    case invalidEndpoint(String)
    /// The endpoint is already bound in this context (or, for PAIR, already has its one peer).
    case addressInUse(String)
    /// `unbind(_:)` or `disconnect(_:)` named an endpoint this socket is not bound or connected to.
    case endpointNotFound(String)
    /// The two socket types cannot talk to each other (for example PUSH to PUSH); the first is
    /// the socket that tried, the second the socket it tried to reach.
    case incompatibleSocketTypes(SocketType, SocketType)
    /// The socket type cannot do this (for example `receive()` on PUSH, `subscribe(_:)` on
    /// PULL), or the message cannot be sent as it is (no frames; a ROUTER message without a body).
    case operationNotSupported(String)
    /// The call is out of turn for the socket's state (for example REQ sending twice).
    case invalidState(String)
    /// An option was given a value it cannot take.
    case invalidOption(String)
    /// ROUTER with `routerMandatory` was asked to send to a routing id no peer has.
    case hostUnreachable
    /// The operation could not complete within the socket's `sendTimeout` or `receiveTimeout`.
    case timedOut
    /// The socket has been closed.
    case socketClosed
    /// The socket's context has been terminated.
    case terminated
}

extension RingMQError: CustomStringConvertible {
    /// A readable explanation, suitable for logs and test failures.
    public var description: String {
        switch self {
        case .invalidEndpoint(let message): "invalid endpoint: \(message)"
        case .addressInUse(let message): "address in use: \(message)"
        case .endpointNotFound(let message): "endpoint not found: \(message)"
        case .incompatibleSocketTypes(let own, let peer):
            "incompatible socket types: \(own) cannot talk to \(peer); \(own) accepts \(own.compatiblePeerList)"
        case .operationNotSupported(let message): "operation not supported: \(message)"
        case .invalidState(let message): "invalid state: \(message)"
        case .invalidOption(let message): "invalid option: \(message)"
        case .hostUnreachable: "host unreachable: no connected peer has this routing id"
        case .timedOut: "timed out: the operation did not complete within the socket's timeout"
        case .socketClosed: "socket closed: the socket was closed; create a new one with Context.socket(_:)"
        case .terminated: "terminated: the socket's context was terminated"
        }
    }
}

extension RingMQError {
    /// The kind of a ``RingMQError``, without its message: one case per case of the error,
    /// with the same name.
    ///
    /// Codes compare equal whatever the errors' messages say, so they suit switches, sets
    /// and dictionary keys, counting errors by kind, and tests that must not depend on the
    /// wording of a message.
    ///
    /// ```swift
    /// do {
    ///     try socket.bind(endpoint)
    /// } catch let error as RingMQError where error.code == .addressInUse {
    ///     try socket.connect(endpoint)              // someone else bound it first
    /// }
    /// ```
    public enum Code: Sendable, Hashable, CaseIterable {
        /// ``RingMQError/invalidEndpoint(_:)``: a malformed endpoint, or a scheme other than
        /// `inproc://`.
        case invalidEndpoint
        /// ``RingMQError/addressInUse(_:)``: the endpoint is already bound in this context.
        case addressInUse
        /// ``RingMQError/endpointNotFound(_:)``: the socket is not bound or connected to the
        /// endpoint.
        case endpointNotFound
        /// ``RingMQError/incompatibleSocketTypes(_:_:)``: the two socket types cannot talk to
        /// each other.
        case incompatibleSocketTypes
        /// ``RingMQError/operationNotSupported(_:)``: the socket type cannot do this, or the
        /// message cannot be sent as it is.
        case operationNotSupported
        /// ``RingMQError/invalidState(_:)``: the call is out of turn for the socket's state.
        case invalidState
        /// ``RingMQError/invalidOption(_:)``: an option was given a value it cannot take.
        case invalidOption
        /// ``RingMQError/hostUnreachable``: no peer has the routing id.
        case hostUnreachable
        /// ``RingMQError/timedOut``: the socket's timeout passed first.
        case timedOut
        /// ``RingMQError/socketClosed``: the socket has been closed.
        case socketClosed
        /// ``RingMQError/terminated``: the socket's context has been terminated.
        case terminated
    }

    /// The kind of this error, without its message: errors of the same case have the same
    /// code whatever their messages say.
    public var code: Code {
        switch self {
        case .invalidEndpoint: .invalidEndpoint
        case .addressInUse: .addressInUse
        case .endpointNotFound: .endpointNotFound
        case .incompatibleSocketTypes: .incompatibleSocketTypes
        case .operationNotSupported: .operationNotSupported
        case .invalidState: .invalidState
        case .invalidOption: .invalidOption
        case .hostUnreachable: .hostUnreachable
        case .timedOut: .timedOut
        case .socketClosed: .socketClosed
        case .terminated: .terminated
        }
    }
}
