/// A change in a socket's connections, as ``Socket/makeEventStream()`` reports it (ZeroMQ's socket
/// monitor, Swift-shaped).
public enum SocketEvent: Sendable, Hashable {
    /// The socket bound `endpoint`.
    case bound(endpoint: String)
    /// The socket unbound `endpoint` (or closed while bound).
    case unbound(endpoint: String)
    /// A connection to a peer formed through `endpoint`: reported to both ends when the
    /// `connect` (or, for connect-before-bind, the `bind`) that formed it returns.
    case peerAttached(endpoint: String)
    /// A connection through `endpoint` ended because one end disconnected or closed: reported
    /// to both ends.
    case peerDetached(endpoint: String)
}

/// The open event streams of one socket. Events are yielded by whichever thread makes the
/// change, under the context's lock, so every stream sees one order.
final class EventFeed: Sendable {
    private struct State {
        var next = 0
        var continuations: [Int: AsyncStream<SocketEvent>.Continuation] = [:]
        var finished = false
    }

    private let state = Locked(State())

    /// A new stream of the events from now on; finishes when the socket closes or its context
    /// terminates.
    func stream() -> AsyncStream<SocketEvent> {
        let (stream, continuation) = AsyncStream<SocketEvent>.makeStream(bufferingPolicy: .bufferingNewest(10_000))
        let registered: Int? = state.withLock { state in
            guard !state.finished else { return nil }
            let id = state.next
            state.next += 1
            state.continuations[id] = continuation
            return id
        }
        guard let registered else {
            continuation.finish()
            return stream
        }
        continuation.onTermination = { [weak self] _ in
            self?.state.withLock { _ = $0.continuations.removeValue(forKey: registered) }
        }
        return stream
    }

    func emit(_ event: SocketEvent) {
        let continuations = state.withLock { Array($0.continuations.values) }
        for continuation in continuations { continuation.yield(event) }
    }

    func finish() {
        let continuations = state.withLock { state in
            state.finished = true
            defer { state.continuations = [:] }
            return Array(state.continuations.values)
        }
        for continuation in continuations { continuation.finish() }
    }
}

extension Socket {
    /// Makes a new stream of the socket's connection events from now on, for tests and
    /// diagnostics: bound, unbound, peer attached, peer detached. The stream finishes when the
    /// socket closes or its context terminates, and keeps up to 10,000 unread events.
    ///
    /// Each call registers a new, independent stream, which sees every event from that moment
    /// (ZeroMQ's socket monitor, Swift-shaped). That side effect is why this is a `make…`
    /// method rather than a property; it replaces the property ``events``, whose name it
    /// cannot reuse, as Swift does not allow a property and a method with no arguments to
    /// share one name.
    ///
    /// ```swift
    /// let events = pull.makeEventStream()
    /// try push.connect("inproc://tasks")
    /// for await event in events { if case .peerAttached = event { break } }
    /// ```
    public func makeEventStream() -> AsyncStream<SocketEvent> { port.events.stream() }

    /// A new stream of the socket's connection events from now on, as
    /// ``makeEventStream()`` makes: each read of this property registers another stream.
    @available(
        *, deprecated, renamed: "makeEventStream()",
        message: "each read makes a new stream; call makeEventStream() to say so"
    )
    public var events: AsyncStream<SocketEvent> { makeEventStream() }
}
