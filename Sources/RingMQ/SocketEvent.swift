/// A change in a socket's connections, as ``Socket/events`` reports it (ZeroMQ's socket
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
    /// The socket's connection events from now on, for tests and diagnostics: bound, unbound,
    /// peer attached, peer detached. The sequence finishes when the socket closes or its
    /// context terminates. Each access starts a new sequence; keeps up to 10,000 unread events.
    ///
    /// ```swift
    /// let events = pull.events
    /// try push.connect("inproc://tasks")
    /// for await event in events { if case .peerAttached = event { break } }
    /// ```
    public var events: AsyncStream<SocketEvent> { port.events.stream() }
}
