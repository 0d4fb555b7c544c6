import Synchronization

/// A ZeroMQ-style socket: one end of in-process messaging in one pattern (``SocketType``).
///
/// Create sockets with ``Context/socket(_:)``, then ``bind(_:)`` or ``connect(_:)`` them to
/// `inproc://` endpoints, in either order, and exchange ``Message``s.
///
/// ### Blocking, non-blocking
/// - ``send(_:)-4ss4q`` and ``receive()-96ywn`` wait (up to ``sendTimeout`` / ``receiveTimeout``) while
///   every peer queue is full, or while nothing has arrived. A waiting thread sleeps in the
///   kernel; it does not spin.
/// - ``trySend(_:)`` and ``tryReceive()`` never wait.
/// - Never call the blocking forms from a task of Swift's cooperative thread pool; use a
///   thread of your own for them. They are `noasync` (the compiler refuses them in async
///   code), and one reached from a task through synchronous code traps in a debug build (warns
///   once in a release build) when it has to wait; see ``withBlockingCallsAllowed(_:)``.
///
/// - Note: A socket may move between threads, but is used by one thread at a time, as in
///   ZeroMQ. Two threads calling into the same socket at once is a programming error: the
///   socket traps with a message naming both calls (checked atomically in debug builds, by a
///   cheaper best-effort check in release builds). Two calls are exempt and may come from any
///   thread at any time: ``close()``, which wakes a call blocked in the socket with
///   ``RingMQError/socketClosed`` (the way to stop one blocked thread), and ``statistics``.
///   ``Context/terminate()`` stops every socket of a context.
///
/// The socket closes itself when the last reference to it goes away.
public final class Socket: @unchecked Sendable {
    // @unchecked Sendable: the mutable state behind `core` and `role` is touched only by the
    // thread currently using the socket, which the `activity` guard enforces; what other
    // threads reach goes through `port` (atomics and locks).

    /// The socket's pattern role.
    public let type: SocketType
    let context: Context
    let port: SocketPort
    /// What every type has (options, connections, counters).
    let core: UnsafeMutablePointer<SocketCore>
    /// What this type adds, and how it routes (see ``Role``).
    let role: Role

    init(type: SocketType, context: Context) {
        self.type = type
        self.context = context
        let initial = SocketCore(type: type)
        self.port = SocketPort(type: type, options: initial.options.peerOptions)
        self.core = LineAligned.make(initial, trailing: Socket.trailingBytes)
        Socket.activity(of: core).initialize(to: Atomic(0))
        Socket.activity(of: core).advanced(by: 1).initialize(
            to: Atomic(Visit.atRest(controlled: context.controller != nil)))
        self.role = Role(type)
        // A controlled run draws what RingMQ would draw at random from its seed, so that a run
        // replays exactly (a REQ's first request id shows in correlated envelopes).
        if let controller = context.controller, case .requester(let requester) = role {
            requester.pointee.requestID = UInt32(truncatingIfNeeded: controller.nextSeed())
        }
    }

    deinit {
        // No other reference is left, so no other thread can be in a call: close directly.
        withExclusiveUse(.close) { closeNow() }
        role.handle.free()
        Socket.activity(of: core).deinitialize(count: 2)
        LineAligned.free(core)
    }

    // MARK: - Sending

    /// Sends `message`, waiting while every eligible peer queue is full or there is no peer.
    ///
    /// When `send` returns, the message is in a peer's queue.
    ///
    /// - Throws: ``RingMQError/timedOut`` when ``sendTimeout`` passes first;
    ///   ``RingMQError/operationNotSupported(_:)`` for a type that cannot send or a message
    ///   without frames; ``RingMQError/socketClosed``; ``RingMQError/terminated``.
    @available(
        *, noasync,
        message:
            "the blocking send(_:) would hold a thread of the cooperative pool; write 'try await socket.send(…)', which suspends the task (top-level code picks the blocking form even after await: move the call into an async function or a Task)"
    )
    public func send(_ message: consuming Message) throws {
        enter(.send)
        defer { leave() }
        guard try deliver(message, timeout: core.pointee.options.sendTimeout) else {
            throw RingMQError.timedOut
        }
    }

    /// Sends `message` if a peer queue has room now; never waits.
    ///
    /// - Returns: `true` if the message was queued, `false` where ``send(_:)-4ss4q`` would have waited.
    /// - Throws: as ``send(_:)-4ss4q``, except ``RingMQError/timedOut``.
    public func trySend(_ message: consuming Message) throws -> Bool {
        enter(.trySend)
        defer { leave() }
        return try deliver(message, timeout: .zero)
    }

    // MARK: - Receiving

    /// Receives the next message, waiting until one arrives.
    ///
    /// - Throws: ``RingMQError/timedOut`` when ``receiveTimeout`` passes first;
    ///   ``RingMQError/operationNotSupported(_:)`` for a type that cannot receive;
    ///   ``RingMQError/socketClosed``; ``RingMQError/terminated``.
    @available(
        *, noasync,
        message:
            "the blocking receive() would hold a thread of the cooperative pool; write 'try await socket.receive()', which suspends the task (top-level code picks the blocking form even after await: move the call into an async function or a Task)"
    )
    public func receive() throws -> Message {
        enter(.receive)
        defer { leave() }
        guard let message = try collect(timeout: core.pointee.options.receiveTimeout) else {
            throw RingMQError.timedOut
        }
        return message
    }

    /// Receives a message if one is queued now; never waits.
    ///
    /// - Returns: the message, or `nil` where ``receive()-96ywn`` would have waited.
    /// - Throws: as ``receive()-96ywn``, except ``RingMQError/timedOut``.
    public func tryReceive() throws -> Message? {
        enter(.tryReceive)
        defer { leave() }
        return try collect(timeout: .zero)
    }
}
