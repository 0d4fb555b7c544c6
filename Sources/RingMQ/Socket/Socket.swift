import Synchronization

/// A ZeroMQ-style socket: one end of in-process messaging in one pattern (``SocketType``).
///
/// Create sockets with ``Context/socket(_:)``, then ``bind(_:)`` or ``connect(_:)`` them to
/// `inproc://` endpoints, in either order, and exchange ``Message``s.
///
/// ### Blocking, non-blocking
/// - ``send(_:)`` and ``receive()`` wait (up to ``sendTimeout`` / ``receiveTimeout``) while
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
///   cheaper best-effort check in release builds). ``Context/terminate()`` is the way to
///   stop a thread blocked in a socket from another thread.
///
/// The socket closes itself when the last reference to it goes away.
public final class Socket: @unchecked Sendable {
    // @unchecked Sendable: the mutable state behind `state` is touched only by the thread
    // currently using the socket, which the `activity` guard enforces; what other threads
    // reach goes through `port` (atomics and locks).

    /// The socket's pattern role.
    public let type: SocketType
    let context: Context
    let port: SocketPort
    let state: UnsafeMutablePointer<SocketState>
    /// The operation in progress (an ``Operation`` raw value), 0 when idle.
    let activity = Atomic<UInt8>(0)

    init(type: SocketType, context: Context) {
        self.type = type
        self.context = context
        let initial = SocketState(type: type)
        self.port = SocketPort(type: type, options: initial.options.peerOptions)
        self.state = .allocate(capacity: 1)
        self.state.initialize(to: initial)
    }

    deinit {
        close()
        state.deinitialize(count: 1)
        state.deallocate()
    }

    // MARK: - Sending

    /// Sends `message`, waiting while every eligible peer queue is full or there is no peer.
    ///
    /// When `send` returns, the message is in a peer's queue.
    ///
    /// - Throws: ``RingMQError/timedOut`` when ``sendTimeout`` passes first;
    ///   ``RingMQError/operationNotSupported(_:)`` for a type that cannot send or a message
    ///   without frames; ``RingMQError/socketClosed``; ``RingMQError/terminated``.
    @available(*, noasync, message: "the blocking send(_:) would hold a thread of the cooperative pool; write 'try await socket.send(…)', which suspends the task (top-level code picks the blocking form even after await: move the call into an async function or a Task)")
    public func send(_ message: consuming Message) throws {
        enter(.send)
        defer { leave() }
        guard try deliver(message, timeout: state.pointee.options.sendTimeout) else {
            throw RingMQError.timedOut
        }
    }

    /// Sends `message` if a peer queue has room now; never waits.
    ///
    /// - Returns: `true` if the message was queued, `false` where ``send(_:)`` would have waited.
    /// - Throws: as ``send(_:)``, except ``RingMQError/timedOut``.
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
    @available(*, noasync, message: "the blocking receive() would hold a thread of the cooperative pool; write 'try await socket.receive()', which suspends the task (top-level code picks the blocking form even after await: move the call into an async function or a Task)")
    public func receive() throws -> Message {
        enter(.receive)
        defer { leave() }
        guard let message = try collect(timeout: state.pointee.options.receiveTimeout) else {
            throw RingMQError.timedOut
        }
        return message
    }

    /// Receives a message if one is queued now; never waits.
    ///
    /// - Returns: the message, or `nil` where ``receive()`` would have waited.
    /// - Throws: as ``receive()``, except ``RingMQError/timedOut``.
    public func tryReceive() throws -> Message? {
        enter(.tryReceive)
        defer { leave() }
        return try collect(timeout: .zero)
    }

    // MARK: - One thread at a time

    enum Operation: UInt8 {
        case send = 1, trySend, receive, tryReceive, bind, connect, unbind, disconnect, close, option, proxy, poll

        var name: String {
            switch self {
            case .send: "send(_:)"
            case .trySend: "trySend(_:)"
            case .receive: "receive()"
            case .tryReceive: "tryReceive()"
            case .bind: "bind(_:)"
            case .connect: "connect(_:)"
            case .unbind: "unbind(_:)"
            case .disconnect: "disconnect(_:)"
            case .close: "close()"
            case .option: "an option or subscription call"
            case .proxy: "proxy(frontend:backend:capture:)"
            case .poll: "Poller.poll(timeout:)"
            }
        }
    }

    @inline(__always)
    func enter(_ operation: Operation) {
        #if DEBUG
        let (exchanged, current) = activity.compareExchange(
            expected: 0, desired: operation.rawValue, ordering: .acquiring)
        if !exchanged { concurrentUse(operation, current) }
        #else
        // Release builds: two plain accesses instead of a locked instruction; catches most
        // overlaps, and the debug build catches every one.
        let current = activity.load(ordering: .relaxed)
        if current != 0 { concurrentUse(operation, current) }
        activity.store(operation.rawValue, ordering: .relaxed)
        #endif
    }

    /// The name of the call in progress ("receive()"), for diagnostics.
    var operationInProgress: String {
        Operation(rawValue: activity.load(ordering: .relaxed))?.name ?? "call"
    }

    /// The call in progress, for diagnostics ("receive() on a PULL socket").
    var callInProgress: String {
        "\(operationInProgress) on a \(type) socket"
    }

    @inline(__always)
    func leave() {
        activity.store(0, ordering: .releasing)
    }

    private func concurrentUse(_ operation: Operation, _ current: UInt8) -> Never {
        let other = Operation(rawValue: current)?.name ?? "another call"
        fatalError(
            "RingMQ: \(type) socket used from two threads at once: \(operation.name) was called while "
                + "\(other) was running. A socket may move between threads but must be used by one thread "
                + "at a time; use Context.terminate() to stop a thread blocked in a socket.")
    }
}
