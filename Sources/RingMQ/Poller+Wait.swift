/// The wait behind every poll: ``Poller/poll(timeout:)``, ``Poller/poll(only:timeout:)`` and
/// ``Socket/poll(_:timeout:)`` each name their registrations and call one of these two loops.
extension Poller {
    /// Waits, blocking the thread, up to `timeout` until one of `registrations` is ready.
    /// `clockOf` gives the clock of a wait with no open socket to wait on; `call` names the
    /// public call in reports about a blocking call in a task or a stuck wait.
    static func wait(
        _ registrations: [Registration], timeout: Duration?, clockOf home: Socket?,
        call: String
    ) throws -> [Item] {
        Poller.point(call, registrations, home)
        let open = registrations.filter { !$0.socket.isClosed }
        var ready: [Item] = []
        let check = { () throws -> Bool in
            ready = try Poller.readyItems(open)
            return !ready.isEmpty
        }
        if try check() || timeout == .zero { return ready }
        if !open.isEmpty || timeout != nil { BlockingCallCheck.check(call) }
        guard !open.isEmpty else {
            // Nothing can become ready: wait out the timeout (at once without one).
            if timeout != nil {
                Waiter.sleep(until: Deadline(timeout: timeout, on: home?.context.time))
            }
            return []
        }
        let deadline = open[0].socket.context.deadline(after: timeout)
        _ = try Socket.waitUntil(open.map(\.socket), deadline: deadline, call: call, ready: check)
        return ready
    }

    /// The async form of ``wait(_:timeout:clockOf:call:)``: parks the task.
    static func wait(
        _ registrations: [Registration], timeout: Duration?, clockOf home: Socket?,
        call: String
    ) async throws -> [Item] {
        Poller.point(call, registrations, home)
        let open = registrations.filter { !$0.socket.isClosed }
        let deadline = Deadline(timeout: timeout, on: (open.first?.socket ?? home)?.context.time)
        var watch: ClockWatch?  // made at the first park
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
                on: home.port.signal, others: open.dropFirst().map(\.socket.port.signal), watch: clock,
                reason: Socket.describe(call, open.map(\.socket))
            ) {
                // readyItems applies every socket's commands (a command posted since is news to
                // look at) and throws once a context has terminated (resume to throw it).
                guard let items = try? Poller.readyItems(open) else { return true }
                return !items.isEmpty || open.contains { $0.socket.port.mailbox.hasCommands }
            }
            if !stillWaiting { return [] }
            clock.checkSafetyLimit(Socket.describe(call, open.map(\.socket)))
        }
    }

    /// A poll's one scheduling point in a controlled run (its sockets' entries make none).
    private static func point(_ call: String, _ registrations: [Registration], _ home: Socket?) {
        guard let socket = registrations.first?.socket ?? home, let controller = socket.context.controller else {
            return
        }
        controller.point(SchedulePoint(call: call, socket: socket))
    }

    private static func readyItems(_ registrations: [Registration]) throws -> [Item] {
        var items: [Item] = []
        for (socket, wanted) in registrations {
            if socket.context.isTerminated { throw RingMQError.terminated }
            // Open when the poll began, so closed since by another thread: the poll ends.
            guard let events = socket.readiness(for: wanted) else { throw RingMQError.socketClosed }
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

    /// Which of `wanted` the socket is ready for now; `nil` once closed.
    func readiness(for wanted: Poller.Events) -> Poller.Events? {
        enter(.poll)
        defer { leave() }
        guard !core.pointee.isClosed else { return nil }
        // Whatever it is polled for, apply its commands: a poll must not wake for them again.
        catchUp()
        var events: Poller.Events = []
        if wanted.contains(.readable), type.canReceive, hasIncoming() { events.insert(.readable) }
        if wanted.contains(.writable), type.canSend, hasRoom(for: nil) { events.insert(.writable) }
        return events
    }
}
