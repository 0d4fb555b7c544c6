/// Waits until one of several sockets can receive or send, like ZeroMQ's `zmq_poll`.
///
/// ```swift
/// var poller = Poller()
/// poller.register(tasks, for: .readable)
/// poller.register(control, for: .readable)
/// let ready = try poller.poll(timeout: .seconds(1))
/// if ready.isReadable(control) { … }
/// ```
///
/// To wait on one socket, ``Socket/poll(_:timeout:)-8zvf3`` needs no poller; to wait on some of a
/// poller's sockets, ``poll(only:timeout:)-xnd`` needs no second one.
///
/// ```swift
/// let events = try socket.poll(.readable, timeout: .zero)
/// ```
///
/// A poll uses its sockets from the calling thread or task while it runs, so the one-thread-
/// at-a-time rule of each socket applies. A socket closed while registered is never ready (it
/// is skipped, as if unregistered); a poll whose sockets are all closed waits out its timeout
/// (or returns at once without one).
/// Being ready is a hint, as in ZeroMQ: a SUB may report a message that its filter then drops,
/// so receive with `tryReceive` after a poll when that matters.
public struct Poller: Sendable {
    /// What to wait for on a socket.
    public struct Events: OptionSet, Sendable, Hashable {
        public let rawValue: UInt8
        /// Creates a set of events from its raw bits.
        public init(rawValue: UInt8) { self.rawValue = rawValue }
        /// A receive would find a message now.
        public static let readable = Events(rawValue: 1)
        /// A send would not wait now (always, for types that drop instead of waiting).
        public static let writable = Events(rawValue: 2)
    }

    /// A socket that is ready, and for what.
    public struct Item: Sendable {
        /// The socket, as registered.
        public let socket: Socket
        /// The registered events that are ready now.
        public let events: Events
    }

    /// A registered socket and what it is watched for.
    typealias Registration = (socket: Socket, events: Events)

    private var registrations: [Registration] = []

    /// Creates an empty poller.
    public init() {}

    /// The sockets registered, in order.
    public var sockets: [Socket] { registrations.map(\.socket) }

    /// Watches `socket` for `events`, replacing what it was registered for before.
    public mutating func register(_ socket: Socket, for events: Events) {
        if let index = registrations.firstIndex(where: { $0.socket === socket }) {
            registrations[index].events = events
        } else {
            registrations.append((socket, events))
        }
    }

    /// Stops watching `socket`.
    public mutating func unregister(_ socket: Socket) {
        registrations.removeAll { $0.socket === socket }
    }

    /// Waits up to `timeout` (`nil`: forever, `.zero`: not at all) until a registered socket is
    /// ready, blocking the thread. Returns the ready sockets, in registration order; empty when
    /// the time ran out. Ask the result about one socket with
    /// `isReadable(_:)`, `isWritable(_:)` or
    /// `events(for:)`.
    ///
    /// - Throws: ``RingMQError/terminated`` when a registered socket's context terminates.
    @available(
        *, noasync,
        message:
            "the blocking poll(timeout:) would hold a thread of the cooperative pool; write 'try await poller.poll(timeout:)', which suspends the task (top-level code picks the blocking form even after await: move the call into an async function or a Task)"
    )
    public func poll(timeout: Duration?) throws -> [Item] {
        try Poller.wait(
            registrations, timeout: timeout, clockOf: registrations.first?.socket,
            call: "Poller.poll(timeout:)")
    }

    /// The async form of ``poll(timeout:)``: suspends the task instead of blocking its thread.
    ///
    /// - Throws: `CancellationError` when the task is cancelled; as ``poll(timeout:)``.
    public func poll(timeout: Duration?) async throws -> [Item] {
        try await Poller.wait(
            registrations, timeout: timeout, clockOf: registrations.first?.socket,
            call: "Poller.poll(timeout:)")
    }

    /// Like ``poll(timeout:)-2ucf1``, but waits only for those of `sockets`, each for the events it
    /// is registered for; the other registered sockets are left alone (their messages stay
    /// queued, and they do not end the wait). Saves a second poller for a subset, as a broker
    /// does that listens to its clients only while it has a worker. An empty `sockets` waits
    /// out the timeout.
    ///
    /// - Throws: ``RingMQError/invalidState(_:)`` when one of `sockets` is not registered (the
    ///   poller would not know what to wait for on it: register it first); as
    ///   ``poll(timeout:)-2ucf1``.
    @available(
        *, noasync,
        message:
            "the blocking poll(only:timeout:) would hold a thread of the cooperative pool; write 'try await poller.poll(only:timeout:)', which suspends the task (top-level code picks the blocking form even after await: move the call into an async function or a Task)"
    )
    public func poll(only sockets: some Sequence<Socket>, timeout: Duration?) throws -> [Item] {
        try Poller.wait(
            registrations(only: sockets), timeout: timeout, clockOf: registrations.first?.socket,
            call: "Poller.poll(only:timeout:)")
    }

    /// The async form of ``poll(only:timeout:)``: suspends the task instead of blocking its
    /// thread.
    ///
    /// - Throws: `CancellationError` when the task is cancelled; as ``poll(only:timeout:)``.
    public func poll(only sockets: some Sequence<Socket>, timeout: Duration?) async throws -> [Item] {
        try await Poller.wait(
            registrations(only: sockets), timeout: timeout, clockOf: registrations.first?.socket,
            call: "Poller.poll(only:timeout:)")
    }

    /// The registrations of `sockets`, in registration order.
    private func registrations(only sockets: some Sequence<Socket>) throws -> [Registration] {
        let subset = Set(sockets)
        for socket in subset where !registrations.contains(where: { $0.socket === socket }) {
            throw RingMQError.invalidState(
                "poll(only:timeout:) was given a \(socket.type) socket that is not registered with this poller; register it first with register(_:for:)"
            )
        }
        return registrations.filter { subset.contains($0.socket) }
    }
}
