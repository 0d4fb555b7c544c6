/// Waits until one of several sockets can receive or send, like ZeroMQ's `zmq_poll`.
///
/// ```swift
/// var poller = Poller()
/// poller.register(tasks, for: .readable)
/// poller.register(control, for: .readable)
/// for item in try poller.poll(timeout: .seconds(1)) where item.socket === control {
///     // …
/// }
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

    private var registrations: [(socket: Socket, events: Events)] = []

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
    /// the time ran out.
    ///
    /// - Throws: ``RingMQError/terminated`` when a registered socket's context terminates.
    @available(*, noasync, message: "the blocking poll(timeout:) would hold a thread of the cooperative pool; write 'try await poller.poll(timeout:)', which suspends the task (top-level code picks the blocking form even after await: move the call into an async function or a Task)")
    public func poll(timeout: Duration?) throws -> [Item] {
        let open = registrations.filter { !$0.socket.isClosed }
        var ready: [Item] = []
        let check = { () throws -> Bool in
            ready = try Poller.readyItems(open)
            return !ready.isEmpty
        }
        if try check() || timeout == .zero { return ready }
        if !open.isEmpty || timeout != nil { BlockingCallCheck.check("Poller.poll(timeout:)") }
        guard !open.isEmpty else {
            // Nothing can become ready: wait out the timeout (at once without one).
            if timeout != nil {
                Waiter.sleep(until: Deadline(timeout: timeout, on: registrations.first?.socket.context.time))
            }
            return []
        }
        let deadline = open[0].socket.context.deadline(after: timeout)
        _ = try Socket.waitUntil(open.map(\.socket), deadline: deadline, call: "Poller.poll(timeout:)", ready: check)
        return ready
    }

    /// The async form of ``poll(timeout:)``: suspends the task instead of blocking its thread.
    ///
    /// - Throws: `CancellationError` when the task is cancelled; as ``poll(timeout:)``.
    public func poll(timeout: Duration?) async throws -> [Item] {
        let open = registrations.filter { !$0.socket.isClosed }
        let deadline = Deadline(timeout: timeout, on: (open.first ?? registrations.first)?.socket.context.time)
        var watch: ClockWatch?                 // made at the first park
        defer { watch?.finish() }
        while true {
            try Task.checkCancellation()
            let ready = try Poller.readyItems(open)
            if !ready.isEmpty || timeout == .zero || deadline.hasPassed { return ready }
            guard let home = open.first?.socket else {
                // Nothing can become ready: wait out the timeout (at once without one).
                if timeout != nil {
                    let idle = Signal()
                    let clock = ClockWatch(deadline, signal: idle, forTask: true)
                    defer { clock.finish() }
                    _ = await ParkedTask.park(on: idle, watch: clock) { false }
                }
                return []
            }
            let clock = watch ?? ClockWatch(deadline, signal: home.port.signal, forTask: true)
            watch = clock
            let stillWaiting = await ParkedTask.park(
                on: home.port.signal, others: open.dropFirst().map(\.socket.port.signal), watch: clock
            ) {
                // readyItems applies every socket's commands (a command posted since is news to
                // look at) and throws once a context has terminated (resume to throw it).
                guard let items = try? Poller.readyItems(open) else { return true }
                return !items.isEmpty || open.contains { $0.socket.port.mailbox.hasCommands }
            }
            if !stillWaiting { return [] }
            clock.checkSafetyLimit(Socket.describe("Poller.poll(timeout:)", open.map(\.socket)))
        }
    }

    private static func readyItems(_ registrations: [(socket: Socket, events: Events)]) throws -> [Item] {
        var items: [Item] = []
        for (socket, wanted) in registrations {
            if socket.context.isTerminated { throw RingMQError.terminated }
            let events = socket.readiness(for: wanted)
            if !events.isEmpty { items.append(Item(socket: socket, events: events)) }
        }
        return items
    }
}

extension Socket {
    /// Whether the socket is closed (a poller skips it).
    var isClosed: Bool {
        withExclusiveUse(.poll) { core.pointee.isClosed }
    }

    /// Which of `wanted` the socket is ready for now; nothing once closed.
    func readiness(for wanted: Poller.Events) -> Poller.Events {
        enter(.poll)
        defer { leave() }
        guard !core.pointee.isClosed else { return [] }
        // Whatever it is polled for, apply its commands: a poll must not wake for them again.
        catchUp()
        var events: Poller.Events = []
        if wanted.contains(.readable), type.canReceive, hasIncoming() { events.insert(.readable) }
        if wanted.contains(.writable), type.canSend, hasRoom(for: nil) { events.insert(.writable) }
        return events
    }
}
